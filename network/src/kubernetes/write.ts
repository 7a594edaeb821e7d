/**
 * `fabpay-network k8s`: writes the Helm chart of a topology to a directory, the chaincode image's
 * Dockerfile beside it, and with `withSecrets` the Secret manifests from the local network's CA
 * output.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { defaultTopologyFile, fabpayHome, loadTopology, repoRoot, type Topology } from '@fabpay/topology';
import { defaultLayout, loadVersions } from '../install';
import { generateChart, type ChartObject } from './chart';
import { expectedSecrets, type ExpectedSecret } from './names';
import { secretManifests, secretsYaml } from './secrets';
import { CHAINCODE_DOCKERIGNORE, chaincodeDockerfile, repositoryWorkspaces } from './chaincode-image';

/** Fabric's sample configuration is not installed (the chart's core.yaml and orderer.yaml start from it). */
export class SampleConfigMissingError extends Error {
  override readonly name = 'SampleConfigMissingError';
}

export interface WriteChartOptions {
  /** Topology file; default the repository's topology.yaml. */
  topologyFile?: string;
  /** A topology already loaded (instead of topologyFile). */
  topology?: Topology;
  /** Output directory; default `<home>/kubernetes`. The chart goes to `<out>/<chart name>`. */
  out?: string;
  /** Also write `<out>/secrets.yaml` from the local network's CA output. */
  withSecrets?: boolean;
  /** A channel genesis block to ship in the chart's channel-genesis ConfigMap. */
  genesisBlock?: string;
  /** Fabric's sample config directory; default the installer's. */
  sampleConfigDir?: string;
}

export interface WriteChartResult {
  chartDir: string;
  objects: ChartObject[];
  /** Objects per kind, e.g. `{ StatefulSet: 7 }`. */
  counts: Record<string, number>;
  images: Record<string, string>;
  /** Secrets the chart's workloads reference, which must exist in the namespace. */
  secrets: ExpectedSecret[];
  /** The chaincode image's Dockerfile (`<out>/chaincode/Dockerfile`; build context: the repository root). */
  chaincodeDockerfile: string;
  /** The Secret manifests file, with `withSecrets`. */
  secretsFile?: string;
}

/** A path relative to the repository root when it is inside it (the build command runs there). */
function shownPath(file: string): string {
  const rel = path.relative(repoRoot(), file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? file : rel;
}

/** Default output directory: `<home>/kubernetes` (git-ignored with the rest of `.fabric`). */
export function defaultKubernetesDir(): string {
  return path.join(fabpayHome(), 'kubernetes');
}

/**
 * Generates the chart and writes it, replacing a previous one (generated files are never edited).
 * @throws SampleConfigMissingError before `npm run fabric:install`
 * @throws SecretSourceError with `withSecrets` when the CA output is incomplete
 */
export function writeKubernetesChart(opts: WriteChartOptions = {}): WriteChartResult {
  const topology = opts.topology ?? loadTopology(opts.topologyFile ?? defaultTopologyFile());
  const sampleConfigDir = opts.sampleConfigDir ?? defaultLayout().configDir;
  if (!existsSync(path.join(sampleConfigDir, 'core.yaml'))) {
    throw new SampleConfigMissingError(
      `Fabric's sample core.yaml is not in ${sampleConfigDir}: run \`npm run fabric:install\``,
    );
  }
  const chart = generateChart({
    topology,
    sampleConfigDir,
    versions: loadVersions(path.join(repoRoot(), 'versions.json')),
    ...(opts.genesisBlock ? { genesisBlock: readFileSync(opts.genesisBlock) } : {}),
  });
  // Secrets first: a failure leaves the previous chart as it was.
  const manifests = opts.withSecrets ? secretManifests(topology) : undefined;
  const out = path.resolve(opts.out ?? defaultKubernetesDir());
  const chartDir = path.join(out, chart.name);
  rmSync(chartDir, { recursive: true, force: true });
  for (const [file, content] of chart.files) {
    const target = path.join(chartDir, file);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
  const chaincodeDockerfilePath = path.join(out, 'chaincode', 'Dockerfile');
  mkdirSync(path.dirname(chaincodeDockerfilePath), { recursive: true });
  writeFileSync(
    chaincodeDockerfilePath,
    chaincodeDockerfile({
      topology,
      image: chart.images.chaincode,
      dockerfile: shownPath(chaincodeDockerfilePath),
      workspaces: repositoryWorkspaces(),
    }),
  );
  // BuildKit reads <Dockerfile>.dockerignore beside it: the checkout's installs, builds and run
  // state stay out of the build context.
  writeFileSync(`${chaincodeDockerfilePath}.dockerignore`, CHAINCODE_DOCKERIGNORE);
  let secretsFile: string | undefined;
  if (manifests) {
    secretsFile = path.join(out, 'secrets.yaml');
    writeFileSync(secretsFile, secretsYaml(manifests), { mode: 0o600 });
    chmodSync(secretsFile, 0o600);
  }
  const counts: Record<string, number> = {};
  for (const o of chart.objects) counts[o.kind] = (counts[o.kind] ?? 0) + 1;
  return {
    chartDir,
    objects: chart.objects,
    counts,
    images: chart.images,
    secrets: expectedSecrets(topology).referenced,
    chaincodeDockerfile: chaincodeDockerfilePath,
    ...(secretsFile ? { secretsFile } : {}),
  };
}
