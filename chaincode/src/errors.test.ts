import './testing/quiet';
import { canonicalJson } from './canonical';
import { termsDigest } from './domain/governance';
import { ERROR_CODES, ErrorCode } from '@fabpay/model';
import { MAX_MESSAGE_LENGTH } from './guard';
import { KEY } from './keys';
import { defaultTerms, TestFabric } from './testing/fabric';
import { Cast, funded } from './testing/fixtures';
import { identity } from './testing/identities';

type Scenario = (f: TestFabric, c: Cast) => Promise<string>;

/** One payBatch line. */
const line = (paymentId: string, to: string, amount: string) => ({ paymentId, to, amount, reference: '' });

const LATER = '2026-03-01T11:00:00.000Z';
const GENESIS = canonicalJson(defaultTerms());
/** Complete terms that differ from the genesis (a shorter maximum hold). */
const CHANGED = canonicalJson({ ...defaultTerms(), maxHoldSeconds: 3600 });

const compliance2 = () =>
  identity({ mspId: 'Org2MSP', cn: 'compliance2', attrs: { 'payments.role': 'compliance' } });

/** A channel where no governance has been written yet. */
function bare(genesisSha256?: string): TestFabric {
  const f = new TestFabric({ governance: null });
  f.genesisSha256 = genesisSha256;
  return f;
}

/**
 * One scenario per code: proves every documented rejection code is reachable
 * through the real dispatch path and that the message starts with it.
 */
const scenarios: Record<ErrorCode, Scenario> = {
  INVALID_ARGUMENT: (f, c) => f.reject(c.alice, 'getAccount', 'bad id!'),
  INVALID_AMOUNT: (f, c) => f.reject(c.alice, 'pay', 'x1', 'A', 'M', '007', 'USD', ''),
  UNSUPPORTED_CURRENCY: (f, c) => f.reject(c.alice, 'openAccount', 'Z', 'XXX', ''),
  CURRENCY_MISMATCH: (f, c) => f.reject(c.alice, 'pay', 'x1', 'A', 'M', '1', 'EUR', ''),
  ACCOUNT_EXISTS: (f, c) => f.reject(c.alice, 'openAccount', 'A', 'USD', ''),
  ACCOUNT_NOT_FOUND: (f, c) => f.reject(c.alice, 'pay', 'x1', 'A', 'NOPE', '1', 'USD', ''),
  ACCOUNT_FROZEN: async (f, c) => {
    // M belongs to Org2MSP: only Org2's compliance may freeze it.
    await f.ok(await compliance2(), 'freezeAccount', 'M', 'aml review');
    return f.reject(c.alice, 'pay', 'x1', 'A', 'M', '1', 'USD', '');
  },
  ACCOUNT_CLOSED: async (f, c) => {
    await f.ok(c.merchant, 'closeAccount', 'M');
    return f.reject(c.alice, 'pay', 'x1', 'A', 'M', '1', 'USD', '');
  },
  BALANCE_NOT_ZERO: (f, c) => f.reject(c.alice, 'closeAccount', 'A'),
  SAME_ACCOUNT: (f, c) => f.reject(c.alice, 'pay', 'x1', 'A', 'A', '1', 'USD', ''),
  FORBIDDEN: (f, c) => f.reject(c.bob, 'pay', 'x1', 'A', 'M', '1', 'USD', ''),
  INSUFFICIENT_FUNDS: (f, c) => f.reject(c.alice, 'pay', 'x1', 'A', 'M', '10001', 'USD', ''),
  INSUFFICIENT_ALLOWANCE: async (f, c) => {
    await f.ok(c.alice, 'approve', 'A', c.bob.owner, '0', '5');
    return f.reject(c.bob, 'payFrom', 'x1', 'A', 'M', '6', 'USD', '');
  },
  LIMIT_EXCEEDED: async (f, c) => {
    await f.ok(c.alice, 'setLimits', 'A', '100', '');
    return f.reject(c.alice, 'pay', 'x1', 'A', 'M', '101', 'USD', '');
  },
  DAILY_LIMIT_EXCEEDED: async (f, c) => {
    await f.ok(c.alice, 'setLimits', 'A', '', '150');
    await f.ok(c.alice, 'pay', 'x1', 'A', 'M', '100', 'USD', '');
    return f.reject(c.alice, 'pay', 'x2', 'A', 'M', '51', 'USD', '');
  },
  DUPLICATE_PAYMENT: async (f, c) => {
    await f.ok(c.alice, 'pay', 'x1', 'A', 'M', '100', 'USD', '');
    return f.reject(c.alice, 'pay', 'x1', 'A', 'M', '101', 'USD', '');
  },
  DUPLICATE_OPERATION: (f, c) => f.reject(c.issuer, 'issue', 'mint-A', 'A', '1'),
  DUPLICATE_HOLD: async (f, c) => {
    await f.ok(c.alice, 'authorizeHold', 'h1', 'A', 'M', '100', 'USD', LATER);
    return f.reject(c.alice, 'authorizeHold', 'h1', 'A', 'M', '200', 'USD', LATER);
  },
  DUPLICATE_REFUND: async (f, c) => {
    await f.ok(c.alice, 'pay', 'x1', 'A', 'B', '100', 'USD', '');
    await f.ok(c.bob, 'refund', 'A', 'x1', 'r1', '10', '');
    return f.reject(c.bob, 'refund', 'A', 'x1', 'r1', '20', '');
  },
  PAYMENT_NOT_FOUND: (f, c) => f.reject(c.bob, 'refund', 'A', 'nope', 'r1', '10', ''),
  HOLD_NOT_FOUND: (f, c) => f.reject(c.merchant, 'captureHold', 'A', 'nope', '1'),
  HOLD_NOT_ACTIVE: async (f, c) => {
    await f.ok(c.alice, 'authorizeHold', 'h1', 'A', 'M', '100', 'USD', LATER);
    await f.ok(c.merchant, 'releaseHold', 'A', 'h1');
    return f.reject(c.merchant, 'captureHold', 'A', 'h1', '100');
  },
  HOLD_EXPIRED: async (f, c) => {
    await f.ok(c.alice, 'authorizeHold', 'h1', 'A', 'M', '100', 'USD', LATER);
    f.advance(3600_000);
    return f.reject(c.merchant, 'captureHold', 'A', 'h1', '100');
  },
  HOLD_NOT_EXPIRED: async (f, c) => {
    await f.ok(c.alice, 'authorizeHold', 'h1', 'A', 'M', '100', 'USD', LATER);
    return f.reject(c.carol, 'expireHold', 'A', 'h1');
  },
  REFUND_NOT_FOUND: (f, c) => f.reject(c.alice, 'getRefund', 'A', 'nope', 'nope'),
  REFUND_EXCEEDS_PAYMENT: async (f, c) => {
    await f.ok(c.alice, 'pay', 'x1', 'A', 'B', '100', 'USD', '');
    return f.reject(c.bob, 'refund', 'A', 'x1', 'r1', '101', '');
  },
  CREDIT_NOT_FOUND: (f, c) => f.reject(c.merchant, 'foldCredits', 'M', 'p:A:never'),
  UNKNOWN_TRANSACTION: (f, c) => f.reject(c.alice, 'noSuchTransaction'),
  CLOCK_SKEW: (f, c) => {
    // The client's proposal timestamp is 61 s ahead of the endorser's clock (60 s allowed).
    f.skewMs = 61_000;
    return f.reject(c.alice, 'pay', 'x1', 'A', 'M', '1', 'USD', '');
  },
  ALLOWANCE_MISMATCH: (f, c) => f.reject(c.alice, 'approve', 'A', c.bob.owner, '1', '5'),
  OPERATION_NOT_FOUND: (f, c) => f.reject(c.alice, 'getOperation', 'Org1MSP', 'USD', 'nope'),
  GOVERNANCE_NOT_SET: (_f, c) =>
    bare(termsDigest(defaultTerms())).reject(c.alice, 'openAccount', 'A', 'USD', ''),
  GOVERNANCE_EXISTS: (f, c) => f.reject(c.admin, 'initGovernance', CHANGED),
  GENESIS_MISMATCH: (_f, c) =>
    bare(termsDigest(JSON.parse(CHANGED))).reject(c.admin, 'initGovernance', GENESIS),
  DUPLICATE_PROPOSAL: async (f, c) => {
    await f.ok(c.admin, 'proposeGovernance', 'g1', CHANGED);
    return f.reject(c.admin, 'proposeGovernance', 'g1', CHANGED);
  },
  PROPOSAL_NOT_FOUND: (f, c) => f.reject(c.admin2, 'approveGovernance', 'Org1MSP', 'nope'),
  PROPOSAL_NOT_OPEN: async (f, c) => {
    await f.ok(c.admin, 'proposeGovernance', 'g1', CHANGED);
    await f.ok(c.admin2, 'approveGovernance', 'Org1MSP', 'g1');
    return f.reject(c.admin2, 'approveGovernance', 'Org1MSP', 'g1');
  },
  PROPOSAL_STALE: async (f, c) => {
    await f.ok(c.admin, 'proposeGovernance', 'g1', CHANGED);
    await f.ok(
      c.admin,
      'proposeGovernance',
      'g2',
      canonicalJson({ ...defaultTerms(), maxClockSkewSeconds: 30 }),
    );
    await f.ok(c.admin2, 'approveGovernance', 'Org1MSP', 'g2');
    return f.reject(c.admin2, 'approveGovernance', 'Org1MSP', 'g1');
  },
  /**
   * INTERNAL is the guard's answer to an error that carries no code: a bug
   * or a shim failure, never a rule. No valid request under sane governance
   * provokes one, so this scenario feeds the real dispatch state the
   * chaincode itself never writes (a negative stored balance, as a corrupt
   * or hand-edited ledger would hold) and checks the refusal is coded and
   * echoes only a bounded, escaped excerpt.
   */
  ORG_NOT_MEMBER: async (f, c) => {
    // Org2 leaves the governance (both members agree); M, Org2's account, takes no more money.
    const admin1 = await identity({ mspId: 'Org1MSP', cn: 'admin1', ou: 'admin' });
    const admin2 = await identity({ mspId: 'Org2MSP', cn: 'admin2', ou: 'admin' });
    await f.ok(admin1, 'proposeGovernance', 'drop2', canonicalJson(defaultTerms(['Org1MSP'])));
    await f.ok(admin2, 'approveGovernance', 'Org1MSP', 'drop2');
    return f.reject(c.alice, 'pay', 'x1', 'A', 'M', '1', 'USD', '');
  },
  DUPLICATE_BATCH: async (f, c) => {
    await f.ok(c.alice, 'payBatch', 'b1', 'A', 'USD', JSON.stringify([line('x1', 'M', '1')]));
    return f.reject(c.alice, 'payBatch', 'b1', 'A', 'USD', JSON.stringify([line('x1', 'M', '2')]));
  },
  BATCH_NOT_FOUND: (f, c) => f.reject(c.alice, 'getBatch', 'A', 'nope'),
  INTERNAL: async (f, c) => {
    const key = `\u0000${KEY.balance}\u0000A\u0000`;
    const corrupt = Buffer.from('{"available":"-1","held":"0"}');
    const rw = { reads: new Map(), writes: new Map([[key, corrupt]]), ranges: [], policies: new Map() };
    expect(f.ledger.commit(rw, 'corrupt', f.now)).toBe('VALID');
    const message = await f.reject(c.alice, 'pay', 'x1', 'A', 'M', '1', 'USD', '');
    expect(message).toBe('INTERNAL: "corrupt stored amount \\"-1\\""');
    return message;
  },
};

describe('error codes', () => {
  test('the scenario table covers exactly the documented list', () => {
    expect(Object.keys(scenarios).sort()).toEqual([...ERROR_CODES].sort());
  });

  test.each([...ERROR_CODES])('%s is produced with its code as message prefix', async (code) => {
    const { f, c } = await funded();
    const message = await scenarios[code](f, c);
    expect(message.startsWith(`${code}: `)).toBe(true);
    expect(message.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
  });

  test('refusals stay bounded however long the input they describe', async () => {
    const { f, c } = await funded();
    const long = await f.reject(c.alice, 'x'.repeat(5000));
    expect(long).toMatch(/^UNKNOWN_TRANSACTION: .*\(5000 bytes\)$/);
    expect(long.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
    const contract = await f.reject(c.alice, 'nosuch:pay', 'x1');
    expect(contract).toMatch(/^UNKNOWN_TRANSACTION: no contract /);
  });
});
