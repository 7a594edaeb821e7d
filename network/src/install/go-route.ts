import { chmodSync, cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { run } from '../util/run';
import type { Pin, Product } from './versions';

/** What a Go build step reports, so the CLI can show per-binary progress. */
export type GoProgress =
  | { kind: 'module'; module: string; version: string }
  | { kind: 'build'; command: string; index: number; total: number }
  | { kind: 'built'; command: string; seconds: number };

/** The Go toolchain found on this machine, or why it is unusable. */
export async function findGo(
  minimum: string,
): Promise<{ ok: true; version: string } | { ok: false; why: string }> {
  let version: string;
  try {
    version = (await run('go', ['env', 'GOVERSION'])).stdout.trim();
  } catch {
    return { ok: false, why: 'the Go toolchain (`go`) is not on PATH' };
  }
  const m = /^go(\d+)\.(\d+)/.exec(version);
  const [wantMajor, wantMinor] = minimum.split('.').map(Number);
  if (
    !m ||
    Number(m[1]) < (wantMajor ?? 1) ||
    (Number(m[1]) === wantMajor && Number(m[2]) < (wantMinor ?? 0))
  ) {
    return { ok: false, why: `Go ${version} is older than the required ${minimum}` };
  }
  return { ok: true, version };
}

/**
 * Fetches one pinned module version through the Go module proxy and returns
 * where the module cache unpacked it. The proxy refusing the version is an
 * ordinary, reported outcome (the caller tries the next pin), so the exact
 * command and error are returned rather than thrown.
 */
export async function downloadModule(
  product: Product,
  pin: Pin,
  cwd: string,
): Promise<{ ok: true; dir: string } | { ok: false; command: string; error: string }> {
  const spec = `${product.module}@${pin.goModuleVersion}`;
  const res = await run('go', ['mod', 'download', '-json', spec], { cwd, allowFailure: true });
  let info: { Dir?: string; Error?: string } = {};
  try {
    info = JSON.parse(res.stdout) as { Dir?: string; Error?: string };
  } catch {
    info = { Error: (res.stderr || res.stdout).trim() };
  }
  if (res.code !== 0 || info.Error || !info.Dir) {
    return { ok: false, command: `go mod download -json ${spec}`, error: info.Error ?? res.stderr.trim() };
  }
  return { ok: true, dir: info.Dir };
}

/**
 * Builds the product's commands at the pin into binDir.
 *
 * `go install pkg@version` cannot be used: it asks the proxy for the module's
 * version list (to report deprecation), and a proxy that serves the pinned
 * version but not the list makes it fail. A throw-away wrapper module that
 * requires the pin and builds its commands needs only the pinned version.
 * Each wrapper keeps the product's own dependency versions (Fabric and Fabric
 * CA are never resolved together).
 */
export async function buildWithGo(opts: {
  product: Product;
  pin: Pin;
  buildDir: string;
  binDir: string;
  onProgress: (p: GoProgress) => void;
}): Promise<void> {
  const { product, pin, buildDir, binDir, onProgress } = opts;
  mkdirSync(buildDir, { recursive: true });
  mkdirSync(binDir, { recursive: true });
  onProgress({ kind: 'module', module: product.module, version: pin.goModuleVersion });
  writeFileSync(
    path.join(buildDir, 'go.mod'),
    `module fabpay.local/build\n\ngo 1.20\n\nrequire ${product.module} ${pin.goModuleVersion}\n`,
  );
  // Importing the commands from a build-tagged file lets `go mod tidy` record
  // every dependency they need in go.sum, without this file ever compiling.
  const imports = product.commands.map((c) => `\t_ "${product.module}/cmd/${c}"`).join('\n');
  writeFileSync(
    path.join(buildDir, 'tools.go'),
    `//go:build tools\n\npackage tools\n\nimport (\n${imports}\n)\n`,
  );
  if (!existsSync(path.join(buildDir, 'go.sum'))) {
    await run('go', ['mod', 'tidy'], { cwd: buildDir });
  }
  const ldflags = [`-X ${product.metadataPackage}.Version=${pin.version}`];
  if (product.metadataPackage.includes('/fabric/')) {
    ldflags.push(`-X ${product.metadataPackage}.CommitSHA=${pin.commit.slice(0, 8)}`);
  }
  for (const [i, command] of product.commands.entries()) {
    onProgress({ kind: 'build', command, index: i + 1, total: product.commands.length });
    const started = Date.now();
    const out = path.join(binDir, command);
    await run(
      'go',
      ['build', '-trimpath', '-ldflags', ldflags.join(' '), '-o', out, `${product.module}/cmd/${command}`],
      {
        cwd: buildDir,
        env: { ...process.env, CGO_ENABLED: '1' },
      },
    );
    chmodSync(out, 0o755);
    onProgress({ kind: 'built', command, seconds: (Date.now() - started) / 1000 });
  }
}

/**
 * Copies Fabric's sample configuration (core.yaml, orderer.yaml,
 * configtx.yaml) out of the read-only module cache so it can be used as the
 * base that generated node configuration overrides.
 */
export function copySampleConfig(moduleDir: string, configDir: string): void {
  mkdirSync(configDir, { recursive: true });
  for (const file of ['core.yaml', 'orderer.yaml', 'configtx.yaml']) {
    const target = path.join(configDir, file);
    cpSync(path.join(moduleDir, 'sampleconfig', file), target);
    chmodSync(target, 0o644);
  }
}
