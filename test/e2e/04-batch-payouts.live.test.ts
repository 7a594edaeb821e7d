/**
 * Batch payouts end to end on the shared native network (issue 15, part 4): `payBatch` through
 * the client and `fabpay pay-batch` from a CSV file, across orgs (an Org1 payer, Org2 payees),
 * with custody on as `up` sets it. What each side's records and statements hold afterwards: one
 * debit of the total on the payer's history, one history line per line and one pending credit
 * per payee on the payees' side, every line a payment of its own; a replay pays nothing.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '@fabpay/topology';
import type { HistoryEntry } from '@fabpay/gateway-client';
import { liveNetwork, TEST_HOME } from '../support/live-network';
import {
  closeParties,
  committedEverywhere,
  fundAccounts,
  openAccounts,
  openParty,
  runId,
  type Party,
} from '../support/payments-kit';

const CURRENCY = 'EUR';
const FUNDING = 100_000n;

describe('batch payouts end to end', () => {
  const ctx = liveNetwork();
  const run = runId('b');
  const payer = `${run}-payroll`;
  const payees = [0, 1, 2].map((i) => `${run}-staff${i}`);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'fabpay-payouts-'));
  const everywhere = (block: bigint) => committedEverywhere(ctx, block);

  let alice: Party | undefined; // Org1, issuer
  let bob: Party | undefined; // Org1, owns the payer
  let dave: Party | undefined; // Org2, owns the payees
  const need = (p: Party | undefined): Party => {
    if (!p) throw new Error('client not opened (an earlier step failed)');
    return p;
  };
  /** Every entry of an account's history (a handful here: one page). */
  const historyOf = async (account: string): Promise<HistoryEntry[]> =>
    (await need(bob).payments.getPaymentHistory(account, { pageSize: 100 })).items;

  beforeAll(async () => {
    alice = await openParty(ctx, 'Org1', 'alice');
    bob = await openParty(ctx, 'Org1', 'bob');
    dave = await openParty(ctx, 'Org2', 'dave');
    await openAccounts(need(dave), payees, CURRENCY, everywhere);
    await openAccounts(need(bob), [payer], CURRENCY, everywhere);
    await fundAccounts(need(alice), need(bob), [payer], FUNDING, CURRENCY, run, everywhere);
  }, 120_000);

  afterAll(async () => {
    await closeParties(alice, bob, dave);
    rmSync(tmp, { recursive: true, force: true });
  }, 60_000);

  it('pays every line in one transaction: one debit on the payer statement, a line and one credit per payee', async () => {
    const [s0, s1, s2] = payees as [string, string, string];
    const lines = [
      { paymentId: `${run}-l1`, to: s0, amount: '100', reference: 'March' },
      { paymentId: `${run}-l2`, to: s1, amount: '250' },
      { paymentId: `${run}-l3`, to: s0, amount: '50', reference: 'bonus' },
      { paymentId: `${run}-l4`, to: s2, amount: '7' },
    ];
    const batchId = `${run}-march`;
    const paid = await need(bob).payments.payBatch({ batchId, from: payer, currency: CURRENCY, lines });
    expect(paid.value).toMatchObject({ batchId, from: payer, total: '407', txId: paid.transactionId });
    await everywhere(paid.blockNumber);

    expect(await need(bob).payments.getBalance(payer)).toMatchObject({ available: `${FUNDING - 407n}` });
    const payerOut = (await historyOf(payer)).filter((h) => h.direction === 'out');
    expect(payerOut).toEqual([
      {
        accountId: payer,
        kind: 'batch',
        id: batchId,
        direction: 'out',
        counterparty: '',
        amount: '407',
        currency: CURRENCY,
        at: paid.value.at,
      },
    ]);
    expect((await historyOf(s0)).map((h) => [h.kind, h.id, h.direction, h.counterparty, h.amount])).toEqual(
      expect.arrayContaining([
        ['payment', `${run}-l1`, 'in', payer, '100'],
        ['payment', `${run}-l3`, 'in', payer, '50'],
      ]),
    );
    // s0 is paid twice: one pending credit of the sum.
    const credits = await need(dave).payments.listPendingCredits(s0);
    expect(credits.items.map((c) => [c.source, c.amount])).toEqual([['batch', '150']]);
    expect(await need(dave).payments.getBalance(s2)).toMatchObject({ available: '7' });
    expect(await need(bob).payments.getPayment(payer, `${run}-l2`)).toMatchObject({
      to: s1,
      amount: '250',
      via: 'owner',
      status: 'settled',
      txId: paid.transactionId,
    });

    // The same batch again: the original result, nothing paid twice.
    const again = await need(bob).payments.payBatch({ batchId, from: payer, currency: CURRENCY, lines });
    expect(again.value).toEqual(paid.value);
    await everywhere(again.blockNumber);
    expect(await need(bob).payments.getBalance(payer)).toMatchObject({ available: `${FUNDING - 407n}` });
    expect((await historyOf(payer)).filter((h) => h.direction === 'out')).toHaveLength(1);
  }, 120_000);

  it('fabpay pay-batch pays a CSV file in batches and a second run replays them', async () => {
    const csv = path.join(tmp, 'payroll.csv');
    const rows = payees.map((to, i) => `${run}-csv${i},${to},${10 + i},April`);
    writeFileSync(csv, ['paymentId,to,amount,reference', ...rows].join('\n') + '\n');
    // As `npx fabpay` runs, on the sources, finding the test network through FABPAY_HOME.
    const tsx = path.join(repoRoot(), 'node_modules', '.bin', 'tsx');
    const cli = path.join(repoRoot(), 'gateway-client', 'src', 'cli.ts');
    const payBatch = async () =>
      JSON.parse(
        (
          await promisify(execFile)(
            tsx,
            [cli, '--json', 'pay-batch', csv, '--from', payer, '--chunk', '2', '--identity', 'bob'],
            {
              cwd: os.tmpdir(),
              env: { PATH: process.env.PATH, HOME: process.env.HOME, FABPAY_HOME: TEST_HOME },
              timeout: 90_000,
            },
          )
        ).stdout,
      ) as { complete: boolean; paidLines: number; paidTotal: string; batches: { status: string }[] };
    const first = await payBatch();
    expect(first).toMatchObject({ complete: true, paidLines: 3, paidTotal: '33' });
    expect(first.batches.map((b) => b.status)).toEqual(['paid', 'paid']);
    const second = await payBatch();
    expect(second).toMatchObject({ complete: true, paidLines: 3, paidTotal: '33' });
    expect(second.batches.map((b) => b.status)).toEqual(['replayed', 'replayed']);
    // Two batches: two debits on the payer's statement besides the first test's, 407 + 33 in all.
    const out = (await historyOf(payer)).filter((h) => h.direction === 'out');
    expect(out.map((h) => h.kind)).toEqual(['batch', 'batch', 'batch']);
    expect(await need(bob).payments.getBalance(payer)).toMatchObject({ available: `${FUNDING - 440n}` });
  }, 240_000);
});
