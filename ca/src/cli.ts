#!/usr/bin/env node
/**
 * fabpay-ca: operator CLI over the @fabpay/ca library. Human progress lines by default; `--json`
 * prints one JSON document on stdout (progress then goes to stderr) for scripts.
 *
 * Run with `npx tsx ca/src/cli.ts <command>`; see ca/README.md for every command.
 */
import { Command, Option } from 'commander';
import { defaultTopologyFile, loadTopology, TopologyError, type Topology } from '@fabpay/topology';
import { CaError } from './errors';
import { CA_TIERS, paths, type CaTier } from './layout';
import { enrollmentClientForOrg } from './enrollment-client';
import { FileIdentityStore } from './identity-store';
import { generateCrl, listRegistered, reenrollIdentity, revokeIdentity } from './operations';
import { caStatus, startCAs, stopCAs, takeRootsOffline } from './server/cas';
import { setupOrganizations } from './setup';
import { serialHex, certAttributes } from './certs';
import type { IdentityType } from './enroll/identities';

interface GlobalOpts {
  topology: string;
  json?: boolean;
}

const program = new Command('fabpay-ca')
  .description('Tiered Fabric CA for fabpay: TLS, root and intermediate CA per organisation')
  .option('-t, --topology <file>', 'topology file', defaultTopologyFile())
  .option('--json', 'print one JSON document on stdout (progress goes to stderr)')
  .showHelpAfterError();

function globals(): GlobalOpts {
  return program.opts<GlobalOpts>();
}

function topology(): Topology {
  return loadTopology(globals().topology);
}

/** Progress goes to stdout for humans, stderr when stdout carries JSON. */
function progress(line: string): void {
  if (globals().json) process.stderr.write(`${line}\n`);
  else process.stdout.write(`${line}\n`);
}

/** Prints `data` as JSON with --json, else the human text. */
function output(data: unknown, human: string): void {
  if (globals().json) process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
  else if (human) process.stdout.write(`${human}\n`);
}

function parseTiers(list: string | undefined, fallback: CaTier[]): CaTier[] {
  if (!list) return fallback;
  const tiers = list.split(',').map((t) => t.trim());
  for (const t of tiers) {
    if (!(CA_TIERS as readonly string[]).includes(t)) {
      throw new CaError('CA_REQUEST_FAILED', `unknown tier "${t}"; expected ${CA_TIERS.join(', ')}`);
    }
  }
  return tiers as CaTier[];
}

function parseAttrs(values: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const i = v.indexOf('=');
    if (i <= 0) throw new CaError('CA_REQUEST_FAILED', `--attr expects name=value, got "${v}"`);
    out[v.slice(0, i)] = v.slice(i + 1);
  }
  return out;
}

const collect = (v: string, prev: string[]): string[] => [...prev, v];

program
  .command('setup')
  .description(
    'start the CAs (bootstrapping them on first run), register and enroll every node, admin and user, write MSPs, TLS folders and wallets; idempotent',
  )
  .option('--org <name>', 'only this organisation (repeatable)', collect, [])
  .option(
    '--keep-root-online',
    'leave the root CAs running afterwards (default: stopped once the intermediate exists)',
  )
  .action(async (o: { org: string[]; keepRootOnline?: boolean }) => {
    const t = topology();
    const r = await setupOrganizations(t, {
      ...(o.org.length ? { orgs: o.org } : {}),
      keepRootOnline: o.keepRootOnline ?? false,
      onProgress: progress,
    });
    output(
      {
        orgs: r.orgs.map((x) => ({
          org: x.org,
          mspId: x.mspId,
          enrolled: x.enrolled,
          walletsWritten: x.walletsWritten,
          paths: x.paths,
        })),
        cas: r.cas,
      },
      `setup done: ${r.orgs.map((x) => `${x.org} (${x.enrolled.length} issued)`).join(', ')}`,
    );
  });

program
  .command('start')
  .description('start the TLS and intermediate CAs (and the root with --root)')
  .option('--org <name>', 'only this organisation (repeatable)', collect, [])
  .option('--root', 'also start the root CAs')
  .option('--tier <list>', 'comma-separated tiers to start: tls,root,intermediate')
  .action(async (o: { org: string[]; root?: boolean; tier?: string }) => {
    const tiers = parseTiers(o.tier, o.root ? [...CA_TIERS] : ['tls', 'intermediate']);
    const status = await startCAs(topology(), {
      ...(o.org.length ? { orgs: o.org } : {}),
      tiers,
      onProgress: progress,
    });
    output(status, statusText(status));
  });

program
  .command('stop')
  .description('stop CA servers (all tiers by default) and wait until they have exited')
  .option('--org <name>', 'only this organisation (repeatable)', collect, [])
  .option('--tier <list>', 'comma-separated tiers to stop: tls,root,intermediate')
  .action(async (o: { org: string[]; tier?: string }) => {
    const stopped = await stopCAs(topology(), {
      ...(o.org.length ? { orgs: o.org } : {}),
      tiers: parseTiers(o.tier, [...CA_TIERS]),
      onProgress: progress,
    });
    output({ stopped }, stopped.length ? '' : 'no CA was running');
  });

program
  .command('root-offline')
  .description(
    'stop every root CA (allowed once its intermediate exists: the root is meant to be kept offline)',
  )
  .option('--org <name>', 'only this organisation (repeatable)', collect, [])
  .action(async (o: { org: string[] }) => {
    const orgs = await takeRootsOffline(topology(), {
      ...(o.org.length ? { orgs: o.org } : {}),
      onProgress: progress,
    });
    output({ offline: orgs }, `root CAs offline: ${orgs.join(', ')}`);
  });

function statusText(status: ReturnType<typeof caStatus>): string {
  return status
    .map(
      (s) =>
        `${s.org.padEnd(12)} ${s.tier.padEnd(13)} ${s.running ? `running (pid ${s.pid})` : s.initialised ? 'stopped' : 'not set up'}`.padEnd(
          50,
        ) + ` listen ${s.listen}  operations ${s.operations}`,
    )
    .join('\n');
}

program
  .command('status')
  .description('show every CA server: running or not, PID, ports')
  .action(() => {
    const status = caStatus(topology());
    output(status, statusText(status));
  });

program
  .command('paths')
  .description('print where MSPs, TLS folders and wallets live (for the network tool)')
  .action(() => {
    const p = paths(topology());
    output(
      { orgs: p.orgs },
      p.orgs
        .map((o) =>
          [
            `${o.org} (${o.mspId})`,
            `  channel MSP  ${o.channelMsp}`,
            `  admin MSP    ${o.adminMsp}`,
            ...o.nodes.map((n) => `  ${n.host}\n    msp ${n.msp}\n    tls ${n.tls}`),
            ...o.users.map((u) => `  user ${u.enrollmentId}: msp ${u.msp}, wallet ${u.walletFile}`),
          ].join('\n'),
        )
        .join('\n'),
    );
  });

program
  .command('list')
  .description("list the identities registered at an organisation's intermediate CA (or TLS CA with --tls)")
  .argument('<org>', 'organisation name or MSP ID')
  .option('--tls', 'list the TLS CA instead')
  .action(async (org: string, o: { tls?: boolean }) => {
    const ids = await listRegistered(topology(), org, { tier: o.tls ? 'tls' : 'intermediate' });
    output(
      ids,
      ids
        .map((i) => {
          const attrs = i.attributes
            .filter((a) => !a.name.startsWith('hf.'))
            .map((a) => `${a.name}=${a.value}${a.ecert ? ':ecert' : ''}`);
          return `${i.id.padEnd(32)} ${i.type.padEnd(8)} ${attrs.join(' ')}`;
        })
        .join('\n'),
    );
  });

program
  .command('reenroll')
  .description(
    're-enroll a topology identity (node, admin or user): new key and certificate in its MSP and wallet',
  )
  .argument('<org>', 'organisation name or MSP ID')
  .argument('<name>', 'peer0, orderer1, admin, alice, ...')
  .action(async (org: string, name: string) => {
    const r = await reenrollIdentity(topology(), org, name);
    output(
      { id: r.identity.id, msp: r.identity.msp, serial: serialHex(r.certificate) },
      `re-enrolled ${r.identity.id}: new certificate serial ${serialHex(r.certificate)} in ${r.identity.msp}`,
    );
  });

program
  .command('revoke')
  .description("revoke an identity at the org's intermediate CA and place the new CRL in the org MSPs' crls/")
  .argument('<org>', 'organisation name or MSP ID')
  .argument('<name>', 'topology identity (peer0, admin, alice) or any registered enrollment ID')
  .option('--reason <reason>', 'RFC 5280 reason (keycompromise, superseded, ...)', 'unspecified')
  .action(async (org: string, name: string, o: { reason: string }) => {
    const r = await revokeIdentity(topology(), org, name, { reason: o.reason });
    output(
      { serials: r.serials, placedIn: r.placedIn },
      `revoked ${name}: serial(s) ${r.serials.join(', ') || '(none: no certificates)'}; CRL placed in ${r.placedIn.length} MSP(s), e.g. ${r.placedIn[0] ?? ''}/crls/crl.pem`,
    );
  });

program
  .command('gencrl')
  .description("generate the org intermediate CA's CRL and place it in the org MSPs' crls/")
  .argument('<org>', 'organisation name or MSP ID')
  .action(async (org: string) => {
    const r = await generateCrl(topology(), org);
    output({ placedIn: r.placedIn }, `CRL placed in ${r.placedIn.length} MSP(s)`);
  });

// The programmatic API (npm fabric-ca-client), for service users kept in wallet files.
const user = program
  .command('user')
  .description('register, enroll, reenroll and revoke service users into a wallet (identity store)');
const storeOption = new Option('--store <dir>', 'identity store directory (default: <run>/wallets/<org>)');

function client(org: string, store?: string): ReturnType<typeof enrollmentClientForOrg> {
  return enrollmentClientForOrg(topology(), org, store ? { store: new FileIdentityStore(store) } : {});
}

user
  .command('register')
  .description('register a user at the org intermediate CA (succeeds if already registered the same way)')
  .argument('<org>')
  .argument('<id>')
  .option('--secret <secret>', 'enrollment secret (random when omitted)')
  .addOption(
    new Option('--type <type>', 'identity type')
      .choices(['client', 'admin', 'peer', 'orderer'])
      .default('client'),
  )
  .option('--attr <name=value>', 'attribute registered :ecert (repeatable)', collect, [])
  .action(async (org: string, id: string, o: { secret?: string; type: IdentityType; attr: string[] }) => {
    const r = await client(org).register({
      id,
      type: o.type,
      attributes: parseAttrs(o.attr),
      ...(o.secret ? { secret: o.secret } : {}),
    });
    output(
      r,
      r.existed
        ? `${id} was already registered with the same settings`
        : `registered ${id}; secret: ${r.secret ?? ''}`,
    );
  });

user
  .command('enroll')
  .description('enroll a user with its secret and store it in the identity store')
  .argument('<org>')
  .argument('<id>')
  .requiredOption('--secret <secret>', 'enrollment secret')
  .option('--label <label>', 'label in the store (default: the ID)')
  .addOption(storeOption)
  .action(async (org: string, id: string, o: { secret: string; label?: string; store?: string }) => {
    const c = client(org, o.store);
    const identity = await c.enroll(id, o.secret, o.label ? { label: o.label } : {});
    const label = o.label ?? id;
    output(
      {
        label,
        file: c.store.file(label),
        serial: serialHex(identity.credentials.certificate),
        attributes: certAttributes(identity.credentials.certificate),
      },
      `enrolled ${id} into ${c.store.file(label)}`,
    );
  });

user
  .command('reenroll')
  .description('re-enroll a stored user with its current certificate (new key and certificate, same label)')
  .argument('<org>')
  .argument('<label>')
  .addOption(storeOption)
  .action(async (org: string, label: string, o: { store?: string }) => {
    const c = client(org, o.store);
    const identity = await c.reenroll(label);
    output(
      { label, serial: serialHex(identity.credentials.certificate) },
      `re-enrolled ${label} (serial ${serialHex(identity.credentials.certificate)})`,
    );
  });

user
  .command('revoke')
  .description(
    'revoke a user (all its certificates) or only the certificate stored under --label; the CRL goes to the org MSP crls/',
  )
  .argument('<org>')
  .argument('[id]')
  .option('--label <label>', 'revoke only this stored certificate')
  .option('--reason <reason>', 'RFC 5280 reason', 'unspecified')
  .addOption(storeOption)
  .action(
    async (org: string, id: string | undefined, o: { label?: string; reason: string; store?: string }) => {
      const r = await client(org, o.store).revoke({
        ...(id ? { id } : {}),
        ...(o.label ? { label: o.label } : {}),
        reason: o.reason,
      });
      output({ serials: r.serials }, `revoked serial(s) ${r.serials.join(', ')}`);
    },
  );

async function main(): Promise<void> {
  try {
    await program.parseAsync(process.argv);
  } catch (e) {
    if (e instanceof TopologyError) {
      process.stderr.write(`fabpay-ca: invalid topology:\n${e.message}\n`);
      process.exitCode = 2;
    } else if (e instanceof CaError) {
      process.stderr.write(`fabpay-ca: ${e.message}\n`);
      process.exitCode = 1;
    } else {
      // Unexpected errors: the message, and the stack only when asked for (FABPAY_DEBUG=1).
      const err = e as Error;
      process.stderr.write(
        `fabpay-ca: ${process.env.FABPAY_DEBUG ? (err.stack ?? String(e)) : (err.message ?? String(e))}\n`,
      );
      process.exitCode = 1;
    }
  }
}

void main();
