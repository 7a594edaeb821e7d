/**
 * A short payment flow through the `peer` CLI, run by the quick start to show the deployed
 * network working end to end: alice (issuer) and bob open accounts, alice issues money to herself,
 * folds the pending credit into her balance and pays bob; balances are read back.
 *
 * It needs the payments governance `up` writes, with the first organisation granted issuance of
 * EUR (the topology's default), and the users alice (payments.role=issuer) and bob in that
 * organisation. Every submit is endorsed by a peer of every organisation (custody: the owner's org
 * and a majority of the members).
 */
import type { Credit, Page } from '@fabpay/chaincode';
import { evaluate, orgUser, submit } from './chaincode/calls';
import { requireGovernance } from './governance/ledger';
import { contextFor, type NetworkOptions } from './network';

export interface SampleFlowResult {
  accounts: { payer: string; payee: string };
  balances: Record<string, unknown>;
}

const CURRENCY = 'EUR';

export async function samplePaymentFlow(opts: NetworkOptions = {}): Promise<SampleFlowResult> {
  const ctx = contextFor(opts);
  const say = opts.progress ?? (() => undefined);
  const first = ctx.topology.orgs[0]!;
  const governance = await requireGovernance(ctx);
  if (!(governance.issuers[CURRENCY] ?? []).includes(first.mspId)) {
    throw new Error(
      `the sample issues ${CURRENCY} as ${first.name}'s alice, but governance grants ${CURRENCY} issuance to ${
        (governance.issuers[CURRENCY] ?? []).join(', ') || 'nobody'
      } (fabpay-network governance set --issuer ${CURRENCY}=${first.name})`,
    );
  }
  const alice = orgUser(ctx, first.name, 'alice');
  const bob = orgUser(ctx, first.name, 'bob');
  // Unique IDs per run, so the sample can be rerun against the same ledger.
  const run = Date.now().toString(36);
  const payer = `alice-${run}`;
  const payee = `bob-${run}`;
  say(`sample: alice opens ${payer}, bob opens ${payee} (${CURRENCY})`);
  await submit(ctx, alice, 'openAccount', [payer, CURRENCY, '']);
  await submit(ctx, bob, 'openAccount', [payee, CURRENCY, '']);
  say(`sample: alice (issuer) issues 1000.00 ${CURRENCY} into her account`);
  await submit(ctx, alice, 'issue', [`issue-${run}`, payer, '100000']);
  // Credits land as pending records (so concurrent payers never conflict on the payee's balance);
  // the owner folds them into the settled balance (an issue's credit is i:<issuer MSP>:<operation>).
  const pending = await evaluate<Page<Credit>>(ctx, alice, 'listPendingCredits', [payer, '100', '']);
  const creditIds = pending.items.map((c) => c.creditId);
  say(`sample: alice folds ${creditIds.length} pending credit(s) into her balance: ${creditIds.join(', ')}`);
  await submit(ctx, alice, 'foldCredits', [payer, creditIds.join(',')]);
  say(`sample: alice pays bob 25.00 ${CURRENCY}`);
  await submit(ctx, alice, 'pay', [`pay-${run}`, payer, payee, '2500', CURRENCY, 'quick start']);
  const balances: Record<string, unknown> = {};
  for (const [name, account, caller] of [
    ['alice', payer, alice],
    ['bob', payee, bob],
  ] as const) {
    balances[name] = await evaluate(ctx, caller, 'getBalance', [account]);
    say(`sample: ${name}'s balance: ${JSON.stringify(balances[name])}`);
  }
  return { accounts: { payer, payee }, balances };
}
