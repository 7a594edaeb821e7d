/**
 * Live fuzz: thousands of calls that must be refused (malformed, oversized, wrong-type,
 * wrong-identity and wrong-order arguments across every transaction, see support/refusals.ts)
 * go through the real gateway as submits. Every one must be refused at endorsement with a
 * stable code from the chaincode's list, none may be ordered (every peer's height unchanged),
 * and the conservation report must be unchanged. Bounded: FUZZ_CALLS calls (default 10,000),
 * at most FUZZ_CONCURRENCY at once, and a time limit.
 */
import { ChaincodeError, PAYMENT_ERROR_CODES, type FabpayClient } from '@fabpay/gateway-client';
import { liveNetwork } from '../support/live-network';
import {
  closeParties,
  committedEverywhere,
  describeError,
  ledgerHeight,
  mapLimit,
  openParty,
  runId,
  type Party,
} from '../support/payments-kit';
import { refusedCalls, type FuzzWorld, type RefusedCall } from '../support/refusals';

const CALLS = Number(process.env.FUZZ_CALLS ?? 10_000);
const CONCURRENCY = Number(process.env.FUZZ_CONCURRENCY ?? 32);
const SEED = Number(process.env.FUZZ_SEED ?? 20261129);
const TIME_LIMIT_MS = 15 * 60_000;

jest.setTimeout(TIME_LIMIT_MS + 5 * 60_000);

describe('live fuzz: refused calls change nothing', () => {
  const ctx = liveNetwork();
  const channel = ctx.topology.channel.name;
  const chaincode = ctx.topology.chaincode.name;
  const parties: Record<string, Party> = {};

  afterAll(() => closeParties(...Object.values(parties)));

  async function submit(client: FabpayClient, transaction: string, ...args: string[]): Promise<bigint> {
    return (await client.submit({ chaincode, transaction, args })).blockNumber;
  }

  it(`refuses ${CALLS} malformed, oversized, wrong-identity and wrong-order calls with stable codes`, async () => {
    for (const [org, label] of [
      ['Org1', 'alice'],
      ['Org1', 'bob'],
      ['Org2', 'carol'],
      ['Org2', 'dave'],
    ] as const) {
      parties[label] = await openParty(ctx, org, label);
    }
    const { alice, bob, dave } = parties as Record<'alice' | 'bob' | 'carol' | 'dave', Party>;
    const owners = Object.fromEntries(
      await Promise.all(
        Object.entries(parties).map(async ([label, p]) => {
          const who = JSON.parse(
            Buffer.from(await p.client.evaluate({ chaincode, transaction: 'whoami' })).toString(),
          ) as {
            owner: string;
          };
          return [label, who.owner];
        }),
      ),
    ) as FuzzWorld['owners'];

    // The world the base calls refer to.
    const run = runId('fz');
    const accounts = { alice: `${run}-a`, bob: `${run}-b`, dave: `${run}-d` };
    await Promise.all([
      submit(alice!.client, 'openAccount', accounts.alice, 'USD', ''),
      submit(bob!.client, 'openAccount', accounts.bob, 'USD', ''),
      submit(dave!.client, 'openAccount', accounts.dave, 'USD', ''),
    ]).then((blocks) =>
      committedEverywhere(
        ctx,
        blocks.reduce((a, b) => (a > b ? a : b)),
      ),
    );
    const op = `${run}-mint`;
    await committedEverywhere(ctx, await submit(alice!.client, 'issue', op, accounts.alice, '100000'));
    await committedEverywhere(
      ctx,
      await submit(alice!.client, 'foldCredits', accounts.alice, `i:Org1MSP:${op}`),
    );
    const paymentId = `${run}-pay`;
    const holdId = `${run}-hold`;
    const closedHoldId = `${run}-closed`;
    const expires = new Date(Date.now() + 24 * 3_600_000).toISOString();
    await submit(alice!.client, 'pay', paymentId, accounts.alice, accounts.dave, '100', 'USD', 'fuzz');
    await submit(
      alice!.client,
      'authorizeHold',
      holdId,
      accounts.alice,
      accounts.dave,
      '100',
      'USD',
      expires,
    );
    await committedEverywhere(
      ctx,
      await submit(
        alice!.client,
        'authorizeHold',
        closedHoldId,
        accounts.alice,
        accounts.dave,
        '100',
        'USD',
        expires,
      ),
    );
    await committedEverywhere(ctx, await submit(dave!.client, 'releaseHold', accounts.alice, closedHoldId));
    const governance = JSON.parse(
      Buffer.from(await bob!.client.evaluate({ chaincode, transaction: 'getGovernance' })).toString(),
    ) as Record<string, unknown>;
    const { version: _v, updatedAt: _u, ...terms } = governance;
    const world: FuzzWorld = {
      owners,
      accounts,
      paymentId,
      holdId,
      closedHoldId,
      terms: JSON.stringify(terms),
    };

    const heights = async () => Promise.all(ctx.peers.map((p) => ledgerHeight(p, channel)));
    const report = async () =>
      Buffer.from(await bob!.client.evaluate({ chaincode, transaction: 'conservationReport' })).toString();
    const heightsBefore = await heights();
    const reportBefore = await report();

    const calls = refusedCalls(world, CALLS, SEED);
    const codes = new Map<string, number>();
    const wrong: { call: RefusedCall; outcome: string }[] = [];
    const started = Date.now();
    let skipped = 0;
    await mapLimit(calls, CONCURRENCY, async (call) => {
      if (Date.now() - started > TIME_LIMIT_MS) {
        skipped += 1;
        return;
      }
      const client = parties[call.caller.label]!.client;
      try {
        await client.submit({ chaincode, transaction: call.transaction, args: call.args });
        wrong.push({ call, outcome: 'committed' });
      } catch (err) {
        if (
          err instanceof ChaincodeError &&
          (PAYMENT_ERROR_CODES as readonly string[]).includes(err.chaincodeCode)
        ) {
          codes.set(err.chaincodeCode, (codes.get(err.chaincodeCode) ?? 0) + 1);
          if (err.chaincodeMessage.length > 512)
            wrong.push({ call, outcome: `message of ${err.chaincodeMessage.length} characters` });
        } else {
          wrong.push({ call, outcome: describeError(err).slice(0, 300) });
        }
      }
    });
    const seconds = (Date.now() - started) / 1000;
    process.stderr.write(
      `[fuzz] ${calls.length - skipped} calls in ${seconds.toFixed(1)} s (${((calls.length - skipped) / seconds).toFixed(0)}/s), codes: ${JSON.stringify(Object.fromEntries([...codes].sort()))}\n`,
    );
    const describe = (w: { call: RefusedCall; outcome: string }) =>
      `${w.call.caller.label} ${JSON.stringify(w.call.transaction.slice(0, 40))} (${w.call.mutation}): ${w.outcome}`;
    expect(wrong.slice(0, 20).map(describe)).toEqual([]);
    expect(skipped).toBe(0);
    expect(await heights()).toEqual(heightsBefore);
    expect(await report()).toBe(reportBefore);
    // Every kind of refusal was exercised.
    expect([...codes.keys()]).toEqual(
      expect.arrayContaining([
        'INVALID_ARGUMENT',
        'INVALID_AMOUNT',
        'FORBIDDEN',
        'UNKNOWN_TRANSACTION',
        'HOLD_NOT_ACTIVE',
      ]),
    );
  });
});
