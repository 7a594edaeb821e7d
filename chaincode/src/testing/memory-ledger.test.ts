import { custodyPolicy } from '../custody';
import { MemoryLedger, MemoryStub } from './memory-ledger';
import { majorityEndorsed, satisfies } from './policy';

const creator = { mspid: 'Org1MSP', idBytes: Buffer.from('') };
const T = new Date('2026-01-01T00:00:00Z');
let n = 0;
const tx = (ledger: MemoryLedger) => new MemoryStub(ledger, `t${++n}`, T, creator, ['fn']);
const buf = (s: string) => Buffer.from(s);

async function seed(ledger: MemoryLedger, entries: Record<string, string>) {
  const s = tx(ledger);
  for (const [k, v] of Object.entries(entries)) {
    await s.putState(k, buf(v));
  }
  expect(ledger.commit(s.rw, s.getTxID(), T)).toBe('VALID');
}

describe('in-memory Fabric stub', () => {
  test('no read-your-writes inside a transaction', async () => {
    const ledger = new MemoryLedger();
    await seed(ledger, { k: 'old' });
    const s = tx(ledger);
    await s.putState('k', buf('new'));
    expect((await s.getState('k')).toString()).toBe('old');
    expect((await s.getState('absent')).length).toBe(0);
  });

  test('MVCC: a key read then changed by another commit invalidates the reader', async () => {
    const ledger = new MemoryLedger();
    await seed(ledger, { k: '1' });
    const a = tx(ledger);
    const b = tx(ledger);
    await a.getState('k');
    await a.putState('k', buf('2'));
    await b.getState('k');
    await b.putState('k', buf('3'));
    expect(ledger.commit(a.rw, 'a', T)).toBe('VALID');
    expect(ledger.commit(b.rw, 'b', T)).toBe('MVCC_READ_CONFLICT');
  });

  test('blind writes never conflict', async () => {
    const ledger = new MemoryLedger();
    const a = tx(ledger);
    const b = tx(ledger);
    await a.putState('x', buf('a'));
    await b.putState('x', buf('b'));
    expect(ledger.commit(a.rw, 'a', T)).toBe('VALID');
    expect(ledger.commit(b.rw, 'b', T)).toBe('VALID');
  });

  test('phantom: a range query whose result changed by commit time invalidates the writer', async () => {
    const ledger = new MemoryLedger();
    const s0 = tx(ledger);
    await seed(ledger, { [s0.createCompositeKey('c', ['acct', '1'])]: 'v' });
    const a = tx(ledger);
    const b = tx(ledger);
    const it = await a.getStateByPartialCompositeKey('c', ['acct']);
    expect((await it.next()).done).toBe(false);
    await a.putState('other', buf('w'));
    await b.putState(b.createCompositeKey('c', ['acct', '2']), buf('v'));
    expect(ledger.commit(b.rw, 'b', T)).toBe('VALID');
    expect(ledger.commit(a.rw, 'a', T)).toBe('PHANTOM_READ_CONFLICT');
  });

  test('composite keys: Fabric encoding, split, partial-key range in byte order, pagination with bookmark', async () => {
    const ledger = new MemoryLedger();
    const s = tx(ledger);
    const key = s.createCompositeKey('t', ['a', 'b']);
    expect(key).toBe('\u0000t\u0000a\u0000b\u0000');
    expect(s.splitCompositeKey(key)).toEqual({ objectType: 't', attributes: ['a', 'b'] });
    await seed(
      ledger,
      Object.fromEntries(['3', '1', '2', '10'].map((x) => [s.createCompositeKey('t', ['p', x]), x])),
    );
    const q = tx(ledger);
    const page1 = await q.getStateByPartialCompositeKeyWithPagination('t', ['p'], 2, '');
    const first = [
      (await page1.iterator.next()).value?.value.toString(),
      (await page1.iterator.next()).value?.value.toString(),
    ];
    expect(first).toEqual(['1', '10']);
    expect(page1.metadata.fetchedRecordsCount).toBe(2);
    const page2 = await q.getStateByPartialCompositeKeyWithPagination('t', ['p'], 2, page1.metadata.bookmark);
    expect((await page2.iterator.next()).value?.value.toString()).toBe('2');
    expect(page2.metadata.bookmark).toBe('');
    expect(() => s.createCompositeKey('t', ['a\u0000'])).toThrow();
  });

  test('paginated queries are refused in a transaction that writes (either order)', async () => {
    const ledger = new MemoryLedger();
    const a = tx(ledger);
    await a.putState('k', buf('v'));
    await expect(a.getStateByPartialCompositeKeyWithPagination('t', [], 10, '')).rejects.toThrow(/paginated/);
    const b = tx(ledger);
    await b.getStateByPartialCompositeKeyWithPagination('t', [], 10, '');
    await expect(b.putState('k', buf('v'))).rejects.toThrow(/paginated/);
  });

  test('history, deletes, events and timestamp', async () => {
    const ledger = new MemoryLedger();
    await seed(ledger, { k: '1' });
    const d = tx(ledger);
    await d.deleteState('k');
    d.setEvent('E', buf('{}'));
    expect(ledger.commit(d.rw, 'del', T)).toBe('VALID');
    expect(ledger.history('k').map((h) => h.isDelete)).toEqual([false, true]);
    expect(d.events).toEqual([{ name: 'E', payload: buf('{}') }]);
    expect(d.getDateTimestamp().toISOString()).toBe(T.toISOString());
    const it = await tx(ledger).getHistoryForKey('k');
    expect((await it.next()).value?.isDelete).toBe(false);
  });

  test('endorsement policies: a key-level policy replaces the chaincode majority for that key, from the next transaction on', async () => {
    const channelOrgs = ['Org1MSP', 'Org2MSP', 'Org3MSP'];
    const ledger = new MemoryLedger();
    const policy = custodyPolicy('Org1MSP', channelOrgs);
    const create = tx(ledger);
    await create.putState('bal', buf('1'));
    await create.setStateValidationParameter('bal', policy);
    // The policy set by the creating transaction does not judge that transaction: the majority does.
    expect(ledger.commit(create.rw, 'c', T, { orgs: ['Org2MSP', 'Org3MSP'], channelOrgs })).toBe('VALID');
    expect(ledger.policyOf('bal')).toEqual(Buffer.from(policy));
    const write = async () => {
      const w = tx(ledger);
      await w.putState('bal', buf('2'));
      return w.rw;
    };
    // A majority of orgs without the owner's org no longer suffices; the owner alone neither.
    expect(ledger.commit(await write(), 'w1', T, { orgs: ['Org2MSP', 'Org3MSP'], channelOrgs })).toBe(
      'ENDORSEMENT_POLICY_FAILURE',
    );
    expect(ledger.commit(await write(), 'w2', T, { orgs: ['Org1MSP'], channelOrgs })).toBe(
      'ENDORSEMENT_POLICY_FAILURE',
    );
    expect(ledger.commit(await write(), 'w3', T, { orgs: ['Org1MSP', 'Org3MSP'], channelOrgs })).toBe(
      'VALID',
    );
    // A later write keeps the policy.
    expect(ledger.policyOf('bal')).toEqual(Buffer.from(policy));
    // Keys without a policy need the chaincode's (a majority of the channel's orgs).
    const blind = tx(ledger);
    await blind.putState('credit', buf('5'));
    expect(ledger.commit(blind.rw, 'b1', T, { orgs: ['Org2MSP'], channelOrgs })).toBe(
      'ENDORSEMENT_POLICY_FAILURE',
    );
    expect(ledger.commit(blind.rw, 'b2', T, { orgs: ['Org2MSP', 'Org3MSP'], channelOrgs })).toBe('VALID');
    expect(ledger.policyOf('credit')).toBeUndefined();
    // Without endorsers the commit skips policy validation (a transaction endorsed as the gateway plans it).
    expect(ledger.commit(await write(), 'w4', T)).toBe('VALID');
  });

  test('policy evaluation counts each endorsement once (cauthdsl), as Fabric does', () => {
    const members = ['Org1MSP', 'Org2MSP', 'Org3MSP', 'Org4MSP', 'Org5MSP'];
    // Owner Org1 and a majority (3 of 5) in all: Org1 plus two others.
    const policy = custodyPolicy('Org1MSP', members);
    expect(satisfies(policy, ['Org1MSP', 'Org2MSP', 'Org3MSP'])).toBe(true);
    expect(satisfies(policy, ['Org1MSP', 'Org2MSP'])).toBe(false);
    expect(satisfies(policy, ['Org2MSP', 'Org3MSP', 'Org4MSP', 'Org5MSP'])).toBe(false);
    // Two peers of the owner's org are not two orgs.
    expect(satisfies(policy, ['Org1MSP', 'Org1MSP', 'Org2MSP'])).toBe(false);
    // With one member the owner alone suffices.
    expect(satisfies(custodyPolicy('Org1MSP', ['Org1MSP']), ['Org1MSP'])).toBe(true);
    expect(majorityEndorsed(['Org1MSP', 'Org2MSP', 'Org3MSP'], ['Org1MSP', 'Org1MSP'])).toBe(false);
    expect(majorityEndorsed(['Org1MSP', 'Org2MSP', 'Org3MSP'], ['Org1MSP', 'Org4MSP', 'Org2MSP'])).toBe(true);
  });
});
