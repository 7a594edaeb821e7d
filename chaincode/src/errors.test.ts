import { ERROR_CODES, ErrorCode } from './errors';
import { funded } from './testing/fixtures';
import { TestFabric } from './testing/fabric';
import { Cast } from './testing/fixtures';

type Scenario = (f: TestFabric, c: Cast) => Promise<string>;

const LATER = '2026-03-01T11:00:00.000Z';

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
    await f.ok(c.compliance, 'freezeAccount', 'M', 'aml review');
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
    await f.ok(c.alice, 'approve', 'A', c.bob.owner, '5');
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
    await f.ok(c.bob, 'refund', 'r1', 'x1', '10', '');
    return f.reject(c.bob, 'refund', 'r1', 'x1', '20', '');
  },
  PAYMENT_NOT_FOUND: (f, c) => f.reject(c.bob, 'refund', 'r1', 'nope', '10', ''),
  HOLD_NOT_FOUND: (f, c) => f.reject(c.merchant, 'captureHold', 'nope', '1'),
  HOLD_NOT_ACTIVE: async (f, c) => {
    await f.ok(c.alice, 'authorizeHold', 'h1', 'A', 'M', '100', 'USD', LATER);
    await f.ok(c.alice, 'releaseHold', 'h1');
    return f.reject(c.merchant, 'captureHold', 'h1', '100');
  },
  HOLD_EXPIRED: async (f, c) => {
    await f.ok(c.alice, 'authorizeHold', 'h1', 'A', 'M', '100', 'USD', LATER);
    f.advance(3600_000);
    return f.reject(c.merchant, 'captureHold', 'h1', '100');
  },
  HOLD_NOT_EXPIRED: async (f, c) => {
    await f.ok(c.alice, 'authorizeHold', 'h1', 'A', 'M', '100', 'USD', LATER);
    return f.reject(c.carol, 'expireHold', 'h1');
  },
  REFUND_NOT_FOUND: (f, c) => f.reject(c.alice, 'getRefund', 'nope'),
  REFUND_EXCEEDS_PAYMENT: async (f, c) => {
    await f.ok(c.alice, 'pay', 'x1', 'A', 'B', '100', 'USD', '');
    return f.reject(c.bob, 'refund', 'r1', 'x1', '101', '');
  },
  CREDIT_NOT_FOUND: (f, c) => f.reject(c.alice, 'foldCredits', 'M', 'p.never'),
  UNKNOWN_TRANSACTION: (f, c) => f.reject(c.alice, 'noSuchTransaction'),
};

describe('error codes', () => {
  test('the scenario table covers exactly the documented list', () => {
    expect(Object.keys(scenarios).sort()).toEqual([...ERROR_CODES].sort());
  });

  test.each([...ERROR_CODES])('%s is produced with its code as message prefix', async (code) => {
    const { f, c } = await funded();
    const message = await scenarios[code](f, c);
    expect(message.startsWith(`${code}: `)).toBe(true);
  });
});
