import {
  accessSync,
  chmodSync,
  constants,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  symlinkSync,
  unlinkSync,
} from 'node:fs';
import path from 'node:path';
import { binDir, repoRoot } from '@fabpay/topology';
import { installFromArchive } from './archive-route';
import { buildWithGo, copySampleConfig, downloadModule, findGo } from './go-route';
import { hasPinnedBinaries, readManifest, writeManifest, type Route } from './manifest';
import { loadVersions, type Pin, type Product, type Versions } from './versions';
import {
  installKubernetesTools,
  kubernetesToolsLayout,
  type KubernetesToolEvent,
  type KubernetesToolsManifest,
} from './kubernetes-tools';

export { loadVersions, type Versions, type Pin, type Product } from './versions';
export { reportedVersion, readManifest, type Manifest, type Route } from './manifest';
export {
  kubernetesToolsLayout,
  readKubernetesToolsManifest,
  strictSchemaDir,
  toolVersion,
  type KubernetesToolsLayout,
  type KubernetesToolsManifest,
  type KubernetesToolEvent,
} from './kubernetes-tools';
export type { GoTool, KubernetesTools } from './versions';

/** Where the installer puts things, all below one git-ignored home. */
export interface InstallLayout {
  /** Fabric and Fabric CA binaries, plus manifest.json. */
  binDir: string;
  /** Fabric's sample configuration (core.yaml, orderer.yaml, configtx.yaml). */
  configDir: string;
  /** External builders for peers; `ccaas/bin/{detect,build,release}`. */
  buildersDir: string;
  /** Wrapper modules used for Go builds. */
  buildDir: string;
  /** helm, kubeconform and the Kubernetes schemas that validate the chart (kubernetes-tools.ts). */
  kubernetesToolsDir: string;
}

/** Progress events, for a CLI to print and a test to inspect. */
export type InstallEvent =
  | { kind: 'product'; product: string; version: string; route: Route }
  | { kind: 'route-failed'; product: string; version: string; route: Route; command?: string; error: string }
  | { kind: 'build'; product: string; command: string; index: number; total: number }
  | { kind: 'built'; product: string; command: string; seconds: number }
  | { kind: 'skip'; product: string; version: string; reason: string }
  | { kind: 'kubernetes-tool'; event: KubernetesToolEvent };

export interface InstallOptions {
  /** The repository root, where versions.json and network/builders live. */
  root: string;
  layout: InstallLayout;
  /** Rebuild even when the pinned binaries are already present. */
  force?: boolean;
  onEvent?: (event: InstallEvent) => void;
}

/** One product as installed. */
export interface InstalledProduct {
  product: string;
  module: string;
  version: string;
  commit: string;
  goModuleVersion: string;
  channelCapability?: 'V2_0' | 'V3_0';
  route: Route;
  commands: string[];
}

export interface InstallResult {
  layout: InstallLayout;
  products: InstalledProduct[];
  /** The chart validation tools, when versions.json pins them. */
  kubernetesTools?: KubernetesToolsManifest;
  seconds: number;
}

/** Thrown when no route could install a product; the message names every route tried and what is missing. */
export class InstallError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InstallError';
  }
}

/** The layout the rest of fabpay uses: around the bin directory (`<repo>/.fabric/bin` or `$FABPAY_BIN_DIR`). */
export function defaultLayout(): InstallLayout {
  return {
    ...layoutFor(path.dirname(binDir())),
    // The checkout's own, whatever FABPAY_BIN_DIR says: its versions.json pins these tools, and a
    // shared Fabric toolchain directory is not written to by a checkout's chart tests.
    kubernetesToolsDir: path.join(repoRoot(), '.fabric', 'kubernetes-tools'),
  };
}

/** The layout below a toolchain directory: `bin/`, `config/`, `builders/`, `build/`. */
export function layoutFor(home: string): InstallLayout {
  return {
    binDir: path.join(home, 'bin'),
    configDir: path.join(home, 'config'),
    buildersDir: path.join(home, 'builders'),
    buildDir: path.join(home, 'build'),
    kubernetesToolsDir: path.join(home, 'kubernetes-tools'),
  };
}

/**
 * Makes the pinned Fabric and Fabric CA binaries, Fabric's sample
 * configuration and the chaincode-as-a-service builder available in the
 * layout. Routes, in order: binaries already installed (or on PATH) at a
 * pinned version; `go build` through the Go module proxy; the release
 * archives. Pins of a product are tried in the order versions.json lists them.
 * A second run finds everything present and takes seconds.
 */
export async function install(opts: InstallOptions): Promise<InstallResult> {
  const started = Date.now();
  const versions = loadVersions(path.join(opts.root, 'versions.json'));
  const emit = opts.onEvent ?? (() => undefined);
  mkdirSync(opts.layout.binDir, { recursive: true });
  const products: InstalledProduct[] = [];
  for (const [name, product] of [
    ['fabric', versions.fabric],
    ['fabric-ca', versions.fabricCa],
  ] as const) {
    products.push(await installProduct(name, product, versions, opts, emit));
  }
  installBuilders(opts.root, opts.layout.buildersDir);
  const kubernetesTools = versions.kubernetesTools
    ? await installKubernetesTools({
        tools: versions.kubernetesTools,
        layout: kubernetesToolsLayout(opts.layout.kubernetesToolsDir),
        force: opts.force ?? false,
        onEvent: (event) => emit({ kind: 'kubernetes-tool', event }),
      })
    : undefined;
  return {
    layout: opts.layout,
    products,
    ...(kubernetesTools ? { kubernetesTools } : {}),
    seconds: (Date.now() - started) / 1000,
  };
}

async function installProduct(
  name: string,
  product: Product,
  versions: Versions,
  opts: InstallOptions,
  emit: (e: InstallEvent) => void,
): Promise<InstalledProduct> {
  const { layout } = opts;
  const needsConfig = name === 'fabric';
  const configReady = () => !needsConfig || existsSync(path.join(layout.configDir, 'core.yaml'));
  const manifest = readManifest(layout.binDir);
  const done = (pin: Pin, route: Route, installedAt = new Date().toISOString()): InstalledProduct => {
    const entry = {
      module: product.module,
      version: pin.version,
      commit: pin.commit,
      goModuleVersion: pin.goModuleVersion,
      ...(pin.channelCapability ? { channelCapability: pin.channelCapability } : {}),
      route,
      commands: product.commands,
    };
    writeManifest(layout.binDir, {
      ...readManifest(layout.binDir),
      [name]: { ...entry, installedAt },
    });
    return { product: name, ...entry };
  };

  if (!opts.force) {
    for (const pin of product.pins) {
      if (
        manifest[name]?.version === pin.version &&
        configReady() &&
        (await hasPinnedBinaries(layout.binDir, product, pin))
      ) {
        emit({
          kind: 'skip',
          product: name,
          version: pin.version,
          reason: `already installed in ${layout.binDir}`,
        });
        // Rewrite the entry from versions.json, so pin facts added since the install reach it.
        const previous = manifest[name]!;
        return { ...done(pin, previous.route, previous.installedAt), route: 'present' };
      }
    }
    const onPath = await fromPath(product, layout, needsConfig);
    if (onPath) {
      emit({ kind: 'product', product: name, version: onPath.version, route: 'path' });
      return done(onPath, 'path');
    }
  }

  const failures: string[] = [];
  const go = await findGo(versions.go.minimum);
  if (go.ok) {
    for (const pin of product.pins) {
      const buildDir = path.join(layout.buildDir, `${name}-${pin.version}`);
      mkdirSync(buildDir, { recursive: true });
      const downloaded = await downloadModule(product, pin, buildDir);
      if (!downloaded.ok) {
        emit({
          kind: 'route-failed',
          product: name,
          version: pin.version,
          route: 'go',
          command: downloaded.command,
          error: downloaded.error,
        });
        failures.push(
          `go route, ${name} ${pin.version}: \`${downloaded.command}\` failed: ${downloaded.error}`,
        );
        continue;
      }
      emit({ kind: 'product', product: name, version: pin.version, route: 'go' });
      await buildWithGo({
        product,
        pin,
        buildDir,
        binDir: layout.binDir,
        onProgress: (p) => {
          if (p.kind === 'build')
            emit({ kind: 'build', product: name, command: p.command, index: p.index, total: p.total });
          if (p.kind === 'built')
            emit({ kind: 'built', product: name, command: p.command, seconds: p.seconds });
        },
      });
      if (needsConfig) copySampleConfig(downloaded.dir, layout.configDir);
      return done(pin, 'go');
    }
  } else {
    failures.push(`go route: ${go.why}`);
  }

  for (const pin of product.pins.filter((p) => p.releaseArchive)) {
    if (go.ok) break; // With Go present the module proxy is the route; archives are for machines without Go.
    try {
      emit({ kind: 'product', product: name, version: pin.version, route: 'archive' });
      await installFromArchive({
        product,
        pin,
        binDir: layout.binDir,
        configDir: needsConfig ? layout.configDir : undefined,
      });
      return done(pin, 'archive');
    } catch (err) {
      const error = (err as Error).message;
      emit({ kind: 'route-failed', product: name, version: pin.version, route: 'archive', error });
      failures.push(`archive route, ${name} ${pin.version}: ${error}`);
    }
  }
  throw new InstallError(
    `cannot install ${name} (${product.pins.map((p) => p.version).join(' or ')}): no route worked.\n  - ${failures.join('\n  - ')}\n` +
      `Install Go ${versions.go.minimum}+ with access to a Go module proxy, or put the pinned binaries on PATH.`,
  );
}

/**
 * Adopts binaries already on PATH when they report a pinned version, by
 * linking them into the bin directory (the network tool only looks there).
 */
async function fromPath(
  product: Product,
  layout: InstallLayout,
  needsConfig: boolean,
): Promise<Pin | undefined> {
  const found = whichOnPath(product.commands[0] ?? '');
  if (!found || path.dirname(found) === layout.binDir) return undefined;
  const dir = path.dirname(found);
  const sampleConfig = [process.env.FABRIC_CFG_PATH, path.join(dir, '..', 'config')].find(
    (d): d is string => !!d && existsSync(path.join(d, 'core.yaml')),
  );
  if (needsConfig && !sampleConfig) return undefined;
  for (const pin of product.pins) {
    if (!(await hasPinnedBinaries(dir, product, pin))) continue;
    for (const command of product.commands) {
      const link = path.join(layout.binDir, command);
      if (existsSync(link)) unlinkSync(link);
      symlinkSync(path.join(dir, command), link);
    }
    if (needsConfig && sampleConfig) {
      mkdirSync(layout.configDir, { recursive: true });
      for (const f of ['core.yaml', 'orderer.yaml', 'configtx.yaml'])
        cpSync(path.join(sampleConfig, f), path.join(layout.configDir, f));
    }
    return pin;
  }
  return undefined;
}

/** The first executable named `command` on PATH, like `which`. */
function whichOnPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}

/** Copies the chaincode-as-a-service external builder (network/builders/ccaas) into place. */
function installBuilders(root: string, buildersDir: string): void {
  const source = path.join(root, 'network', 'builders');
  cpSync(source, buildersDir, { recursive: true });
  for (const builder of readdirSync(buildersDir)) {
    const bin = path.join(buildersDir, builder, 'bin');
    for (const script of readdirSync(bin)) chmodSync(path.join(bin, script), 0o755);
  }
}
