/**
 * Installs Hyperledger Caliper 0.6.0 into `<repo>/.caliper` (git-ignored, its own package.json, so
 * none of Caliper's ~600 packages enter the workspaces' lock file), binds it to the peer-gateway
 * connector (`caliper bind --caliper-bind-sut fabric:fabric-gateway`, which installs
 * @hyperledger/fabric-gateway 1.5.0 and @grpc/grpc-js there) and runs `caliper launch manager` on a
 * generated workspace. Both steps are skipped when already done.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { repoRoot } from '@fabpay/topology';
import { run } from '../util/run';
import { CALIPER_ROUNDS, type CaliperWorkspace } from './workspace';

/** The Caliper release the workspaces are written for (network configuration 2.0, peer-gateway). */
export const CALIPER_VERSION = '0.6.0';
/** The SUT binding: Fabric's peer gateway through @hyperledger/fabric-gateway. */
export const CALIPER_BIND_SUT = 'fabric:fabric-gateway';

/** `<repo>/.caliper`, where Caliper is installed. */
export function caliperInstallDir(): string {
  return path.join(repoRoot(), '.caliper');
}

function installedVersion(dir: string, pkg: string): string | undefined {
  const file = path.join(dir, 'node_modules', pkg, 'package.json');
  if (!existsSync(file)) return undefined;
  return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version;
}

function caliperCli(dir: string): string {
  return path.join(dir, 'node_modules', '@hyperledger', 'caliper-cli', 'caliper.js');
}

/** Caliper could not be installed, bound or run, or its run reported failed transactions. */
export class CaliperRunError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CaliperRunError';
  }
}

/** Installs and binds Caliper unless done; returns the install directory. */
export async function installCaliper(progress: (line: string) => void): Promise<string> {
  const dir = caliperInstallDir();
  if (installedVersion(dir, '@hyperledger/caliper-cli') === CALIPER_VERSION) {
    progress(`caliper: @hyperledger/caliper-cli ${CALIPER_VERSION} already installed in ${dir}`);
  } else {
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      path.join(dir, 'package.json'),
      `${JSON.stringify({ name: 'fabpay-caliper', private: true, description: 'Caliper for `npm run caliper` (generated)' }, null, 2)}\n`,
    );
    progress(
      `caliper: installing @hyperledger/caliper-cli@${CALIPER_VERSION} into ${dir} (about a minute) …`,
    );
    // --ignore-scripts: the packages with install scripts are the Ethereum connector's native
    // crypto (keccak, secp256k1, scrypt: JavaScript fallbacks) and the Docker monitor's ssh2; the
    // Fabric connector needs none of them.
    await run(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--ignore-scripts',
        `@hyperledger/caliper-cli@${CALIPER_VERSION}`,
      ],
      {
        cwd: dir,
      },
    ).catch((err: unknown) => {
      throw new CaliperRunError(
        `npm could not install Caliper: ${err instanceof Error ? err.message : String(err)}`,
      );
    });
  }
  const gateway = installedVersion(dir, '@hyperledger/fabric-gateway');
  if (gateway) {
    progress(`caliper: bound to ${CALIPER_BIND_SUT} (@hyperledger/fabric-gateway ${gateway})`);
  } else {
    progress(`caliper: caliper bind --caliper-bind-sut ${CALIPER_BIND_SUT} …`);
    await run(
      process.execPath,
      [
        caliperCli(dir),
        'bind',
        '--caliper-bind-sut',
        CALIPER_BIND_SUT,
        '--caliper-bind-cwd',
        dir,
        '--caliper-bind-args=--no-audit --no-fund',
      ],
      { cwd: dir },
    ).catch((err: unknown) => {
      throw new CaliperRunError(`caliper bind failed: ${err instanceof Error ? err.message : String(err)}`);
    });
  }
  return dir;
}

/**
 * The environment of Caliper's processes: the resolution fence (./resolution-fence) preloaded in
 * the manager and, through NODE_OPTIONS, in every worker it forks.
 */
export function caliperEnv(installDir: string, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const fence = path.join(repoRoot(), 'network', 'dist', 'caliper', 'resolution-fence.js');
  return {
    ...env,
    FABPAY_CALIPER_DIR: installDir,
    NODE_OPTIONS: [env.NODE_OPTIONS, `--require ${JSON.stringify(fence)}`].filter(Boolean).join(' '),
  };
}

/** One row of Caliper's result table. */
export interface CaliperRoundResult {
  name: string;
  succ: number;
  fail: number;
  sendRate: number;
  maxLatency: number;
  minLatency: number;
  avgLatency: number;
  throughput: number;
}

/** What Caliper printed: its final result table, verbatim, and its rows. */
export interface CaliperSummary {
  table: string;
  rounds: CaliperRoundResult[];
}

/** The line Caliper 0.6.0's report builder logs before the table of every round's results. */
export const CALIPER_RESULTS_HEADING = '### All test results ###';

/**
 * Finds Caliper's final result table in its log output (colour escapes removed): the bordered
 * lines after the last {@link CALIPER_RESULTS_HEADING}. Undefined when there is none.
 */
export function parseCaliperSummary(output: string): CaliperSummary | undefined {
  const lines = output.split('\n');
  const start = lines.map((l) => l.includes(CALIPER_RESULTS_HEADING)).lastIndexOf(true);
  if (start < 0) return undefined;
  const table: string[] = [];
  for (const line of lines.slice(start + 1)) {
    const cell = line.trim();
    if (/^[+|]/.test(cell)) table.push(cell);
    else if (table.length > 0) break;
  }
  const rows = table
    .filter((l) => l.startsWith('|') && !l.startsWith('|-'))
    .map((l) =>
      l
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim()),
    );
  const [header, ...data] = rows;
  if (!header || header[0] !== 'Name') return undefined;
  const num = (row: string[], name: string) => Number(row[header.indexOf(name)]);
  return {
    table: table.join('\n'),
    rounds: data.map((r) => ({
      name: r[0] ?? '',
      succ: num(r, 'Succ'),
      fail: num(r, 'Fail'),
      sendRate: num(r, 'Send Rate (TPS)'),
      maxLatency: num(r, 'Max Latency (s)'),
      minLatency: num(r, 'Min Latency (s)'),
      avgLatency: num(r, 'Avg Latency (s)'),
      throughput: num(r, 'Throughput (TPS)'),
    })),
  };
}

/**
 * Runs `caliper launch manager` on a workspace (test phase only: the network and chaincode are
 * fabpay's), streaming Caliper's log to stderr. Resolves with the summary when every round ran
 * and no transaction failed; rejects with {@link CaliperRunError} otherwise.
 */
export async function launchCaliper(
  ws: CaliperWorkspace,
  installDir: string,
  timeoutSeconds: number,
): Promise<CaliperSummary> {
  const args = [
    caliperCli(installDir),
    'launch',
    'manager',
    '--caliper-workspace',
    ws.dir,
    '--caliper-networkconfig',
    ws.networkConfig,
    '--caliper-benchconfig',
    ws.benchmarkConfig,
    '--caliper-report-path',
    ws.report,
    '--caliper-flow-only-test',
    '--caliper-fabric-timeout-invokeorquery',
    String(timeoutSeconds),
  ];
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: ws.dir,
      env: caliperEnv(installDir),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const chunks: string[] = [];
    const relay = (b: Buffer) => {
      chunks.push(b.toString('utf8'));
      process.stderr.write(b);
    };
    child.stdout.on('data', relay);
    child.stderr.on('data', relay);
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(chunks.join(''));
      else reject(new CaliperRunError(`caliper launch manager exited with code ${code}; its log is above`));
    });
  });
  // Caliper colours its log levels; the table itself has no escapes, the prefixes do.
  const summary = parseCaliperSummary(stripVTControlCharacters(output));
  if (!summary) throw new CaliperRunError('Caliper printed no summary table; its log is above');
  const missing = CALIPER_ROUNDS.filter((r) => !summary.rounds.some((row) => row.name === r));
  if (missing.length > 0) {
    throw new CaliperRunError(
      `Caliper reported no result for round(s) ${missing.join(', ')}:\n${summary.table}`,
    );
  }
  const failed = summary.rounds.filter((r) => r.fail > 0);
  if (failed.length > 0) {
    throw new CaliperRunError(
      `Caliper reported failed transactions (${failed.map((r) => `${r.name}: ${r.fail}`).join(', ')}):\n${summary.table}`,
    );
  }
  return summary;
}
