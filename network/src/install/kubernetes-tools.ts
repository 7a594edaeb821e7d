/**
 * The tools that validate the Kubernetes chart (`fabpay-network k8s`) inside `npm test`: helm and
 * kubeconform, built from the Go module proxy through a throw-away wrapper module (as Fabric is,
 * go-route.ts says why), and kubeconform's JSON schemas, converted from the OpenAPI document of
 * the Kubernetes source module (kubernetes/schemas.ts). All pinned in versions.json's
 * `kubernetesTools`; recorded in `<kubernetes tools dir>/manifest.json` (Fabric's bin/manifest.json
 * lists Fabric's commands only, and the toolchain checks read it as such).
 *
 * Builds run at the lowest CPU priority on one core (`nice -n 19`, GOMAXPROCS=1, `go build -p 1`):
 * they happen on machines where live Fabric suites measure timings.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { kubeconformSchemas, type SwaggerDocument } from '../kubernetes/schemas';
import { run } from '../util/run';
import type { GoTool, KubernetesTools } from './versions';

/** Where the chart validation tools live. */
export interface KubernetesToolsLayout {
  dir: string;
  /** helm and kubeconform. */
  binDir: string;
  /** Wrapper modules of the Go builds. */
  buildDir: string;
  /** `<dir>/schemas/<kubernetes version>-standalone-strict/<kind>-<group>-<version>.json`. */
  schemasDir: string;
  manifest: string;
}

/** The layout below a directory (the installer uses `<toolchain home>/kubernetes-tools`). */
export function kubernetesToolsLayout(dir: string): KubernetesToolsLayout {
  return {
    dir,
    binDir: path.join(dir, 'bin'),
    buildDir: path.join(dir, 'build'),
    schemasDir: path.join(dir, 'schemas'),
    manifest: path.join(dir, 'manifest.json'),
  };
}

/** The strict, standalone schema directory of a Kubernetes version, as kubeconform names it. */
export function strictSchemaDir(layout: KubernetesToolsLayout, kubernetesVersion: string): string {
  return path.join(layout.schemasDir, `${kubernetesVersion}-standalone-strict`);
}

/** What the manifest records per tool. */
export interface KubernetesToolEntry {
  module: string;
  version: string;
  route: 'present' | 'go';
  /** The binary, or for the schemas their directory. */
  path: string;
  installedAt: string;
}

export type KubernetesToolsManifest = Partial<
  Record<'helm' | 'kubeconform' | 'schemas', KubernetesToolEntry>
>;

/** Reads the manifest (empty before the first install). */
export function readKubernetesToolsManifest(layout: KubernetesToolsLayout): KubernetesToolsManifest {
  try {
    return JSON.parse(readFileSync(layout.manifest, 'utf8')) as KubernetesToolsManifest;
  } catch {
    return {};
  }
}

/** Progress of the tools' installation, for the installer's event stream. */
export type KubernetesToolEvent =
  | { kind: 'skip'; tool: string; version: string; reason: string }
  | { kind: 'build'; tool: string; version: string }
  | { kind: 'built'; tool: string; version: string; seconds: number };

const lowPriority = (args: string[]): [string, string[]] => ['nice', ['-n', '19', ...args]];
const goEnv = (): NodeJS.ProcessEnv => ({ ...process.env, GOMAXPROCS: '1' });

/** The version a tool binary reports, or undefined when it is missing or does not run. */
export async function toolVersion(binary: string, tool: GoTool): Promise<string | undefined> {
  if (!existsSync(binary)) return undefined;
  const res = await run(binary, tool.versionArgs, { allowFailure: true }).catch(() => undefined);
  return res?.code === 0 ? res.stdout.trim() : undefined;
}

async function buildTool(
  name: string,
  tool: GoTool,
  layout: KubernetesToolsLayout,
  force: boolean,
  emit: (e: KubernetesToolEvent) => void,
): Promise<KubernetesToolEntry> {
  const binary = path.join(layout.binDir, name);
  const previous = readKubernetesToolsManifest(layout)[name as 'helm'];
  if (!force && (await toolVersion(binary, tool)) === tool.version) {
    emit({
      kind: 'skip',
      tool: name,
      version: tool.version,
      reason: `already installed in ${layout.binDir}`,
    });
    return {
      module: tool.module,
      version: tool.version,
      route: 'present',
      path: binary,
      installedAt: previous?.installedAt ?? new Date().toISOString(),
    };
  }
  emit({ kind: 'build', tool: name, version: tool.version });
  const started = Date.now();
  const buildDir = path.join(layout.buildDir, `${name}-${tool.version}`);
  mkdirSync(buildDir, { recursive: true });
  mkdirSync(layout.binDir, { recursive: true });
  writeFileSync(
    path.join(buildDir, 'go.mod'),
    `module fabpay.local/build\n\ngo 1.20\n\nrequire ${tool.module} ${tool.version}\n`,
  );
  writeFileSync(
    path.join(buildDir, 'tools.go'),
    `//go:build tools\n\npackage tools\n\nimport (\n\t_ "${tool.package}"\n)\n`,
  );
  if (!existsSync(path.join(buildDir, 'go.sum'))) {
    await run(...lowPriority(['go', 'mod', 'tidy']), { cwd: buildDir, env: goEnv() });
  }
  await run(
    ...lowPriority([
      'go',
      'build',
      '-p',
      '1',
      '-trimpath',
      '-ldflags',
      `-X ${tool.versionVariable}=${tool.version}`,
      '-o',
      binary,
      tool.package,
    ]),
    { cwd: buildDir, env: goEnv() },
  );
  chmodSync(binary, 0o755);
  emit({ kind: 'built', tool: name, version: tool.version, seconds: (Date.now() - started) / 1000 });
  return {
    module: tool.module,
    version: tool.version,
    route: 'go',
    path: binary,
    installedAt: new Date().toISOString(),
  };
}

/** Marker of a complete schema conversion (written last, so a cut-short run is redone). */
const COMPLETE = '.complete';

async function installSchemas(
  spec: KubernetesTools['schemas'],
  layout: KubernetesToolsLayout,
  force: boolean,
  emit: (e: KubernetesToolEvent) => void,
): Promise<KubernetesToolEntry> {
  const dir = strictSchemaDir(layout, spec.version);
  const previous = readKubernetesToolsManifest(layout).schemas;
  const marker = path.join(dir, COMPLETE);
  if (
    !force &&
    existsSync(marker) &&
    readFileSync(marker, 'utf8').trim() === `${spec.module}@${spec.version}`
  ) {
    emit({ kind: 'skip', tool: 'schemas', version: spec.version, reason: `already converted in ${dir}` });
    return {
      module: spec.module,
      version: spec.version,
      route: 'present',
      path: dir,
      installedAt: previous?.installedAt ?? new Date().toISOString(),
    };
  }
  emit({ kind: 'build', tool: 'schemas', version: spec.version });
  const started = Date.now();
  mkdirSync(layout.buildDir, { recursive: true });
  // The module zip is large (the whole Kubernetes tree) but the proxy serves it; the module cache keeps it.
  const res = await run(
    ...lowPriority(['go', 'mod', 'download', '-json', `${spec.module}@${spec.version}`]),
    {
      cwd: layout.buildDir,
      env: goEnv(),
    },
  );
  const info = JSON.parse(res.stdout) as { Dir?: string; Error?: string };
  if (!info.Dir) throw new Error(`go mod download ${spec.module}@${spec.version}: ${info.Error ?? 'no Dir'}`);
  const swagger = JSON.parse(readFileSync(path.join(info.Dir, spec.openapi), 'utf8')) as SwaggerDocument;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of kubeconformSchemas(swagger, true)) writeFileSync(path.join(dir, file), text);
  writeFileSync(marker, `${spec.module}@${spec.version}\n`);
  emit({ kind: 'built', tool: 'schemas', version: spec.version, seconds: (Date.now() - started) / 1000 });
  return {
    module: spec.module,
    version: spec.version,
    route: 'go',
    path: dir,
    installedAt: new Date().toISOString(),
  };
}

/**
 * Installs helm, kubeconform and the schemas into `layout`, skipping what is already there at the
 * pinned version, and writes the manifest.
 */
export async function installKubernetesTools(opts: {
  tools: KubernetesTools;
  layout: KubernetesToolsLayout;
  force?: boolean;
  onEvent?: (e: KubernetesToolEvent) => void;
}): Promise<KubernetesToolsManifest> {
  const { tools, layout } = opts;
  const emit = opts.onEvent ?? (() => undefined);
  const force = opts.force ?? false;
  mkdirSync(layout.dir, { recursive: true });
  const manifest: KubernetesToolsManifest = {
    helm: await buildTool('helm', tools.helm, layout, force, emit),
    kubeconform: await buildTool('kubeconform', tools.kubeconform, layout, force, emit),
    schemas: await installSchemas(tools.schemas, layout, force, emit),
  };
  writeFileSync(layout.manifest, `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
