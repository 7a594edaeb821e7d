/**
 * Kubernetes JSON schemas for kubeconform, converted offline from the OpenAPI (Swagger 2.0)
 * document the Kubernetes source tree ships (`api/openapi-spec/swagger.json`), so validation
 * needs no schema download. What kubeconform's own scripts/openapi2jsonschema.py does, in the
 * shape kubeconform looks schemas up by:
 *
 * - one file per kind and API version, `<kind>[-<group's first label>]-<version>.json` in lower
 *   case (`statefulset-apps-v1.json`, `service-v1.json`), matching kubeconform's
 *   `{{ .ResourceKind }}{{ .KindSuffix }}` lookup;
 * - standalone: each file carries the definitions it refers to (its `$ref`s stay
 *   `#/definitions/<name>`, as in the Swagger document), so no file depends on another;
 * - strict: every object with declared properties refuses others (`additionalProperties: false`),
 *   which is what makes `kubeconform -strict` reject a misspelt field;
 * - `int-or-string` fields (IntOrString) accept an integer or a string.
 *
 * List kinds (`PodList` ...) are left out: manifests never contain them, and each would carry the
 * whole of its item's schema again.
 */

type Schema = Record<string, unknown>;

/** The parts of a Swagger 2.0 document this conversion reads. */
export interface SwaggerDocument {
  definitions: Record<string, Schema>;
}

interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

/** The kubeconform file name of a kind, e.g. `statefulset-apps-v1.json`. */
export function schemaFileName(gvk: GroupVersionKind): string {
  const group = gvk.group ? `-${gvk.group.split('.')[0]}` : '';
  return `${gvk.kind}${group}-${gvk.version}.json`.toLowerCase();
}

function refsOf(node: unknown, into: Set<string>): void {
  if (Array.isArray(node)) {
    for (const n of node) refsOf(n, into);
  } else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith('#/definitions/')) {
        into.add(v.slice('#/definitions/'.length));
      } else {
        refsOf(v, into);
      }
    }
  }
}

/** The definitions reachable from `root` (itself included). */
function closure(defs: Record<string, Schema>, root: string): string[] {
  const seen = new Set<string>();
  const todo = [root];
  while (todo.length) {
    const name = todo.pop()!;
    if (seen.has(name) || !defs[name]) continue;
    seen.add(name);
    const refs = new Set<string>();
    refsOf(defs[name], refs);
    todo.push(...refs);
  }
  return [...seen].sort();
}

/** One schema node, converted (recursively): int-or-string and strictness. */
function convert(node: unknown, strict: boolean): unknown {
  if (Array.isArray(node)) return node.map((n) => convert(n, strict));
  if (!node || typeof node !== 'object') return node;
  const s = node as Schema;
  if (s.format === 'int-or-string') {
    const { type: _type, format: _format, ...rest } = s;
    return { ...rest, oneOf: [{ type: 'string' }, { type: 'integer' }] };
  }
  const out: Schema = {};
  for (const [k, v] of Object.entries(s)) {
    // `properties` maps names to schemas; convert the schemas, never treat a name as a keyword.
    out[k] =
      k === 'properties' && v && typeof v === 'object'
        ? Object.fromEntries(Object.entries(v).map(([p, ps]) => [p, convert(ps, strict)]))
        : convert(v, strict);
  }
  if (strict && out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

/**
 * Converts the Swagger document into kubeconform schema files: file name to JSON text.
 * Deterministic (sorted), so a second conversion writes the same bytes.
 */
export function kubeconformSchemas(swagger: SwaggerDocument, strict = true): Map<string, string> {
  const defs = swagger.definitions;
  const files = new Map<string, string>();
  for (const name of Object.keys(defs).sort()) {
    const gvks = defs[name]!['x-kubernetes-group-version-kind'] as GroupVersionKind[] | undefined;
    if (!gvks) continue;
    for (const gvk of gvks) {
      if (gvk.kind.endsWith('List')) continue;
      const definitions: Record<string, unknown> = {};
      for (const d of closure(defs, name)) definitions[d] = convert(defs[d], strict);
      const schema = { ...(convert(defs[name], strict) as Schema), definitions };
      const file = schemaFileName(gvk);
      // A kind served under several names (e.g. a deprecated group alias) keeps its first schema.
      if (!files.has(file)) files.set(file, JSON.stringify(schema));
    }
  }
  return files;
}
