import '../testing/quiet';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PaymentsContract } from './payments-contract';
import { SUBMIT_TRANSACTIONS } from './decorators';
import { KEY } from '../keys';
import { Endorsement, TestFabric } from '../testing/fabric';
import { funded } from '../testing/fixtures';

// fabric-shim's bootstrap validates a supplied META-INF/metadata.json with
// this function against fabric-contract-api's contract-schema.json.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Bootstrap = require('fabric-shim/lib/contract-spi/bootstrap') as {
  loadAndValidateMetadata(path: string): unknown;
};

const EXPECTED_SUBMIT = [
  'approve',
  'approveGovernance',
  'authorizeHold',
  'captureHold',
  'closeAccount',
  'expireHold',
  'foldCredits',
  'freezeAccount',
  'initGovernance',
  'issue',
  'openAccount',
  'openShardedAccount',
  'pay',
  'payBatch',
  'payFrom',
  'payWithCredits',
  'proposeGovernance',
  'rebalanceShards',
  'redeem',
  'refund',
  'releaseHold',
  'setComplianceLimits',
  'setLimits',
  'unfreezeAccount',
];
/** The one key the admission checks of a submit transaction read (members, clock skew bound). */
const GOVERNANCE_KEY = `\u0000${KEY.governance}\u0000`;

/** State the transaction read beyond the admission's governance read. */
const readsBeyondAdmission = (e: Endorsement) => [...e.rw.reads.keys()].filter((k) => k !== GOVERNANCE_KEY);

const EXPECTED_EVALUATE = [
  'conservationReport',
  'getAccount',
  'getAllowance',
  'getBalance',
  'getBatch',
  'getGovernance',
  'getGovernanceProposal',
  'getHold',
  'getLimits',
  'getOperation',
  'getPayment',
  'getPaymentHistory',
  'getRefund',
  'getShards',
  'getSupply',
  'listAccountsByOwner',
  'listCurrencies',
  'listGovernanceProposals',
  'listPendingCredits',
  'whoami',
];

describe('contract metadata', () => {
  const f = new TestFabric();
  const contract = f.chaincode.metadata.contracts.fabpay;
  if (!contract) {
    throw new Error('fabpay contract missing from metadata');
  }
  const txs = contract.transactions;

  test('lists every transaction with the right submit/evaluate tag', () => {
    const tagged = (tag: string) =>
      txs
        .filter((t) => t.tag?.includes(tag))
        .map((t) => t.name)
        .sort();
    expect(tagged('SUBMIT')).toEqual(EXPECTED_SUBMIT);
    expect(tagged('EVALUATE')).toEqual(EXPECTED_EVALUATE);
  });

  test('the admission checks (members only, trusted time) cover exactly the submit transactions', () => {
    expect([...SUBMIT_TRANSACTIONS].sort()).toEqual(EXPECTED_SUBMIT);
  });

  test.each(EXPECTED_SUBMIT.concat(EXPECTED_EVALUATE))(
    '%s: described parameters matching the method, bounded string schemas, an object return schema',
    (name) => {
      const tx = txs.find((t) => t.name === name) as unknown as {
        description: string;
        parameters: {
          name: string;
          description: string;
          schema: { type: string; maxLength: number; pattern?: string };
        }[];
        returns: { type: string; properties: object };
      };
      expect(tx.description.length).toBeGreaterThan(5);
      const method = (PaymentsContract.prototype as unknown as Record<string, (...a: unknown[]) => unknown>)[
        name
      ];
      expect(typeof method).toBe('function');
      expect(tx.parameters.length).toBe((method as (...a: unknown[]) => unknown).length - 1);
      // Names in the metadata are the method's own parameter names, in order (after ctx).
      const signature = /^\s*async\s+\w+\s*\(([^)]*)\)/.exec(String(method))?.[1] ?? '';
      const declared = signature
        .split(',')
        .map((p) => p.trim())
        .filter((p) => p !== '')
        .slice(1);
      expect(tx.parameters.map((p) => p.name)).toEqual(declared);
      for (const p of tx.parameters) {
        expect(p.description.length).toBeGreaterThan(0);
        expect(p.schema.type).toBe('string');
        expect(p.schema.maxLength).toBeGreaterThan(0);
      }
      expect(tx.returns.type).toBe('object');
      expect(Object.keys(tx.returns.properties).length).toBeGreaterThan(0);
    },
  );

  test('GetMetadata returns it and it validates against the contract schema', async () => {
    const { c } = await funded();
    const md = await f.query<{ contracts: Record<string, unknown> }>(
      c.alice,
      'org.hyperledger.fabric:GetMetadata',
    );
    expect(Object.keys(md.contracts)).toContain('fabpay');
    const dir = mkdtempSync(join(tmpdir(), 'fabpay-md-'));
    try {
      const file = join(dir, 'metadata.json');
      writeFileSync(file, JSON.stringify(md));
      expect(() => Bootstrap.loadAndValidateMetadata(file)).not.toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('malformed input is rejected before transaction code runs', () => {
  test.each([
    '',
    '-5',
    '0',
    '1.5',
    '0x10',
    '1e3',
    '007',
    ' 5',
    '1000000000000000000000001',
    '[5]',
    '{"a":1}',
    'null',
  ])('amount %p → INVALID_AMOUNT, no account state read', async (amount) => {
    const { f, c } = await funded();
    const e = await f.endorse(c.alice, 'pay', ['p1', 'A', 'M', amount, 'USD', '']);
    expect(e.ok).toBe(false);
    expect(e.message).toMatch(/^INVALID_AMOUNT: /);
    // Schema failures read nothing at all; an amount that fits the schema but
    // exceeds MAX_AMOUNT passes admission (which reads governance) first.
    expect(readsBeyondAdmission(e)).toEqual([]);
    if (amount.length <= 25 && /^[1-9][0-9]*$/.test(amount)) {
      expect([...e.rw.reads.keys()]).toEqual([GOVERNANCE_KEY]);
    } else {
      expect(e.rw.reads.size).toBe(0);
    }
  });

  test.each([
    ['pay', ['p 1', 'A', 'M', '1', 'USD', '']],
    ['pay', ['p1', 'A', 'M', '1', 'usd', '']],
    ['pay', ['p1', 'A', 'M', '1', 'USD', 'x'.repeat(141)]],
    ['pay', ['p1', 'A', 'M', '1', 'USD', 'tab\there']],
    ['openAccount', ['-A', 'USD', '']],
    ['openShardedAccount', ['A2', 'USD', '', '0']],
    ['openShardedAccount', ['A2', 'USD', '', '100']],
    ['authorizeHold', ['h1', 'A', 'M', '1', 'USD', 'tomorrow']],
    ['listAccountsByOwner', ['', '0', '']],
    ['listAccountsByOwner', ['', '101x', '']],
    ['foldCredits', ['M', 'x.1']],
    ['foldCredits', ['M', 'p.p1']],
    ['captureHold', ['A', 'h 1', '1']],
    ['getPayment', ['A', '']],
    ['getOperation', ['1MSP', 'USD', 'op1']],
    ['initGovernance', ['[1]']],
    ['proposeGovernance', ['g 1', '{}']],
    ['approveGovernance', ['Org1MSP:x', 'g1']],
    ['getGovernanceProposal', ['Org1MSP', 'g/1']],
  ])('%s %j → INVALID_ARGUMENT, no state read', async (fn, args) => {
    const { f, c } = await funded();
    const e = await f.endorse(c.alice, fn, args);
    expect(e.message).toMatch(/^INVALID_ARGUMENT: /);
    expect(e.rw.reads.size).toBe(0);
  });

  test('approve: a malformed expected allowance is INVALID_AMOUNT before any state read', async () => {
    const { f, c } = await funded();
    const e = await f.endorse(c.alice, 'approve', ['A', c.bob.owner, '-1', '5']);
    expect(e.message).toMatch(/^INVALID_AMOUNT: /);
    expect(e.rw.reads.size).toBe(0);
  });

  test('a wrong parameter count is rejected by fabric-contract-api, with a stable code', async () => {
    const { f, c } = await funded();
    expect(await f.reject(c.alice, 'pay', 'p1', 'A', 'M', '1', 'USD')).toBe(
      'INVALID_ARGUMENT: expected 6 arguments, got 5',
    );
    expect(await f.reject(c.alice, 'approve', 'A', c.bob.owner, '5')).toBe(
      'INVALID_ARGUMENT: expected 4 arguments, got 3',
    );
    expect(await f.reject(c.alice, 'getBalance')).toBe('INVALID_ARGUMENT: expected 1 arguments, got 0');
  });
});
