import './testing/quiet';
import ChaincodeFromContract from 'fabric-shim/lib/contract-spi/chaincodefromcontract';
import { paymentCreditId, SHARD_HINT_KEY } from '@fabpay/model';
import { DispatchMode } from './dispatch-mode';
import { DIRECT_TRANSACTIONS } from './fast-dispatch';
import { Endorsement, TestFabric } from './testing/fabric';
import { cast, Cast } from './testing/fixtures';
import { identity, TestIdentity } from './testing/identities';

/*
 * The direct dispatch (fast-dispatch.ts) must be indistinguishable from
 * fabric-contract-api's: one script of transactions runs on a channel in
 * each mode, and every endorsement must match byte for byte (status,
 * message, payload, events, read set with versions, writes, range queries,
 * key-level policies) and commit alike.
 */

/** One step: who calls what; `commit` = submit it when it succeeds; `setup` steps are not compared. */
interface Step {
  who: keyof Cast | TestIdentity;
  fn: string;
  args: string[];
  transient?: Record<string, string>;
  skewMs?: number;
}

/** What is compared of an endorsement (Buffers as base64, Maps as entry lists). */
function observed(e: Endorsement, commit: string) {
  const b64 = (b: Buffer | null | undefined) => (b ? b.toString('base64') : b);
  return {
    fn: e.fn,
    args: e.args,
    status: e.status,
    message: e.message,
    payload: b64(e.payload),
    events: e.events.map((ev) => ({ name: ev.name, payload: b64(ev.payload) })),
    reads: [...e.rw.reads.entries()],
    writes: [...e.rw.writes.entries()].map(([k, v]) => [k, b64(v)]),
    ranges: e.rw.ranges,
    policies: [...e.rw.policies.entries()].map(([k, v]) => [k, b64(v)]),
    commit,
  };
}

const lines = (...l: { paymentId: string; to: string; amount: string; reference: string }[]) =>
  JSON.stringify(l);

/** The script: setup through the contract path, then the hot transactions' successes and refusals. */
async function script(c: Cast): Promise<{ setup: Step[]; steps: Step[] }> {
  const outsider = await identity({ mspId: 'Org3MSP', cn: 'outsider' });
  const notPem: TestIdentity = { ...c.alice, idBytes: Buffer.from('not a certificate') };
  const pay = (who: Step['who'], ...args: string[]): Step => ({ who, fn: 'pay', args });
  const setup: Step[] = [
    { who: 'alice', fn: 'openAccount', args: ['A', 'USD', ''] },
    { who: 'bob', fn: 'openAccount', args: ['B', 'USD', ''] },
    { who: 'merchant', fn: 'openAccount', args: ['M', 'USD', ''] },
    { who: 'alice', fn: 'openAccount', args: ['E', 'EUR', ''] },
    { who: 'carol', fn: 'openShardedAccount', args: ['S', 'USD', '', '4'] },
    { who: 'issuer', fn: 'issue', args: ['mint-A', 'A', '10000'] },
    { who: 'issuer', fn: 'issue', args: ['mint-S', 'S', '4000'] },
    { who: 'alice', fn: 'foldCredits', args: ['A', 'i:Org1MSP:mint-A'] },
    { who: 'carol', fn: 'foldCredits', args: ['S', 'i:Org1MSP:mint-S'] },
    { who: 'alice', fn: 'approve', args: ['A', c.bob.owner, '0', '100'] },
    { who: 'alice', fn: 'setLimits', args: ['A', '5000', '9000'] },
  ];
  const steps: Step[] = [
    // pay: success, prefixed name, replays
    pay('alice', 'p1', 'A', 'M', '10', 'USD', 'ref one'),
    { who: 'alice', fn: 'fabpay:pay', args: ['p2', 'A', 'M', '5', 'USD', ''] },
    pay('alice', 'p1', 'A', 'M', '10', 'USD', 'ref one'),
    pay('alice', 'p1', 'A', 'M', '11', 'USD', 'ref one'),
    pay('bob', 'p1', 'A', 'M', '10', 'USD', 'ref one'),
    // argument count
    pay('alice', 'p3', 'A', 'M', '10', 'USD'),
    pay('alice', 'p3', 'A', 'M', '10', 'USD', '', 'extra'),
    pay('alice'),
    // amounts
    ...['0', '1.5', '-5', '', '0x10', '1e3', '007', ' 5', '1'.repeat(26), '1000000000000000000000001'].map(
      (amount) => pay('alice', 'p4', 'A', 'M', amount, 'USD', ''),
    ),
    // other arguments
    pay('alice', 'bad id', 'A', 'M', '10', 'USD', ''),
    pay('alice', 'p4', '', 'M', '10', 'USD', ''),
    pay('alice', 'p4', 'A', 'M', '10', 'usd', ''),
    pay('alice', 'p4', 'A', 'M', '10', 'XXX', ''),
    pay('alice', 'p4', 'A', 'M', '10', 'USD', 'é'),
    pay('alice', 'p4', 'A', 'M', '10', 'USD', 'r'.repeat(141)),
    pay('alice', 'p4', 'A', 'M', '10', 'USD', '\u0000'),
    // rules
    pay('alice', 'p4', 'ZZ', 'M', '10', 'USD', ''),
    pay('alice', 'p4', 'A', 'ZZ', '10', 'USD', ''),
    pay('bob', 'p4', 'A', 'M', '10', 'USD', ''),
    pay('alice', 'p4', 'A', 'A', '10', 'USD', ''),
    pay('alice', 'p4', 'A', 'M', '10', 'EUR', ''),
    pay('alice', 'p4', 'E', 'M', '10', 'EUR', ''),
    pay('alice', 'p4', 'A', 'M', '5001', 'USD', ''),
    pay('bob', 'p4', 'B', 'M', '10', 'USD', ''),
    { ...pay('alice', 'p4', 'A', 'M', '10', 'USD', ''), skewMs: 3_600_000 },
    { ...pay('alice', 'p4', 'A', 'M', '10', 'USD', ''), skewMs: -3_600_000 },
    pay(outsider, 'p4', 'A', 'M', '10', 'USD', ''),
    pay(notPem, 'p4', 'A', 'M', '10', 'USD', ''),
    pay('alice', 'p4', 'A', 'M', '10', 'USD', ''),
    // a sharded payer, with and without a shard hint
    pay('carol', 's1', 'S', 'M', '100', 'USD', ''),
    { ...pay('carol', 's2', 'S', 'M', '100', 'USD', ''), transient: { [SHARD_HINT_KEY]: '2' } },
    { ...pay('carol', 's3', 'S', 'M', '100', 'USD', ''), transient: { [SHARD_HINT_KEY]: 'x' } },
    pay('carol', 's4', 'S', 'M', '3500', 'USD', ''),
    // payFrom
    { who: 'bob', fn: 'payFrom', args: ['f1', 'A', 'M', '30', 'USD', 'allowance'] },
    { who: 'bob', fn: 'payFrom', args: ['f2', 'A', 'M', '1000', 'USD', ''] },
    { who: 'carol', fn: 'payFrom', args: ['f3', 'A', 'M', '1', 'USD', ''] },
    { who: 'bob', fn: 'payFrom', args: ['f4', 'A', 'M', '0', 'USD', ''] },
    { who: 'bob', fn: 'payFrom', args: ['f5', 'A', 'M', '1', 'USD'] },
    // payWithCredits
    {
      who: 'merchant',
      fn: 'payWithCredits',
      args: ['w1', 'M', 'B', '12', 'USD', '', `${paymentCreditId('A', 'p1')},${paymentCreditId('A', 'p2')}`],
    },
    {
      who: 'merchant',
      fn: 'payWithCredits',
      args: ['w2', 'M', 'B', '1', 'USD', '', paymentCreditId('A', 'p1')],
    },
    { who: 'merchant', fn: 'payWithCredits', args: ['w3', 'M', 'B', '1', 'USD', '', 'x,x'] },
    { who: 'merchant', fn: 'payWithCredits', args: ['w4', 'M', 'B', '1', 'USD', '', 'not a credit'] },
    { who: 'merchant', fn: 'payWithCredits', args: ['w5', 'M', 'B', '1', 'USD', ''] },
    { who: 'merchant', fn: 'payWithCredits', args: ['w6', 'M', 'B', '1', 'USD', '', ''] },
    // payBatch
    {
      who: 'alice',
      fn: 'payBatch',
      args: [
        'b1',
        'A',
        'USD',
        lines(
          { paymentId: 'l1', to: 'M', amount: '3', reference: '' },
          { paymentId: 'l2', to: 'B', amount: '4', reference: 'x' },
        ),
      ],
    },
    {
      who: 'alice',
      fn: 'payBatch',
      args: ['b1', 'A', 'USD', lines({ paymentId: 'l1', to: 'M', amount: '3', reference: '' })],
    },
    { who: 'alice', fn: 'payBatch', args: ['b2', 'A', 'USD', '[{"paymentId":"l3"}]'] },
    { who: 'alice', fn: 'payBatch', args: ['b2', 'A', 'USD', '{}'] },
    {
      who: 'alice',
      fn: 'payBatch',
      args: ['b2', 'A', 'USD', lines({ paymentId: 'l3', to: 'ZZ', amount: '3', reference: '' })],
    },
    {
      who: 'alice',
      fn: 'payBatch',
      args: ['b2', 'A', 'USD', lines({ paymentId: 'l3', to: 'M', amount: '9999', reference: '' })],
    },
    {
      who: 'bob',
      fn: 'payBatch',
      args: ['b2', 'A', 'USD', lines({ paymentId: 'l3', to: 'M', amount: '1', reference: '' })],
    },
    { who: 'alice', fn: 'payBatch', args: ['b2', 'A', 'USD'] },
    // queries
    { who: 'alice', fn: 'getPayment', args: ['A', 'p1'] },
    { who: 'merchant', fn: 'getPayment', args: ['A', 'nope'] },
    { who: 'alice', fn: 'getPayment', args: ['A'] },
    { who: 'alice', fn: 'getPayment', args: ['A', 'bad id'] },
    { who: 'merchant', fn: 'getBalance', args: ['M'] },
    { who: 'merchant', fn: 'getBalance', args: ['ZZ'] },
    { who: 'alice', fn: 'getAccount', args: ['A'] },
    { who: outsider, fn: 'getAccount', args: ['A'] },
    { who: notPem, fn: 'getBalance', args: ['A'] },
    // names that stay on fabric-contract-api
    { who: 'alice', fn: 'other:pay', args: [] },
    { who: 'alice', fn: 'getBalanceX', args: ['A'] },
    { who: 'alice', fn: 'getSupply', args: ['USD'] },
  ];
  return { setup, steps };
}

/** Runs the script on a fresh channel in `mode`; returns what each step observed and the direct routes taken. */
async function run(mode: DispatchMode, c: Cast) {
  const { setup, steps } = await script(c);
  const spy = jest.spyOn(ChaincodeFromContract.prototype, 'invokeFunctionality');
  try {
    const f = new TestFabric({ dispatch: mode });
    expect(f.chaincode.dispatch).toBe(mode);
    const act = async (s: Step) => {
      const who = typeof s.who === 'string' ? c[s.who] : s.who;
      f.skewMs = s.skewMs ?? 0;
      const e = await f.endorse(who, s.fn, s.args, s.transient);
      f.skewMs = 0;
      return observed(e, f.commit(e).commit);
    };
    for (const s of setup) {
      expect((await act(s)).status).toBe(200);
    }
    spy.mockClear();
    const out = [];
    for (const s of steps) {
      out.push(await act(s));
    }
    const viaContract = spy.mock.calls.map(([stub]) =>
      (stub as { getBufferArgs(): Buffer[] }).getBufferArgs()[0]?.toString('utf8'),
    );
    return { out, viaContract };
  } finally {
    spy.mockRestore();
  }
}

describe('direct dispatch equals fabric-contract-api dispatch', () => {
  test('every endorsement of the script is byte-identical in both modes, and only the hot transactions take the direct path', async () => {
    const c = await cast();
    const contract = await run('contract', c);
    const direct = await run('direct', c);

    expect(direct.out).toEqual(contract.out);

    // The script exercises what it claims: successes, replays and a refusal per rule.
    const codes = new Set(contract.out.map((o) => (o.status === 200 ? 'OK' : o.message.split(':')[0])));
    for (const code of [
      'OK',
      'INVALID_ARGUMENT',
      'INVALID_AMOUNT',
      'ACCOUNT_NOT_FOUND',
      'FORBIDDEN',
      'INSUFFICIENT_FUNDS',
      'INSUFFICIENT_ALLOWANCE',
      'DUPLICATE_PAYMENT',
      'CLOCK_SKEW',
      'CURRENCY_MISMATCH',
      'SAME_ACCOUNT',
      'LIMIT_EXCEEDED',
      'CREDIT_NOT_FOUND',
      'PAYMENT_NOT_FOUND',
      'UNKNOWN_TRANSACTION',
      'INTERNAL',
    ]) {
      expect(codes).toContain(code);
    }
    expect(contract.out.filter((o) => o.status === 200 && o.events.length === 1).length).toBeGreaterThan(8);
    expect(contract.out.find((o) => o.args[0] === 'p4' && o.status === 200)?.commit).toBe('VALID');
    expect(contract.out.map((o) => o.message)).toContain('INVALID_ARGUMENT: expected 6 arguments, got 5');

    // Routing: the contract mode runs everything through fabric-contract-api; the direct mode
    // only what is not a direct transaction.
    const bare = (fn: string) => fn.slice(fn.indexOf(':') + 1);
    expect(contract.viaContract.length).toBe(contract.out.length);
    expect(direct.viaContract).toEqual(['other:pay', 'getBalanceX', 'getSupply']);
    expect(
      direct.out.every((o) => direct.viaContract.includes(o.fn) || DIRECT_TRANSACTIONS.includes(bare(o.fn))),
    ).toBe(true);
  });
});
