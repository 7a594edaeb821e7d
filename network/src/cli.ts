#!/usr/bin/env node
/**
 * fabpay-network: install Fabric and run a native Fabric network from topology.yaml.
 * Every command prints human progress; `--json` prints one JSON document for scripts.
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { repoRoot } from '@fabpay/topology';
import { defaultLayout, install, type InstallEvent } from './install';
import { caSmokeTest, checkBinaryVersions } from './install/toolchain-check';
import {
  changeGovernance,
  clean,
  contextFor,
  deploy,
  down,
  getGovernance,
  logFileOf,
  publishCrls,
  readLog,
  revoke,
  status,
  up,
  type NetworkStatus,
} from './network';
import { registerOrgCommands } from './membership/org-cli';
import { samplePaymentFlow } from './sample-flow';
import { supervise } from './supervisor/supervisor';
import { caliper, DEFAULT_CALIPER_SETTINGS } from './caliper';
import { registerPeerCommands } from './membership/peer-cli';
import {
  editTerms,
  parseGrantFlags,
  parseOnOff,
  parseSeconds,
  termsFromJson,
  termsOf,
  type GovernanceEdits,
} from './governance/terms';
import { registerOrdererCommands } from './membership/orderer-cli';
import { registerKubernetesCommands } from './kubernetes/cli';
import { registerHostCommands } from './hosts/cli';

const program = new Command()
  .name('fabpay-network')
  .description('Install Fabric and run a native Hyperledger Fabric network for fabpay (no Docker)')
  .option('-t, --topology <file>', 'topology file (default: <repo>/topology.yaml)')
  .showHelpAfterError();

const topologyFile = (): string | undefined => program.opts<{ topology?: string }>().topology;
const say = (json: boolean | undefined) => (line: string) => {
  if (!json) console.log(line);
};

function printInstallEvent(e: InstallEvent): void {
  switch (e.kind) {
    case 'skip':
      console.log(`✓ ${e.product} ${e.version}: ${e.reason}`);
      break;
    case 'product':
      console.log(`→ ${e.product} ${e.version} via ${e.route}`);
      break;
    case 'route-failed':
      console.log(
        `✗ ${e.product} ${e.version} via ${e.route} is not possible here: ${e.command ? `\`${e.command}\`: ` : ''}${e.error.split('\n')[0]}`,
      );
      break;
    case 'build':
      console.log(`  [${e.index}/${e.total}] building ${e.command} …`);
      break;
    case 'built':
      console.log(`  [done] ${e.command} in ${e.seconds.toFixed(1)}s`);
      break;
    case 'kubernetes-tool': {
      const t = e.event;
      if (t.kind === 'skip') console.log(`✓ ${t.tool} ${t.version}: ${t.reason}`);
      if (t.kind === 'build') console.log(`→ ${t.tool} ${t.version} (chart validation) via go …`);
      if (t.kind === 'built') console.log(`  [done] ${t.tool} in ${t.seconds.toFixed(1)}s`);
      break;
    }
  }
}

program
  .command('install')
  .description(
    'Install the pinned Fabric and Fabric CA binaries, sample config and ccaas builder into .fabric/',
  )
  .option('--force', 'rebuild even if the pinned binaries are present')
  .option('--json', 'print the result as JSON')
  .action(async (opts: { force?: boolean; json?: boolean }) => {
    const layout = defaultLayout();
    const result = await install({
      root: repoRoot(),
      layout,
      force: opts.force,
      onEvent: opts.json ? undefined : printInstallEvent,
    });
    if (opts.json) return console.log(JSON.stringify(result, null, 2));
    const summary = result.products.map((p) => `${p.product} ${p.version}`).join(', ');
    console.log(`Fabric toolchain ready in ${result.seconds.toFixed(1)}s: ${summary} → ${layout.binDir}`);
  });

program
  .command('verify')
  .description(
    'Check every installed binary reports its pinned version and that a Fabric CA starts and enrolls',
  )
  .option('--json', 'print the result as JSON')
  .action(async (opts: { json?: boolean }) => {
    const { binDir } = defaultLayout();
    const versions = await checkBinaryVersions(binDir);
    if (versions.length === 0)
      throw new Error(`nothing is installed in ${binDir}: run \`npm run fabric:install\` first`);
    const bad = versions.filter((v) => !v.ok);
    if (!opts.json)
      for (const v of versions)
        console.log(`${v.ok ? '✓' : '✗'} ${v.command} ${v.reported ?? '(no version)'}`);
    if (bad.length > 0) {
      throw new Error(
        `binaries not at their pinned version: ${bad.map((b) => b.command).join(', ')}; run \`npm run fabric:install -- --force\``,
      );
    }
    say(opts.json)('→ starting a throw-away fabric-ca-server and enrolling its admin …');
    const smoke = await caSmokeTest(binDir);
    if (opts.json)
      return console.log(
        JSON.stringify({ versions, caSmoke: { ...smoke, enrolledCertificate: undefined } }, null, 2),
      );
    console.log(`✓ fabric-ca-server answered on 127.0.0.1:${smoke.port}, admin enrolled, server stopped`);
  });

program
  .command('up')
  .description('Bring the network up (or resume it): CAs, identities, orderers, peers, channel, chaincode')
  .option('--json', 'print the result as JSON')
  .option(
    '--supervise',
    'then start the supervisor (detached): it restarts crashed orderers, peers and chaincode servers; `down` stops it',
  )
  .action(async (opts: { json?: boolean; supervise?: boolean }) => {
    const result = await up({
      topologyFile: topologyFile(),
      progress: say(opts.json),
      ...(opts.supervise ? { supervise: true } : {}),
    });
    if (opts.json) return console.log(JSON.stringify(result, null, 2));
    const d = result.deployment;
    console.log(
      `Network up in ${result.seconds.toFixed(1)}s: chaincode ${d.name} ${d.version} (sequence ${d.sequence})`,
    );
    const g = result.governance;
    console.log(
      `Payments governance version ${g.governance.version}${g.action === 'initialized' ? ' (genesis written now)' : ''}${g.differs ? ' (differs from the genesis; see above)' : ''}`,
    );
    console.log(`Connection profiles and admin env files: ${result.profiles.join(', ')}`);
    if (result.supervisor) {
      console.log(
        `Supervisor ${result.supervisor.started ? 'started' : 'already running'} (pid ${result.supervisor.pid})`,
      );
    }
  });

program
  .command('supervise')
  .description(
    'Run the supervisor in the foreground (`up --supervise` starts it detached): restart crashed orderers, peers and chaincode servers with backoff, one JSON line per event; stops on SIGTERM',
  )
  .option('--poll-ms <ms>', 'how often to look at every process', '250')
  .action(async (opts: { pollMs: string }) => {
    const pollMs = Number(opts.pollMs);
    if (!Number.isInteger(pollMs) || pollMs < 50)
      throw new Error(`--poll-ms must be an integer >= 50, got ${opts.pollMs}`);
    await supervise(contextFor({ topologyFile: topologyFile() }), { pollMs });
  });

program
  .command('sample')
  .description('Run a short sample payment flow against the running network')
  .option('--json', 'print the result as JSON')
  .action(async (opts: { json?: boolean }) => {
    const result = await samplePaymentFlow({ topologyFile: topologyFile(), progress: say(opts.json) });
    if (opts.json) console.log(JSON.stringify(result, null, 2));
  });

program
  .command('caliper [org]')
  .description(
    "Write a Caliper workspace per org (network config, pay workload, benchmark config) and open and fund the org's accounts (default: the first org); --launch also installs Caliper 0.6.0 into .caliper/, binds it to fabric-gateway and runs it",
  )
  .option('--launch', "install and bind Caliper if needed, then run its benchmark on the org's workspace")
  .option('--skip-funding', 'do not check, open or fund the accounts')
  .option('--json', 'print the result as JSON')
  .action(
    async (org: string | undefined, opts: { launch?: boolean; skipFunding?: boolean; json?: boolean }) => {
      const ctx = contextFor({ topologyFile: topologyFile(), progress: say(opts.json) });
      const result = await caliper(ctx, {
        ...(org ? { org } : {}),
        settings: DEFAULT_CALIPER_SETTINGS,
        ...(opts.skipFunding ? { skipFunding: true } : {}),
        ...(opts.launch ? { launch: true } : {}),
      });
      if (opts.json) return console.log(JSON.stringify(result, null, 2));
      const ws = result.workspace;
      if (result.summary) {
        console.log(
          `Caliper ran on ${ws.org}'s workspace with 0 failed transactions (report: ${ws.report}):`,
        );
        console.log(result.summary.table);
      } else {
        console.log(`Caliper workspace for ${ws.org}: ${ws.dir}`);
        console.log(
          `Run it: npm run caliper (or: caliper launch manager --caliper-workspace ${ws.dir} --caliper-networkconfig networkconfig.yaml --caliper-benchconfig benchmark.yaml --caliper-flow-only-test)`,
        );
      }
    },
  );

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

const governance = program
  .command('governance')
  .description('Show the effective payments governance as JSON (`governance set` changes it)')
  .option('--json', 'print the governance as one line of JSON')
  .action(async (opts: { json?: boolean }) => {
    const g = await getGovernance({ topologyFile: topologyFile() });
    console.log(opts.json ? JSON.stringify(g) : JSON.stringify(g, null, 2));
  });

interface GovernanceSetOptions {
  file?: string;
  custody?: string;
  maxSkew?: string;
  maxHold?: string;
  issuer?: string[];
  compliance?: string[];
  proposalId?: string;
  json?: boolean;
}

governance
  .command('set')
  .description(
    "Change the governance on the local network: the first org's admin proposes, the other orgs' admins approve until a majority applies it",
  )
  .option('--file <terms.json>', 'complete terms (or a governance as `governance --json` prints it)')
  .option('--custody <on|off>', 'key-level endorsement on account keys')
  .option('--max-skew <seconds>', 'maxClockSkewSeconds')
  .option('--max-hold <seconds>', 'maxHoldSeconds')
  .option(
    '--issuer <CUR=Org[,Org]>',
    'issuers of a currency (org names or MSP IDs; `CUR=` removes the grant); repeatable',
    collect,
  )
  .option(
    '--compliance <Org=Org[,Org]>',
    'orgs whose customers an org acts for as compliance (`Org=` removes the grant); repeatable',
    collect,
  )
  .option('--proposal-id <id>', 'proposal ID (default: generated)')
  .option('--json', 'print the new governance as JSON only')
  .action(async (opts: GovernanceSetOptions) => {
    // `--json` after `set` is parsed by `governance` (parent options are recognised anywhere).
    const json = opts.json ?? governance.opts<{ json?: boolean }>().json;
    const edits: GovernanceEdits = {};
    if (opts.custody !== undefined) edits.custody = parseOnOff(opts.custody, '--custody');
    if (opts.maxSkew !== undefined) edits.maxClockSkewSeconds = parseSeconds(opts.maxSkew, '--max-skew');
    if (opts.maxHold !== undefined) edits.maxHoldSeconds = parseSeconds(opts.maxHold, '--max-hold');
    if (opts.issuer) edits.issuers = parseGrantFlags(opts.issuer, '--issuer', true);
    if (opts.compliance) edits.compliance = parseGrantFlags(opts.compliance, '--compliance');
    if (!opts.file && Object.keys(edits).length === 0) {
      throw new Error(
        'nothing to change: give --file, --custody, --max-skew, --max-hold, --issuer or --compliance',
      );
    }
    const ctx = contextFor({ topologyFile: topologyFile(), progress: say(json) });
    const base = opts.file
      ? termsFromJson(readFileSync(opts.file, 'utf8'), opts.file)
      : termsOf(await getGovernance(ctx));
    const g = await changeGovernance(
      ctx,
      editTerms(ctx.topology, base, edits),
      opts.proposalId ? { proposalId: opts.proposalId } : {},
    );
    console.log(json ? JSON.stringify(g) : JSON.stringify(g, null, 2));
  });

program
  .command('down')
  .description('Stop every process and keep all data (`up` resumes the same ledgers)')
  .option('--json', 'print the result as JSON')
  .action(async (opts: { json?: boolean }) => {
    const stopped = await down({ topologyFile: topologyFile(), progress: say(opts.json) });
    if (opts.json) return console.log(JSON.stringify({ stopped }));
    console.log(stopped.length ? `Stopped ${stopped.length} processes; data kept.` : 'Nothing was running.');
  });

program
  .command('clean')
  .description('Stop everything and remove all generated state (ledgers, CAs, identities)')
  .option('--json', 'print the result as JSON')
  .action(async (opts: { json?: boolean }) => {
    const stopped = await clean({ topologyFile: topologyFile(), progress: say(opts.json) });
    if (opts.json) return console.log(JSON.stringify({ stopped, removed: true }));
    console.log(`Stopped ${stopped.length} processes and removed all network state.`);
  });

function printStatus(s: NetworkStatus): void {
  console.log(
    `channel ${s.channel}; Raft leader: ${s.leader ?? 'none'}; chaincode: ${s.committed ? `${s.committed.version} (sequence ${s.committed.sequence})` : 'not committed'}`,
  );
  // Chaincode servers are named after their peer (`peer0.org1.example.com chaincode server`).
  const width = Math.max(28, ...s.processes.map((p) => p.name.length));
  for (const p of s.processes) {
    const ports = Object.entries(p.ports)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    // Only a network on hosts has other addresses than 127.0.0.1 worth a column.
    const at = p.address && p.address !== '127.0.0.1' ? `${p.address.padEnd(15)} ` : '';
    const state = !p.running ? 'stopped' : p.healthy === false ? 'UNHEALTHY' : 'running';
    const extra = [p.height !== undefined ? `height ${p.height}` : '', p.leader ? 'LEADER' : '']
      .filter(Boolean)
      .join(' ');
    console.log(
      `${state.padEnd(9)} ${p.name.padEnd(width)} pid ${String(p.pid ?? '-').padEnd(7)} ${at}${ports}${extra ? `  ${extra}` : ''}`,
    );
  }
}

program
  .command('status')
  .description('Show each process (pid, health, ports), channel heights and the Raft leader')
  .option('--json', 'print the result as JSON')
  .action(async (opts: { json?: boolean }) => {
    const s = await status({ topologyFile: topologyFile() });
    if (opts.json) console.log(JSON.stringify(s, null, 2));
    else printStatus(s);
  });

program
  .command('logs <process>')
  .description(
    'Print the end of a process log: a node host (peer0.org1.example.com), <peer>-chaincode (peer1.org1-chaincode), <org>-<tier>-ca or supervisor',
  )
  .option('-n, --lines <n>', 'how many lines', '50')
  .action((name: string, opts: { lines: string }) => {
    console.log(readLog(logFileOf(name, { topologyFile: topologyFile() }), Number(opts.lines)));
  });

program
  .command('deploy')
  .description(
    'Deploy a new chaincode version on the running network (new package, sequence + 1, no node restart)',
  )
  .option('--version <version>', 'chaincode version (default: <topology version>.<sequence>)')
  .option('--json', 'print the result as JSON')
  .action(async (opts: { version?: string; json?: boolean }) => {
    const result = await deploy({
      topologyFile: topologyFile(),
      progress: say(opts.json),
      ...(opts.version ? { version: opts.version } : {}),
    });
    if (opts.json) return console.log(JSON.stringify(result, null, 2));
    console.log(`Deployed ${result.name} ${result.version} (sequence ${result.sequence})`);
  });

program
  .command('revoke <org> <identity>')
  .description("Revoke an identity at its org's CA and publish the new CRL to the live channel")
  .option('--reason <reason>', 'revocation reason (e.g. keycompromise)')
  .option('--json', 'print the result as JSON')
  .action(async (org: string, identity: string, opts: { reason?: string; json?: boolean }) => {
    const result = await revoke(org, identity, {
      topologyFile: topologyFile(),
      progress: say(opts.json),
      ...(opts.reason ? { reason: opts.reason } : {}),
    });
    if (opts.json) return console.log(JSON.stringify(result, null, 2));
    console.log(
      `${identity} revoked; channel has ${result.crls} CRL(s) for ${result.mspId}${result.changed ? '' : ' (already)'}`,
    );
  });

program
  .command('publish-crls <org>')
  .description(
    "Publish the org's current CRLs (its channel MSP crls/) to the live channel as a config update",
  )
  .option('--json', 'print the result as JSON')
  .action(async (org: string, opts: { json?: boolean }) => {
    const result = await publishCrls(org, { topologyFile: topologyFile(), progress: say(opts.json) });
    if (opts.json) return console.log(JSON.stringify(result, null, 2));
    console.log(
      result.changed
        ? `Published ${result.crls} CRL(s) for ${result.mspId} to the channel`
        : `The channel already has these ${result.crls} CRL(s) for ${result.mspId}`,
    );
  });

registerOrgCommands(program, topologyFile);
registerPeerCommands(program, topologyFile);
registerOrdererCommands(program, topologyFile);
registerKubernetesCommands(program, topologyFile);
registerHostCommands(program, topologyFile);

program.parseAsync().catch((err: unknown) => {
  console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
