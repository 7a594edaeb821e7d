/**
 * A short payment flow through the `peer` CLI, run by the quick start to show the deployed
 * network working end to end: alice (issuer) and bob open accounts, alice issues money to herself
 * and pays bob; balances are read back from a peer of each organisation.
 */
import path from 'node:path';
import { binaryPath } from '@fabpay/topology';
import { chaincodeTarget, peerAdminEnv } from './admin-cli';
import { peersOf, runningOrderer, type NetworkContext } from './context';
import { contextFor, type NetworkOptions } from './network';
import { run } from './util/run';

export interface SampleFlowResult {
  accounts: { payer: string; payee: string };
  balances: Record<string, unknown>;
}

function userEnv(ctx: NetworkContext, org: string, user: string): NodeJS.ProcessEnv {
  const orgPaths = ctx.caPaths.org(org);
  const msp = orgPaths.users.find((u) => u.enrollmentId === user)?.msp;
  if (!msp) throw new Error(`${org} has no user "${user}" in the topology; the sample flow needs it`);
  return { ...peerAdminEnv(ctx.layout, orgPaths, peersOf(ctx, org)[0]!), CORE_PEER_MSPCONFIGPATH: msp };
}

/** Endorse on the first peer of every org (the channel default policy is a MAJORITY of orgs). */
function endorsers(ctx: NetworkContext): string[] {
  return ctx.topology.orgs.flatMap((o) => {
    const p = peersOf(ctx, o.name)[0]!;
    return ['--peerAddresses', `127.0.0.1:${p.listen}`, '--tlsRootCertFiles', path.join(p.tlsDir, 'ca.crt')];
  });
}

async function invoke(
  ctx: NetworkContext,
  env: NodeJS.ProcessEnv,
  fn: string,
  args: string[],
): Promise<void> {
  const orderer = runningOrderer(ctx);
  await run(
    binaryPath('peer'),
    [
      'chaincode',
      'invoke',
      '-o',
      `127.0.0.1:${orderer.listen}`,
      '--tls',
      '--cafile',
      path.join(orderer.tlsDir, 'ca.crt'),
      ...chaincodeTarget(ctx),
      ...endorsers(ctx),
      '--waitForEvent',
      '-c',
      JSON.stringify({ function: fn, Args: args }),
    ],
    { env },
  );
}

async function query(
  ctx: NetworkContext,
  env: NodeJS.ProcessEnv,
  fn: string,
  args: string[],
): Promise<unknown> {
  const res = await run(
    binaryPath('peer'),
    ['chaincode', 'query', ...chaincodeTarget(ctx), '-c', JSON.stringify({ function: fn, Args: args })],
    { env },
  );
  return JSON.parse(res.stdout) as unknown;
}

export async function samplePaymentFlow(opts: NetworkOptions = {}): Promise<SampleFlowResult> {
  const ctx = contextFor(opts);
  const say = opts.progress ?? (() => undefined);
  const org = ctx.topology.orgs[0]!.name;
  const alice = userEnv(ctx, org, 'alice');
  const bob = userEnv(ctx, org, 'bob');
  // Unique IDs per run, so the sample can be rerun against the same ledger.
  const run = Date.now().toString(36);
  const payer = `alice-${run}`;
  const payee = `bob-${run}`;
  say(`sample: alice opens ${payer}, bob opens ${payee} (EUR)`);
  await invoke(ctx, alice, 'openAccount', [payer, 'EUR', '']);
  await invoke(ctx, bob, 'openAccount', [payee, 'EUR', '']);
  say('sample: alice (issuer) issues 1000.00 EUR into her account');
  await invoke(ctx, alice, 'issue', [`issue-${run}`, payer, '100000']);
  // Credits land as pending records (so concurrent payers never conflict on the payee's balance);
  // folding them into the settled balance makes them spendable by the owner.
  const pending = (await query(ctx, alice, 'listPendingCredits', [payer, '100', ''])) as {
    items: { creditId: string }[];
  };
  say(`sample: fold ${pending.items.length} pending credit(s) into alice's balance`);
  await invoke(ctx, alice, 'foldCredits', [payer, pending.items.map((c) => c.creditId).join(',')]);
  say('sample: alice pays bob 25.00 EUR');
  await invoke(ctx, alice, 'pay', [`pay-${run}`, payer, payee, '2500', 'EUR', 'quick start']);
  const balances: Record<string, unknown> = {};
  for (const [name, account, env] of [
    ['alice', payer, alice],
    ['bob', payee, bob],
  ] as const) {
    balances[name] = await query(ctx, env, 'getBalance', [account]);
    say(`sample: ${name}'s balance: ${JSON.stringify(balances[name])}`);
  }
  return { accounts: { payer, payee }, balances };
}
