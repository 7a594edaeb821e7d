/**
 * Reading and validating topology files. Every problem is reported with the file, the field path
 * and what was expected, e.g. `topology.yaml: orgs[1].peers: expected a whole number from 1 to 8, got "two"`.
 */
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { topologySchema, type Topology } from './schema';
import { planPorts } from './ports';

/** One validation problem: the field path (e.g. `orgs[1].peers`) and the message. */
export interface TopologyIssue {
  path: string;
  message: string;
}

/** A topology that cannot be read or does not validate. `issues` lists every problem found. */
export class TopologyError extends Error {
  override readonly name = 'TopologyError';
  constructor(
    /** The file (or other source label) the topology came from. */
    readonly source: string,
    readonly issues: TopologyIssue[],
  ) {
    super(issues.map((i) => `${source}: ${i.path ? `${i.path}: ` : ''}${i.message}`).join('\n'));
  }
}

/** Formats a zod path as `orgs[1].users[0].name`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (typeof seg === 'string' && /^[A-Za-z_$][\w$]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): { found: boolean; value: unknown } {
  let cur: unknown = root;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object' || !(seg in (cur as object)))
      return { found: false, value: undefined };
    cur = (cur as Record<PropertyKey, unknown>)[seg];
  }
  return { found: true, value: cur };
}

function describeValue(v: { found: boolean; value: unknown }): string {
  if (!v.found || v.value === undefined) return 'nothing';
  if (v.value === null) return 'null';
  if (Array.isArray(v.value)) return `a list of ${v.value.length}`;
  if (typeof v.value === 'object') return 'a map';
  return JSON.stringify(v.value);
}

function toIssues(error: z.ZodError, raw: unknown): TopologyIssue[] {
  const issues: TopologyIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        issues.push({
          path: formatPath([...issue.path, key]),
          message: 'unknown field (check the spelling)',
        });
      }
      continue;
    }
    // Our schema messages start with "expected"; say what was there instead.
    const message = issue.message.startsWith('expected')
      ? `${issue.message}, got ${describeValue(valueAt(raw, issue.path))}`
      : issue.message;
    issues.push({ path: formatPath(issue.path), message });
  }
  return issues;
}

/**
 * Validates an already-parsed topology object. Pass `schema` to validate with an extended schema
 * (e.g. one with channel sections); the result then has that schema's type. The port plan is also
 * checked, so a topology that passes here can always be laid out on ports.
 */
export function parseTopology(raw: unknown, source?: string): Topology;
export function parseTopology<S extends z.ZodType<Topology>>(
  raw: unknown,
  source: string,
  schema: S,
): z.output<S>;
export function parseTopology(
  raw: unknown,
  source = 'topology',
  schema: z.ZodType<Topology> = topologySchema,
): Topology {
  // An empty file parses to null: treat it as "all defaults".
  const result = schema.safeParse(raw ?? {});
  if (!result.success) throw new TopologyError(source, toIssues(result.error, raw ?? {}));
  try {
    planPorts(result.data);
  } catch (e) {
    throw new TopologyError(source, [{ path: 'portBase', message: (e as Error).message }]);
  }
  return withSlots(result.data);
}

/**
 * Numbers every organisation by its place in the file (its port block) and sets the removed ones
 * apart, so no command starts, configures or counts an organisation that left the channel.
 */
function withSlots<T extends Topology>(t: T): T {
  const all = t.orgs.map((o, i) => ({ ...o, slot: o.slot ?? i + 1 }));
  return { ...t, orgs: all.filter((o) => !o.removed), removedOrgs: all.filter((o) => o.removed) };
}

/** Parses YAML text into a validated topology. `source` names the file in error messages. */
export function parseTopologyYaml(text: string, source = 'topology.yaml'): Topology {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new TopologyError(
      source,
      doc.errors.map((e) => ({
        path: '',
        message: `not valid YAML: ${(e.message.split('\n')[0] ?? e.message).replace(/:$/, '')}`,
      })),
    );
  }
  return parseTopology(doc.toJS(), source);
}

/**
 * Reads and validates a topology file.
 * @param file path to the YAML file; error messages name it as given.
 * @throws TopologyError when the file is missing, not YAML, or fails validation.
 */
export function loadTopology(file: string): Topology {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new TopologyError(file, [
      { path: '', message: code === 'ENOENT' ? 'file not found' : `cannot read: ${(e as Error).message}` },
    ]);
  }
  return parseTopologyYaml(text, file);
}
