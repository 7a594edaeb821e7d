/**
 * Issue 7, end to end on the shared native network: a new merchant identity registered and
 * enrolled through the programmatic CA API, accounts, issuance, concurrent payments, card-style
 * holds (captured by the payee, refused while the payee is frozen, released only by the payee,
 * the payer's money back by expiry), refunds, roles as governance grants them (compliance over
 * its own MSP's accounts only, two layers of limits), chaincode events checkpointed across a
 * listener restart, history page by page, and the conservation report.
 *
 * The network's governance is the one `up` wrote from the test topology: Org1 issues USD and
 * EUR, each org's compliance covers its own MSP, custody on. alice (Org1) is the issuer, carol
 * (Org2) compliance, so carol can freeze the Org2 merchant but not the Org1 payers.
 */
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { enrollmentClientForOrg } from '@fabpay/ca';
import {
  captureCreditId,
  InsufficientFundsError,
  PaymentForbiddenError,
  paymentCreditId,
  PaymentStateError,
  type ChaincodeEventStream,
  type Committed,
  type HistoryEntry,
  type PaymentEvent,
  type PaymentEventName,
} from '@fabpay/gateway-client';
import { liveNetwork } from '../support/live-network';
import {
  balancesOf,
  closeParties,
  committedEverywhere,
  eventually,
  fundAccounts,
  holdings,
  openAccounts,
  openParty,
  runId,
  sum,
  within,
  type Party,
} from '../support/payments-kit';

// A currency the governance grants alice's org (Org1 issues USD and EUR).
const CURRENCY = 'EUR';
const PAYERS = 20;
const FUNDING = 10_000n;
const amountOf = (i: number): bigint => 1_000n + BigInt(i);
/** The listener is stopped (from inside its handler) after this many of the run's payments. */
const STOP_AFTER_PAYMENTS = 5;

interface SeenEvent {
  readonly name: PaymentEventName;
  readonly transactionId: string;
  readonly blockNumber: bigint;
  readonly listener: 1 | 2;
}

describe('payments end to end', () => {
  const ctx = liveNetwork();
  const run = runId('e');
  const shopLabel = `shop-${run}`;
  const merchant = `${run}-shop`;
  const payers = Array.from({ length: PAYERS }, (_, i) => `${run}-p${i}`);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'fabpay-e2e-'));
  const checkpointFile = path.join(tmp, 'events.checkpoint.json');

  let alice: Party | undefined; // Org1, issuer
  let bob: Party | undefined; // Org1, owns the payer accounts
  let carol: Party | undefined; // Org2, compliance (over Org2's accounts only)
  let shop: Party | undefined; // Org2, the newly enrolled merchant
  let listener: ChaincodeEventStream | undefined;
  let issued = 0n;
  let supplyBefore = 0n;
  let firstBlock = 0n;
  /** Every state-changing transaction of the flow, in submission order, with the event it must emit. */
  const expected: { transactionId: string; blockNumber: bigint; name: PaymentEventName }[] = [];
  const seen: SeenEvent[] = [];
  const payResults = new Map<string, Committed<unknown>>();
  const need = (p: Party | undefined): Party => {
    if (!p) throw new Error('client not opened (an earlier step failed)');
    return p;
  };
  /** Later steps may be endorsed or evaluated on any peer: wait until all have the block. */
  const everywhere = (block: bigint) => committedEverywhere(ctx, block);
  /** Records a committed transaction of the flow and waits until every peer has it. */
  const track = async <T>(name: PaymentEventName, c: Committed<T>): Promise<Committed<T>> => {
    expected.push({ transactionId: c.transactionId, blockNumber: c.blockNumber, name });
    await everywhere(c.blockNumber);
    return c;
  };
  const ours = () => {
    const ids = new Set(expected.map((e) => e.transactionId));
    return seen.filter((e) => ids.has(e.transactionId));
  };

  beforeAll(async () => {
    alice = await openParty(ctx, 'Org1', 'alice');
    bob = await openParty(ctx, 'Org1', 'bob');
    carol = await openParty(ctx, 'Org2', 'carol');
    supplyBefore = BigInt((await alice.payments.getSupply(CURRENCY)).outstanding);
  }, 60_000);

  afterAll(async () => {
    await listener?.stop();
    await closeParties(alice, bob, carol, shop);
    rmSync(tmp, { recursive: true, force: true });
  }, 60_000);

  it('registers and enrolls a new merchant identity through the CA API, which then transacts', async () => {
    const ca = enrollmentClientForOrg(ctx.topology, 'Org2');
    const registered = await ca.register({ id: shopLabel });
    expect(registered.existed).toBe(false);
    expect(registered.secret).toEqual(expect.any(String));
    const identity = await ca.enroll(shopLabel, registered.secret!);
    expect(identity.mspId).toBe('Org2MSP');
    expect(existsSync(path.join(ctx.caPaths.org('Org2').walletDir, `${shopLabel}.id`))).toBe(true);

    shop = await openParty(ctx, 'Org2', shopLabel);
    const me = await shop.payments.whoami();
    expect(me).toMatchObject({ mspId: 'Org2MSP', role: '', admin: false });
    expect(me.id).toContain(`CN=${shopLabel}`);
    // Issued by Org2's intermediate CA, which is named after its host (ca/README.md).
    const org2Domain = ctx.peers.find((p) => p.org === 'Org2')!.host.replace(/^[^.]+\./, '');
    expect(me.id.split('::').at(-1)).toBe(`/C=US/ST=North Carolina/O=Org2/OU=client/CN=ica.${org2Domain}`);

    // Accounts and money: payers funded by issue, fan-out and fold (not part of the event check).
    await openAccounts(need(bob), payers, CURRENCY, everywhere);
    issued = (await fundAccounts(need(alice), need(bob), payers, FUNDING, CURRENCY, run, everywhere)).issued;
    const opened = await track('AccountOpened', await shop.payments.openAccount(merchant, CURRENCY));
    expect(opened.value).toMatchObject({ accountId: merchant, owner: me.owner, status: 'active' });
    firstBlock = opened.blockNumber;
  }, 120_000);

  it('streams events from a checkpoint while concurrent payments commit, stopping mid-stream', async () => {
    const payer = need(bob);
    let paymentsSeen = 0;
    const handler = (event: PaymentEvent): void => {
      seen.push({
        name: event.name,
        transactionId: event.transactionId,
        blockNumber: event.blockNumber,
        listener: 1,
      });
      if (
        event.name === 'PaymentSettled' &&
        event.payload.to === merchant &&
        ++paymentsSeen === STOP_AFTER_PAYMENTS
      ) {
        // Stop from inside the handler: this event is checkpointed, no later one is handled.
        // (`listener` is this stream: it is set before any event can arrive.)
        void listener?.stop();
      }
    };
    const stream = need(bob).payments.events({ handler, checkpoint: checkpointFile, startBlock: firstBlock });
    listener = stream;

    const results = await Promise.all(
      payers.map((from, i) =>
        payer.payments.pay({
          paymentId: `${run}-pay${i}`,
          from,
          to: merchant,
          amount: amountOf(i),
          currency: CURRENCY,
        }),
      ),
    );
    for (const [i, r] of results.entries()) {
      payResults.set(`${run}-pay${i}`, r);
      await track('PaymentSettled', r);
    }
    await within('the first listener to stop', 60_000, stream.done);
    expect(stream.stats.handled).toBeGreaterThanOrEqual(1 + STOP_AFTER_PAYMENTS);
    const mine = ours();
    expect(mine.map((e) => e.name)).toEqual([
      'AccountOpened',
      ...Array<string>(STOP_AFTER_PAYMENTS).fill('PaymentSettled'),
    ]);
    expect(mine.length).toBeLessThan(expected.length); // stopped mid-stream

    const balance = await payer.payments.getBalance(merchant);
    expect(balance).toMatchObject({
      available: sum(payers.map((_, i) => amountOf(i))).toString(),
      pendingCount: PAYERS,
      held: '0',
    });
  }, 120_000);

  it('holds like a card: the payee captures or releases, the payer gets its money back by expiry', async () => {
    const payer = need(bob);
    const merchantOwner = need(shop);
    const compliance = need(carol);
    const expiresLater = new Date(Date.now() + 3_600_000);

    // Captured in part by the payee: 300 of 500 goes to the merchant, 200 returns to the payer.
    const h1 = `${run}-h1`;
    await track(
      'HoldAuthorized',
      await payer.payments.authorizeHold({
        holdId: h1,
        from: payers[0]!,
        to: merchant,
        amount: 500n,
        currency: CURRENCY,
        expiresAt: expiresLater,
      }),
    );
    expect(await payer.payments.getBalance(payers[0]!)).toMatchObject({ held: '500' });
    expect(await payer.payments.getHold(payers[0]!, h1)).toMatchObject({
      status: 'authorized',
      limitDay: '',
    });
    const captured = await track(
      'HoldCaptured',
      await merchantOwner.payments.captureHold(payers[0]!, h1, 300n),
    );
    expect(captured.value).toMatchObject({ status: 'captured', captured: '300', amount: '500' });

    // An authorised hold is the payee's guarantee: the payer cannot release it. While compliance
    // has the payee frozen the payee cannot capture either; the payee releases it in full.
    const h2 = `${run}-h2`;
    await track(
      'HoldAuthorized',
      await payer.payments.authorizeHold({
        holdId: h2,
        from: payers[1]!,
        to: merchant,
        amount: 400n,
        currency: CURRENCY,
        expiresAt: expiresLater,
      }),
    );
    await expect(payer.payments.releaseHold(payers[1]!, h2)).rejects.toBeInstanceOf(PaymentForbiddenError);
    await track('AccountFrozen', await compliance.payments.freezeAccount(merchant, 'e2e: review'));
    await expect(merchantOwner.payments.captureHold(payers[1]!, h2, 1n)).rejects.toMatchObject({
      paymentCode: 'ACCOUNT_FROZEN',
    });
    await track('AccountUnfrozen', await compliance.payments.unfreezeAccount(merchant));
    const released = await track('HoldReleased', await merchantOwner.payments.releaseHold(payers[1]!, h2));
    expect(released.value).toMatchObject({ status: 'released', captured: '0' });
    await expect(merchantOwner.payments.captureHold(payers[1]!, h2, 1n)).rejects.toMatchObject({
      paymentCode: 'HOLD_NOT_ACTIVE',
    });

    // The payer's way out: expiry. A short expiry; expireHold is refused until the transaction
    // time passes it, then the payer expires it itself (anyone may).
    const h3 = `${run}-h3`;
    const shortExpiry = new Date(Date.now() + 8_000);
    await track(
      'HoldAuthorized',
      await payer.payments.authorizeHold({
        holdId: h3,
        from: payers[2]!,
        to: merchant,
        amount: 250n,
        currency: CURRENCY,
        expiresAt: shortExpiry,
      }),
    );
    await expect(payer.payments.releaseHold(payers[2]!, h3)).rejects.toMatchObject({
      paymentCode: 'FORBIDDEN',
    });
    const early = await payer.payments.expireHold(payers[2]!, h3).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(early).toBeInstanceOf(PaymentStateError);
    expect(early).toMatchObject({ paymentCode: 'HOLD_NOT_EXPIRED' });
    let refusals = 0;
    const expired = await eventually(
      `hold ${h3} to expire (expiresAt ${shortExpiry.toISOString()}, by transaction time)`,
      async () => {
        try {
          return await payer.payments.expireHold(payers[2]!, h3);
        } catch (err) {
          if ((err as { paymentCode?: string }).paymentCode !== 'HOLD_NOT_EXPIRED') throw err;
          refusals++;
          return undefined;
        }
      },
      { timeoutMs: 45_000, intervalMs: 500 },
    );
    await track('HoldExpired', expired);
    expect(expired.value).toMatchObject({ status: 'expired', captured: '0' });
    expect(Date.parse(expired.value.closedAt)).toBeGreaterThanOrEqual(shortExpiry.getTime());
    await expect(merchantOwner.payments.captureHold(payers[2]!, h3, 1n)).rejects.toMatchObject({
      paymentCode: 'HOLD_NOT_ACTIVE',
    });
    process.stderr.write(
      `[e2e] hold ${h3} expired after ${refusals} refusals (HOLD_NOT_EXPIRED) while its expiry was ahead\n`,
    );

    const b = await balancesOf(payer, payers.slice(0, 3));
    expect(b.get(payers[0]!)).toMatchObject({
      available: (FUNDING - amountOf(0) - 300n).toString(),
      held: '0',
    });
    expect(b.get(payers[1]!)).toMatchObject({ available: (FUNDING - amountOf(1)).toString(), held: '0' });
    expect(b.get(payers[2]!)).toMatchObject({ available: (FUNDING - amountOf(2)).toString(), held: '0' });
  }, 120_000);

  it('refunds a payment in parts, never beyond it, after the merchant folds its credits', async () => {
    const merchantOwner = need(shop);
    const credits = await merchantOwner.payments.listPendingCredits(merchant);
    // 20 payments and the capture, all pending until folded.
    expect(credits.items.map((c) => c.creditId).sort()).toEqual(
      [
        ...payers.map((from, i) => paymentCreditId(from, `${run}-pay${i}`)),
        captureCreditId(payers[0]!, `${run}-h1`),
      ].sort(),
    );
    const fold = await track(
      'CreditsFolded',
      await merchantOwner.payments.foldCredits(
        merchant,
        credits.items.map((c) => c.creditId),
      ),
    );
    expect(fold.value.amount).toBe((sum(payers.map((_, i) => amountOf(i))) + 300n).toString());

    // Payment (and refund) IDs are scoped within the payer account: every call names it.
    const paymentId = `${run}-pay3`;
    const from = payers[3]!;
    const partial = await track(
      'PaymentRefunded',
      await merchantOwner.payments.refund(from, paymentId, `${run}-r1`, 400n, 'partial'),
    );
    expect(partial.value).toMatchObject({ paymentId, amount: '400', from: merchant, to: from });
    // A replay of the same refund returns the original result and moves nothing (no event either).
    const replay = await merchantOwner.payments.refund(from, paymentId, `${run}-r1`, 400n, 'partial');
    expect(replay.value).toEqual(partial.value);
    expect(await merchantOwner.payments.getRefund(from, paymentId, `${run}-r1`)).toEqual(partial.value);
    const rest = amountOf(3) - 400n;
    await expect(
      merchantOwner.payments.refund(from, paymentId, `${run}-r2`, rest + 1n, 'too much'),
    ).rejects.toBeInstanceOf(InsufficientFundsError);
    await expect(
      merchantOwner.payments.refund(from, paymentId, `${run}-r2`, rest + 1n, 'too much'),
    ).rejects.toMatchObject({
      paymentCode: 'REFUND_EXCEEDS_PAYMENT',
    });
    await track(
      'PaymentRefunded',
      await merchantOwner.payments.refund(from, paymentId, `${run}-r3`, rest, 'the rest'),
    );
    expect(await merchantOwner.payments.getPayment(from, paymentId)).toMatchObject({
      refunded: amountOf(3).toString(),
    });
    // Looked up under another payer account, the ID names nothing.
    await expect(merchantOwner.payments.getPayment(payers[4]!, paymentId)).rejects.toMatchObject({
      paymentCode: 'PAYMENT_NOT_FOUND',
    });
    // The payment record (the replay result) never changes.
    expect(await merchantOwner.payments.getPayment(from, paymentId)).toEqual({
      ...(payResults.get(paymentId)!.value as object),
      refunded: amountOf(3).toString(),
    });
  }, 120_000);

  it('grants roles as governance says: compliance over its own MSP, two layers of limits', async () => {
    const compliance = need(carol);
    const merchantOwner = need(shop);
    const governance = await compliance.payments.getGovernance();
    expect(governance).toMatchObject({
      members: ['Org1MSP', 'Org2MSP'],
      compliance: { Org1MSP: ['Org1MSP'], Org2MSP: ['Org2MSP'] },
      custody: true,
    });
    expect(governance.issuers[CURRENCY]).toEqual(['Org1MSP']);
    // carol is compliance for Org2 only: an Org1 customer's account is out of her reach.
    await expect(compliance.payments.freezeAccount(payers[5]!, 'not mine')).rejects.toBeInstanceOf(
      PaymentForbiddenError,
    );
    await expect(compliance.payments.setComplianceLimits(payers[5]!, 1n)).rejects.toMatchObject({
      paymentCode: 'FORBIDDEN',
    });
    // Compliance's layer on the Org2 merchant; its owner may tighten it, never loosen it.
    const bound = 1_000_000n;
    const set = await track('LimitsSet', await compliance.payments.setComplianceLimits(merchant, bound));
    expect(set.value).toMatchObject({
      compliance: { perPayment: bound.toString(), perDay: '' },
      owner: { perPayment: '', perDay: '' },
      effective: { perPayment: bound.toString(), perDay: '' },
    });
    await expect(merchantOwner.payments.setLimits(merchant, bound + 1n)).rejects.toMatchObject({
      paymentCode: 'FORBIDDEN',
    });
    const own = await track('LimitsSet', await merchantOwner.payments.setLimits(merchant, bound / 2n));
    expect(await merchantOwner.payments.getLimits(merchant)).toEqual(own.value);
    expect(own.value.effective.perPayment).toBe((bound / 2n).toString());
    // Only the owner sets the owner's layer, even against its own account's compliance officer.
    await expect(compliance.payments.setLimits(merchant, 1n)).rejects.toMatchObject({
      paymentCode: 'FORBIDDEN',
    });
  }, 60_000);

  it('resumes the event stream from its checkpoint: every event once, in order', async () => {
    const handledBefore = seen.length;
    const stream = need(bob).payments.events({
      handler: (event) => {
        seen.push({
          name: event.name,
          transactionId: event.transactionId,
          blockNumber: event.blockNumber,
          listener: 2,
        });
      },
      checkpoint: checkpointFile,
    });
    listener = stream;
    await eventually(
      `all ${expected.length} events of the run (seen ${ours().length})`,
      () => (ours().length >= expected.length ? true : undefined),
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    await stream.stop();

    // Nothing seen twice, by either listener.
    const ids = seen.map((e) => e.transactionId);
    expect(ids.length - new Set(ids).size).toBe(0);
    // Ordered: block numbers never go back, across the restart too.
    const blocks = seen.map((e) => e.blockNumber);
    expect(blocks.every((b, i) => i === 0 || b >= blocks[i - 1]!)).toBe(true);
    // The resumed listener starts after the last event the first one checkpointed.
    const last1 = seen[handledBefore - 1]!;
    const first2 = seen[handledBefore]!;
    expect(first2.listener).toBe(2);
    expect(first2.blockNumber >= last1.blockNumber).toBe(true);
    // Exactly the run's transactions, each with its event name and block.
    const mine = ours();
    expect(mine).toHaveLength(expected.length);
    const byTx = new Map(expected.map((e) => [e.transactionId, e]));
    for (const e of mine) {
      const want = byTx.get(e.transactionId)!;
      expect({ tx: e.transactionId, name: e.name, block: e.blockNumber }).toEqual({
        tx: want.transactionId,
        name: want.name,
        block: want.blockNumber,
      });
    }
    // Transactions committed in different blocks arrive in commit order.
    const order = mine.map((e) => byTx.get(e.transactionId)!.blockNumber);
    expect(order).toEqual([...order].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(mine.filter((e) => e.listener === 2).length).toBeGreaterThan(0);
  }, 90_000);

  it('reads the merchant history page by page, newest first, matching its balance', async () => {
    const reader = need(shop);
    const pageSize = 4;
    const entries: HistoryEntry[] = [];
    let bookmark = '';
    let pages = 0;
    do {
      const page = await reader.payments.getPaymentHistory(merchant, { pageSize, bookmark });
      pages++;
      expect(page.items.length).toBeLessThanOrEqual(pageSize);
      expect(page.count).toBe(page.items.length);
      entries.push(...page.items);
      bookmark = page.bookmark;
      expect(pages).toBeLessThanOrEqual(20); // bounded
    } while (bookmark !== '');
    // 20 payments in, the capture in, two refunds out.
    expect(entries).toHaveLength(PAYERS + 1 + 2);
    expect(pages).toBeGreaterThanOrEqual(Math.ceil(entries.length / pageSize));
    expect(new Set(entries.map((e) => `${e.kind}/${e.id}`)).size).toBe(entries.length);
    const times = entries.map((e) => Date.parse(e.at));
    expect(times.every((t, i) => i === 0 || t <= times[i - 1]!)).toBe(true);
    expect(entries.filter((e) => e.kind === 'payment' && e.direction === 'in')).toHaveLength(PAYERS);
    expect(entries.filter((e) => e.kind === 'capture' && e.direction === 'in').map((e) => e.amount)).toEqual([
      '300',
    ]);
    expect(entries.filter((e) => e.kind === 'refund' && e.direction === 'out')).toHaveLength(2);
    const net = sum(entries.map((e) => (e.direction === 'in' ? BigInt(e.amount) : -BigInt(e.amount))));
    const balance = await reader.payments.getBalance(merchant);
    expect(holdings(balance)).toBe(net);
  }, 60_000);

  it('balances the books: every account adds up and the conservation report balances', async () => {
    const reader = need(bob);
    const balances = await balancesOf(reader, [...payers, merchant]);
    const refunded = amountOf(3);
    payers.forEach((id, i) => {
      let expectedHoldings = FUNDING - amountOf(i);
      if (i === 0) expectedHoldings -= 300n; // captured
      if (i === 3) expectedHoldings += refunded;
      expect({ id, holdings: holdings(balances.get(id)!).toString(), held: balances.get(id)!.held }).toEqual({
        id,
        holdings: expectedHoldings.toString(),
        held: '0',
      });
    });
    expect(holdings(balances.get(merchant)!)).toBe(sum(payers.map((_, i) => amountOf(i))) + 300n - refunded);
    expect(sum([...balances.values()].map(holdings))).toBe(issued);
    expect(BigInt((await reader.payments.getSupply(CURRENCY)).outstanding) - supplyBefore).toBe(issued);
    const line = (await reader.payments.conservationReport()).find((l) => l.currency === CURRENCY);
    expect(line).toBeDefined();
    expect(line!.balanced).toBe(true);
    // Recomputed here with BigInt: settled + held + pending credits = issued - redeemed.
    expect(BigInt(line!.available) + BigInt(line!.held) + BigInt(line!.pending)).toBe(
      BigInt(line!.outstanding),
    );
    expect(BigInt(line!.issued) - BigInt(line!.redeemed)).toBe(BigInt(line!.outstanding));
  }, 60_000);
});
