/**
 * Validates a generated chart with real tools, as far as is possible without a cluster:
 * `helm lint --strict`, `helm template`, and kubeconform (strict) against the offline Kubernetes
 * schemas the installer converted. The tools come from `npm run setup`; when they are missing
 * this fails (it never skips), naming the command that installs them.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '@fabpay/topology';
import { defaultLayout, kubernetesToolsLayout, loadVersions, strictSchemaDir, toolVersion } from '../install';
import { run } from '../util/run';

/** helm, kubeconform or the schemas are not installed at their pinned versions. */
export class KubernetesToolsMissingError extends Error {
  override readonly name = 'KubernetesToolsMissingError';
}

/** A validator ran and refused the chart; the message carries its output. */
export class ChartValidationError extends Error {
  override readonly name = 'ChartValidationError';
}

/** The installed validation tools. */
export interface ChartTools {
  helm: string;
  kubeconform: string;
  /** kubeconform's strict, standalone schemas of {@link kubernetesVersion}. */
  schemaDir: string;
  helmVersion: string;
  kubeconformVersion: string;
  kubernetesVersion: string;
}

/**
 * The pinned tools, checked: each binary reports its pinned version and the schemas are there.
 * @throws KubernetesToolsMissingError otherwise
 */
export async function chartTools(): Promise<ChartTools> {
  const pins = loadVersions(path.join(repoRoot(), 'versions.json')).kubernetesTools;
  if (!pins) throw new KubernetesToolsMissingError('versions.json pins no kubernetesTools');
  const layout = kubernetesToolsLayout(defaultLayout().kubernetesToolsDir);
  const helm = path.join(layout.binDir, 'helm');
  const kubeconform = path.join(layout.binDir, 'kubeconform');
  const schemaDir = strictSchemaDir(layout, pins.schemas.version);
  const problems: string[] = [];
  for (const [binary, tool] of [
    [helm, pins.helm],
    [kubeconform, pins.kubeconform],
  ] as const) {
    const reported = await toolVersion(binary, tool);
    if (reported !== tool.version) {
      problems.push(`${binary} ${reported ? `reports ${reported}, not ${tool.version}` : 'is missing'}`);
    }
  }
  if (!existsSync(path.join(schemaDir, 'statefulset-apps-v1.json')))
    problems.push(`no schemas in ${schemaDir}`);
  if (problems.length) {
    throw new KubernetesToolsMissingError(
      `chart validation tools are not installed: ${problems.join('; ')}; run \`npm run setup\``,
    );
  }
  return {
    helm,
    kubeconform,
    schemaDir,
    helmVersion: pins.helm.version,
    kubeconformVersion: pins.kubeconform.version,
    kubernetesVersion: pins.schemas.version,
  };
}

/** Helm keeps its own state in a temporary directory, never in the user's home. */
async function withHelmHome<T>(fn: (env: NodeJS.ProcessEnv) => Promise<T>): Promise<T> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'fabpay-helm-'));
  try {
    return await fn({
      ...process.env,
      HELM_CACHE_HOME: path.join(home, 'cache'),
      HELM_CONFIG_HOME: path.join(home, 'config'),
      HELM_DATA_HOME: path.join(home, 'data'),
    });
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** What one validator printed. */
export interface ValidatorRun {
  command: string;
  output: string;
}

/** The outcome of validating a chart. */
export interface ChartValidation {
  lint: ValidatorRun;
  /** `helm template` output: every rendered object. */
  rendered: string;
  kubeconform: ValidatorRun;
  tools: ChartTools;
}

async function checked(command: string, file: string, args: string[], env?: NodeJS.ProcessEnv) {
  const res = await run(file, args, { allowFailure: true, ...(env ? { env } : {}) });
  const output = `${res.stdout}${res.stderr}`.trim();
  if (res.code !== 0) throw new ChartValidationError(`${command} failed (exit ${res.code}):\n${output}`);
  return { command, output, stdout: res.stdout };
}

/**
 * Lints the chart (`helm lint --strict`), renders it (`helm template <release> --namespace <ns>`)
 * and validates every rendered object with `kubeconform -strict -summary`, plus any extra
 * manifest files (the Secrets of `--with-secrets`).
 * @throws KubernetesToolsMissingError before setup
 * @throws ChartValidationError when a validator refuses
 */
export async function validateChart(
  chartDir: string,
  opts: { release?: string; namespace?: string; extraManifests?: string[] } = {},
): Promise<ChartValidation> {
  const tools = await chartTools();
  const release = opts.release ?? 'fabpay';
  const namespace = opts.namespace ?? 'fabpay';
  return withHelmHome(async (env) => {
    const lint = await checked(
      `helm lint --strict ${chartDir}`,
      tools.helm,
      ['lint', '--strict', chartDir],
      env,
    );
    const template = await checked(
      `helm template ${release} ${chartDir} --namespace ${namespace}`,
      tools.helm,
      ['template', release, chartDir, '--namespace', namespace],
      env,
    );
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fabpay-rendered-'));
    try {
      const rendered = path.join(dir, 'rendered.yaml');
      writeFileSync(rendered, template.stdout);
      const location = `${tools.schemaDir}/{{ .ResourceKind }}{{ .KindSuffix }}.json`;
      const files = [rendered, ...(opts.extraManifests ?? [])];
      const kc = await checked(
        `kubeconform -strict -summary -schema-location '<${tools.kubernetesVersion} schemas>/…' ${files.map((f) => path.basename(f)).join(' ')}`,
        tools.kubeconform,
        ['-strict', '-summary', '-schema-location', location, ...files],
      );
      return {
        lint: { command: lint.command, output: lint.output },
        rendered: template.stdout,
        kubeconform: { command: kc.command, output: kc.output },
        tools,
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
