import './testing/quiet';
import { KEY } from './keys';
import { defaultTerms, Endorsement, TestFabric } from './testing/fabric';
import { funded } from './testing/fixtures';
import { identity } from './testing/identities';

const NS = '\u0000';

/** Keys `writer` writes that `reader` read, by point read or inside one of its range queries. */
function writesReadBy(writer: Endorsement, reader: Endorsement): string[] {
  const hit: string[] = [];
  for (const key of writer.rw.writes.keys()) {
    const pointRead = reader.rw.reads.has(key);
    const inRange = reader.rw.ranges.some((r) => key >= r.start && key < r.end);
    if (pointRead || inRange) {
      hit.push(key.split(NS).join('/'));
    }
  }
  return hit;
}

/** Keys each transaction writes that the other reads: empty means they cannot conflict at commit. */
function sharedConflictKeys(a: Endorsement, b: Endorsement): string[] {
  return [...writesReadBy(a, b), ...writesReadBy(b, a)];
}

/** Composite key as the ledger stores it. */
function keyOf(type: string, attributes: string[]): string {
  return `${NS}${type}${NS}${attributes.map((a) => `${a}${NS}`).join('')}`;
}

/** Keys of an account other than its descriptor (balance, credits, limits, spent, allowances, history). */
function moneyKeysOf(e: Endorsement, accountId: string): string[] {
  const keys = [...e.rw.reads.keys(), ...e.rw.ranges.map((r) => r.start)];
  return keys.filter((k) => {
    const [, type, first] = k.split(NS);
    return first === accountId && type !== 'fabpay.account';
  });
}

describe('hot accounts: concurrent credits to one merchant', () => {
  test('two payments from different payers to one merchant share no key one writes and the other reads; both commit', async () => {
    const { f, c } = await funded();
    const p1 = await f.endorse(c.alice, 'pay', ['p1', 'A', 'M', '10', 'USD', '']);
    const p2 = await f.endorse(c.bob, 'pay', ['p2', 'B', 'M', '20', 'USD', '']);
    expect(p1.ok && p2.ok).toBe(true);
    expect(sharedConflictKeys(p1, p2)).toEqual([]);
    expect(p1.rw.ranges).toEqual([]);
    // The payment reads none of the payee's money keys (only its descriptor, which payments never write).
    expect(moneyKeysOf(p1, 'M')).toEqual([]);
    // Custody on: both commit endorsed as the policies demand (the payer's balance key has its own policy).
    expect(f.commit(p2, ['Org1MSP', 'Org2MSP']).commit).toBe('VALID');
    expect(f.commit(p1, ['Org1MSP', 'Org2MSP']).commit).toBe('VALID');
    expect(await f.query(c.merchant, 'getBalance', 'M')).toMatchObject({ available: '30', pendingCount: 2 });
  });

  test("custody on: the payer's balance key carries the owner org's policy, the payee's credits none", async () => {
    const { f, c } = await funded();
    expect((await f.query(c.alice, 'getGovernance')).custody).toBe(true);
    const p1 = await f.submit(c.alice, 'pay', 'p1', 'A', 'M', '10', 'USD', '');
    const p2 = await f.submit(c.bob, 'pay', 'p2', 'B', 'M', '20', 'USD', '');
    const mint = await f.submit(c.issuer, 'issue', 'op1', 'M', '7');
    for (const e of [p1, p2, mint]) {
      expect(e.commit).toBe('VALID');
      // A credit is a new key with no policy of its own: no set-policy call, nothing to satisfy but the chaincode's.
      expect(e.rw.policies.size).toBe(0);
    }
    for (const credit of ['p:A:p1', 'p:B:p2', 'i:Org1MSP:op1']) {
      const key = keyOf(KEY.credit, ['M', credit]);
      expect(f.ledger.get(key)).toBeDefined();
      expect(f.ledger.policyOf(key)).toBeUndefined();
    }
    for (const payer of ['A', 'B', 'M']) {
      expect(f.ledger.policyOf(keyOf(KEY.balance, [payer]))).toBeDefined();
      expect(f.ledger.policyOf(keyOf(KEY.account, [payer]))).toBeDefined();
    }
    // History lines and payment records are new keys without a policy either.
    expect(f.ledger.policyOf(keyOf(KEY.payment, ['A', 'p1']))).toBeUndefined();
  });

  test("three orgs: payments to Org2's merchant commit without Org2 endorsing; the payer's org must", async () => {
    const orgs = ['Org1MSP', 'Org2MSP', 'Org3MSP'];
    const f = new TestFabric({ channelOrgs: orgs, governance: defaultTerms(orgs) });
    const merchant = await identity({ mspId: 'Org2MSP', cn: 'merchant' });
    const issuer = await identity({ mspId: 'Org1MSP', cn: 'issuer', attrs: { 'payments.role': 'issuer' } });
    const [alice, bob] = await Promise.all([
      identity({ mspId: 'Org1MSP', cn: 'alice' }),
      identity({ mspId: 'Org1MSP', cn: 'bob' }),
    ]);
    await f.ok(merchant, 'openAccount', 'M', 'USD', '');
    for (const [who, id] of [
      [alice, 'A'],
      [bob, 'B'],
    ] as const) {
      await f.ok(who, 'openAccount', id, 'USD', '');
      await f.ok(issuer, 'issue', `mint-${id}`, id, '100');
      await f.ok(who, 'foldCredits', id, `i:Org1MSP:mint-${id}`);
    }
    const p1 = await f.endorse(alice, 'pay', ['p1', 'A', 'M', '10', 'USD', '']);
    const p2 = await f.endorse(bob, 'pay', ['p2', 'B', 'M', '20', 'USD', '']);
    expect(sharedConflictKeys(p1, p2)).toEqual([]);
    // Without the payer's org the custody policy on the payer's balance fails.
    expect(f.commit(p1, ['Org2MSP', 'Org3MSP']).commit).toBe('ENDORSEMENT_POLICY_FAILURE');
    expect(f.commit(p1, ['Org1MSP', 'Org3MSP']).commit).toBe('VALID');
    expect(f.commit(p2, ['Org1MSP', 'Org3MSP']).commit).toBe('VALID');
    expect(await f.query(merchant, 'getBalance', 'M')).toMatchObject({ available: '30', pendingCount: 2 });
  });

  test("a payment to the merchant and a fold of the merchant's credits run together without conflict", async () => {
    const { f, c } = await funded();
    await f.ok(c.alice, 'pay', 'p1', 'A', 'M', '10', 'USD', '');
    await f.ok(c.bob, 'pay', 'p2', 'B', 'M', '20', 'USD', '');
    const fold = await f.endorse(c.merchant, 'foldCredits', ['M', 'p:A:p1,p:B:p2']);
    const pay = await f.endorse(c.alice, 'pay', ['p3', 'A', 'M', '5', 'USD', '']);
    expect(fold.rw.ranges).toEqual([]);
    expect(sharedConflictKeys(fold, pay)).toEqual([]);
    expect(f.commit(pay).commit).toBe('VALID');
    expect(f.commit(fold).commit).toBe('VALID');
    expect(await f.query(c.merchant, 'getBalance', 'M')).toMatchObject({
      available: '35',
      settled: '30',
      pending: '5',
    });
  });

  test('the merchant spends while credits keep arriving: its debit conflicts with none of them', async () => {
    const { f, c } = await funded();
    await f.ok(c.alice, 'pay', 'p1', 'A', 'M', '100', 'USD', '');
    await f.ok(c.merchant, 'foldCredits', 'M', 'p:A:p1');
    const out = await f.endorse(c.merchant, 'pay', ['m1', 'M', 'B', '60', 'USD', '']);
    const inA = await f.endorse(c.alice, 'pay', ['p2', 'A', 'M', '1', 'USD', '']);
    const mint = await f.endorse(c.issuer, 'issue', ['op1', 'M', '7']);
    for (const other of [inA, mint]) {
      expect(sharedConflictKeys(out, other)).toEqual([]);
    }
    expect([f.commit(inA).commit, f.commit(mint).commit, f.commit(out).commit]).toEqual([
      'VALID',
      'VALID',
      'VALID',
    ]);
    expect(await f.query(c.merchant, 'getBalance', 'M')).toMatchObject({
      available: '48',
      settled: '40',
      pending: '8',
    });
  });

  test('the merchant spends incoming credits (payWithCredits) while new ones arrive: no conflict', async () => {
    const { f, c } = await funded();
    await f.ok(c.alice, 'pay', 'p1', 'A', 'M', '100', 'USD', '');
    const spend = await f.endorse(c.merchant, 'payWithCredits', ['m1', 'M', 'B', '90', 'USD', '', 'p:A:p1']);
    const incoming = await f.endorse(c.bob, 'pay', ['p2', 'B', 'M', '5', 'USD', '']);
    expect(spend.rw.ranges).toEqual([]);
    expect(sharedConflictKeys(spend, incoming)).toEqual([]);
    expect([f.commit(incoming).commit, f.commit(spend).commit]).toEqual(['VALID', 'VALID']);
    expect(await f.query(c.merchant, 'getBalance', 'M')).toMatchObject({
      available: '15',
      settled: '10',
      pending: '5',
    });
  });

  test('fifty payers paying one merchant in the same block: every payment commits, balance is exact', async () => {
    const f = new TestFabric();
    const merchant = await identity({ mspId: 'Org2MSP', cn: 'merchant' });
    const issuer = await identity({ mspId: 'Org1MSP', cn: 'issuer', attrs: { 'payments.role': 'issuer' } });
    await f.ok(merchant, 'openAccount', 'M', 'USD', '');
    const payers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => identity({ mspId: 'Org1MSP', cn: `payer${i}` })),
    );
    for (const [i, who] of payers.entries()) {
      await f.ok(who, 'openAccount', `P${i}`, 'USD', '');
      await f.ok(issuer, 'issue', `mint${i}`, `P${i}`, '1000');
      await f.ok(who, 'foldCredits', `P${i}`, `i:Org1MSP:mint${i}`);
    }
    const endorsed: Endorsement[] = [];
    for (const [i, who] of payers.entries()) {
      endorsed.push(await f.endorse(who, 'pay', [`pay${i}`, `P${i}`, 'M', String(i + 1), 'USD', '']));
    }
    const outcomes = endorsed.map((e) => f.commit(e, ['Org1MSP', 'Org2MSP']).commit);
    expect(outcomes.every((o) => o === 'VALID')).toBe(true);
    expect(await f.query(merchant, 'getBalance', 'M')).toMatchObject({
      available: String((50 * 51) / 2),
      pendingCount: 50,
    });
    for (const [i] of payers.entries()) {
      expect(f.ledger.policyOf(keyOf(KEY.credit, ['M', `p:P${i}:pay${i}`]))).toBeUndefined();
      expect(f.ledger.policyOf(keyOf(KEY.balance, [`P${i}`]))).toBeDefined();
    }
    // 50 certificates and ~200 transactions: generous timeout for shared CI cores.
  }, 30_000);

  test('a batch paying the merchant (twice) runs with other payments to it and its fold without conflict', async () => {
    const { f, c } = await funded();
    await f.ok(c.bob, 'pay', 'p0', 'B', 'M', '7', 'USD', '');
    const lines = [
      { paymentId: 'l1', to: 'M', amount: '10', reference: '' },
      { paymentId: 'l2', to: 'B', amount: '20', reference: '' },
      { paymentId: 'l3', to: 'M', amount: '30', reference: '' },
    ];
    const batch = await f.endorse(c.alice, 'payBatch', ['b1', 'A', 'USD', JSON.stringify(lines)]);
    const pay = await f.endorse(c.bob, 'pay', ['p1', 'B', 'M', '5', 'USD', '']);
    const fold = await f.endorse(c.merchant, 'foldCredits', ['M', 'p:B:p0']);
    expect(batch.ok && pay.ok && fold.ok).toBe(true);
    expect(batch.rw.ranges).toEqual([]);
    // The batch reads none of its payees' money keys, only their descriptors.
    expect(moneyKeysOf(batch, 'M')).toEqual([]);
    expect(moneyKeysOf(batch, 'B')).toEqual([]);
    for (const other of [pay, fold]) {
      expect(sharedConflictKeys(batch, other)).toEqual([]);
    }
    // Credits are new keys without a policy: no payee org needs to endorse.
    expect(batch.rw.policies.size).toBe(0);
    expect([
      f.commit(pay, ['Org1MSP', 'Org2MSP']).commit,
      f.commit(fold, ['Org1MSP', 'Org2MSP']).commit,
      f.commit(batch, ['Org1MSP', 'Org2MSP']).commit,
    ]).toEqual(['VALID', 'VALID', 'VALID']);
    expect(await f.query(c.merchant, 'getBalance', 'M')).toMatchObject({
      available: '52',
      settled: '7',
      pending: '45',
      pendingCount: 2,
    });
  });

  test('debits of the same account do conflict with each other (and only those)', async () => {
    const { f, c } = await funded();
    const d1 = await f.endorse(c.alice, 'pay', ['p1', 'A', 'M', '10', 'USD', '']);
    const d2 = await f.endorse(c.alice, 'pay', ['p2', 'A', 'B', '10', 'USD', '']);
    expect(sharedConflictKeys(d1, d2).length).toBeGreaterThan(0);
    expect(f.commit(d1).commit).toBe('VALID');
    expect(f.commit(d2).commit).toBe('MVCC_READ_CONFLICT');
  });

  test('a hot payer: 64 debits of one account of 64 shards, one per shard, in one block all commit (custody on)', async () => {
    const { f, c } = await funded();
    await f.ok(c.alice, 'openShardedAccount', 'H', 'USD', '', '64');
    await f.ok(c.issuer, 'issue', 'mint-H', 'H', '64000');
    await f.ok(c.alice, 'foldCredits', 'H', 'i:Org1MSP:mint-H');
    const endorsed: Endorsement[] = [];
    for (let i = 0; i < 64; i++) {
      endorsed.push(
        await f.endorse(c.alice, 'pay', [`h${i}`, 'H', 'M', '10', 'USD', ''], { 'fabpay.shard': String(i) }),
      );
    }
    for (let i = 1; i < 64; i++) {
      expect(sharedConflictKeys(endorsed[0] as Endorsement, endorsed[i] as Endorsement)).toEqual([]);
    }
    const outcomes = endorsed.map((e) => f.commit(e, ['Org1MSP', 'Org2MSP']).commit);
    expect(outcomes.filter((o) => o === 'VALID')).toHaveLength(64);
    expect(await f.query(c.alice, 'getBalance', 'H')).toMatchObject({ available: '63360' });
  }, 30_000);
});
