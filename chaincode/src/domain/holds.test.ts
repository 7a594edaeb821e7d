import '../testing/quiet';
import { Hold } from '@fabpay/model';
import { funded } from '../testing/fixtures';
import { identity } from '../testing/identities';

const compliance2 = () =>
  identity({ mspId: 'Org2MSP', cn: 'compliance2', attrs: { 'payments.role': 'compliance' } });

const EXP = '2026-03-01T11:00:00.000Z';

describe('holds', () => {
  test('authorize reserves funds that cannot be spent elsewhere', async () => {
    const { f, c } = await funded();
    const h = await f.ok<Hold>(c.alice, 'authorizeHold', 'h1', 'A', 'M', '9000', 'USD', EXP);
    expect(h).toMatchObject({
      holdId: 'h1',
      status: 'authorized',
      amount: '9000',
      expiresAt: EXP,
      captured: '0',
      closedAt: '',
      from: 'A',
      to: 'M',
      initiator: c.alice.owner,
      limitDay: '',
    });
    expect(await f.query(c.alice, 'getBalance', 'A')).toMatchObject({ available: '1000', held: '9000' });
    expect(await f.reject(c.alice, 'pay', 'p1', 'A', 'B', '1001', 'USD', '')).toMatch(
      /^INSUFFICIENT_FUNDS: /,
    );
    expect(await f.reject(c.alice, 'authorizeHold', 'h2', 'A', 'M', '1001', 'USD', EXP)).toMatch(
      /^INSUFFICIENT_FUNDS: /,
    );
    expect(await f.reject(c.issuer, 'redeem', 'op', 'A', '1001')).toMatch(/^INSUFFICIENT_FUNDS: /);
    expect(await f.query(c.merchant, 'getHold', 'A', 'h1')).toEqual(h);
    expect(await f.reject(c.merchant, 'getHold', 'B', 'h1')).toMatch(/^HOLD_NOT_FOUND: /);
  });

  test('authorize rules: owner only, future expiry, idempotent replay, distinct accounts', async () => {
    const { f, c } = await funded();
    expect(await f.reject(c.bob, 'authorizeHold', 'h1', 'A', 'M', '1', 'USD', EXP)).toMatch(/^FORBIDDEN: /);
    expect(
      await f.reject(c.alice, 'authorizeHold', 'h1', 'A', 'M', '1', 'USD', '2026-03-01T10:00:00Z'),
    ).toMatch(/^INVALID_ARGUMENT: .*after/);
    expect(
      await f.reject(c.alice, 'authorizeHold', 'h1', 'A', 'M', '1', 'USD', '2026-02-30T10:00:00Z'),
    ).toMatch(/^INVALID_ARGUMENT: /);
    expect(await f.reject(c.alice, 'authorizeHold', 'h1', 'A', 'A', '1', 'USD', EXP)).toMatch(
      /^SAME_ACCOUNT: /,
    );
    const first = await f.ok(c.alice, 'authorizeHold', 'h1', 'A', 'M', '1', 'USD', EXP);
    const again = await f.submit(c.alice, 'authorizeHold', 'h1', 'A', 'M', '1', 'USD', EXP);
    expect(JSON.parse(again.payload.toString())).toEqual(first);
    expect(again.rw.writes.size).toBe(0);
    expect(await f.reject(c.alice, 'authorizeHold', 'h1', 'A', 'M', '2', 'USD', EXP)).toMatch(
      /^DUPLICATE_HOLD: /,
    );
    expect(await f.reject(c.bob, 'authorizeHold', 'h1', 'A', 'M', '1', 'USD', EXP)).toMatch(/^FORBIDDEN: /);
  });

  test('full capture pays the payee', async () => {
    const { f, c } = await funded();
    await f.ok(c.alice, 'authorizeHold', 'h1', 'A', 'M', '500', 'USD', EXP);
    expect(await f.reject(c.alice, 'captureHold', 'A', 'h1', '500')).toMatch(/^FORBIDDEN: /);
    const h = await f.ok<Hold>(c.merchant, 'captureHold', 'A', 'h1', '500');
    expect(h).toMatchObject({ status: 'captured', captured: '500', closedAt: '2026-03-01T10:00:00.000Z' });
    expect(await f.query(c.alice, 'getBalance', 'A')).toMatchObject({ available: '9500', held: '0' });
    expect(await f.query(c.merchant, 'getBalance', 'M')).toMatchObject({ available: '500', pending: '500' });
    expect(await f.reject(c.merchant, 'captureHold', 'A', 'h1', '1')).toMatch(/^HOLD_NOT_ACTIVE: /);
  });

  test('partial capture releases the rest; capturing more than held is refused', async () => {
    const { f, c } = await funded();
    await f.ok(c.alice, 'authorizeHold', 'h1', 'A', 'M', '500', 'USD', EXP);
    expect(await f.reject(c.merchant, 'captureHold', 'A', 'h1', '501')).toMatch(/^INVALID_AMOUNT: /);
    await f.ok(c.merchant, 'captureHold', 'A', 'h1', '120');
    expect(await f.query(c.alice, 'getBalance', 'A')).toMatchObject({ available: '9880', held: '0' });
    expect(await f.query(c.merchant, 'getBalance', 'M')).toMatchObject({ available: '120' });
  });

  test("release: only the payee's owner, and it returns everything; the payer's way out is expiry", async () => {
    const { f, c } = await funded();
    await f.ok(c.alice, 'authorizeHold', 'h1', 'A', 'M', '500', 'USD', EXP);
    await f.ok(c.alice, 'authorizeHold', 'h2', 'A', 'M', '300', 'USD', EXP);
    expect(await f.reject(c.bob, 'releaseHold', 'A', 'h1')).toMatch(/^FORBIDDEN: /);
    expect(await f.reject(c.alice, 'releaseHold', 'A', 'h1')).toMatch(/^FORBIDDEN: .*payer waits for expiry/);
    expect(await f.reject(c.admin2, 'releaseHold', 'A', 'h1')).toMatch(/^FORBIDDEN: /);
    expect(await f.ok(c.merchant, 'releaseHold', 'A', 'h1')).toMatchObject({ status: 'released' });
    expect(await f.ok(c.merchant, 'releaseHold', 'A', 'h2')).toMatchObject({ status: 'released' });
    expect(await f.query(c.alice, 'getBalance', 'A')).toMatchObject({ available: '10000', held: '0' });
    expect(await f.reject(c.merchant, 'releaseHold', 'A', 'h1')).toMatch(/^HOLD_NOT_ACTIVE: /);
    expect(await f.reject(c.merchant, 'releaseHold', 'A', 'nope')).toMatch(/^HOLD_NOT_FOUND: /);
  });

  test('expiry: anyone, only at or after expiresAt; capture after expiry is refused', async () => {
    const { f, c } = await funded();
    await f.ok(c.alice, 'authorizeHold', 'h1', 'A', 'M', '500', 'USD', EXP);
    f.advance(3600_000 - 1);
    expect(await f.reject(c.carol, 'expireHold', 'A', 'h1')).toMatch(/^HOLD_NOT_EXPIRED: /);
    f.advance(1);
    expect(await f.reject(c.merchant, 'captureHold', 'A', 'h1', '1')).toMatch(/^HOLD_EXPIRED: /);
    expect(await f.ok(c.carol, 'expireHold', 'A', 'h1')).toMatchObject({ status: 'expired', closedAt: EXP });
    expect(await f.query(c.alice, 'getBalance', 'A')).toMatchObject({ available: '10000', held: '0' });
    expect(await f.reject(c.carol, 'expireHold', 'A', 'h1')).toMatch(/^HOLD_NOT_ACTIVE: /);
  });

  test('a frozen payee cannot capture, but can still release (that only returns money to the payer)', async () => {
    const { f, c } = await funded();
    await f.ok(c.alice, 'authorizeHold', 'h1', 'A', 'M', '500', 'USD', EXP);
    await f.ok(await compliance2(), 'freezeAccount', 'M', 'x');
    expect(await f.reject(c.merchant, 'captureHold', 'A', 'h1', '500')).toMatch(/^ACCOUNT_FROZEN: /);
    expect(await f.ok(c.merchant, 'releaseHold', 'A', 'h1')).toMatchObject({ status: 'released' });
    expect(await f.query(c.alice, 'getBalance', 'A')).toMatchObject({ available: '10000', held: '0' });
  });

  test('a frozen payer: no capture (money would leave a frozen account); expiry still returns the funds', async () => {
    const { f, c } = await funded();
    await f.ok(c.alice, 'authorizeHold', 'h1', 'A', 'M', '500', 'USD', EXP);
    await f.ok(c.compliance, 'freezeAccount', 'A', 'x');
    expect(await f.reject(c.merchant, 'captureHold', 'A', 'h1', '500')).toMatch(/^ACCOUNT_FROZEN: /);
    f.advance(3600_000);
    expect(await f.ok(c.carol, 'expireHold', 'A', 'h1')).toMatchObject({ status: 'expired' });
    expect(await f.query(c.alice, 'getBalance', 'A')).toMatchObject({ available: '10000', held: '0' });
  });

  test('hold IDs are scoped within the payer account', async () => {
    const { f, c } = await funded();
    const a = await f.ok<Hold>(c.alice, 'authorizeHold', 'h1', 'A', 'M', '10', 'USD', EXP);
    const b = await f.ok<Hold>(c.bob, 'authorizeHold', 'h1', 'B', 'M', '20', 'USD', EXP);
    expect([a.from, b.from]).toEqual(['A', 'B']);
    await f.ok(c.merchant, 'captureHold', 'B', 'h1', '20');
    expect(await f.query(c.merchant, 'getHold', 'A', 'h1')).toMatchObject({ status: 'authorized' });
    expect(await f.query(c.merchant, 'getHold', 'B', 'h1')).toMatchObject({ status: 'captured' });
    expect(await f.query(c.merchant, 'listPendingCredits', 'M', '10', '')).toMatchObject({
      items: [{ creditId: 'h:B:h1', amount: '20', source: 'capture', sourceId: 'B:h1' }],
    });
  });

  test('the hold duration is bounded by governance (7 days by default)', async () => {
    const { f, c } = await funded();
    const max = new Date(f.now.getTime() + 7 * 24 * 3600_000).toISOString();
    const over = new Date(f.now.getTime() + 7 * 24 * 3600_000 + 1).toISOString();
    expect(await f.reject(c.alice, 'authorizeHold', 'h1', 'A', 'M', '1', 'USD', over)).toMatch(
      /^INVALID_ARGUMENT: expiresAt must be at most 604800 s/,
    );
    expect(await f.ok(c.alice, 'authorizeHold', 'h1', 'A', 'M', '1', 'USD', max)).toMatchObject({
      expiresAt: max,
    });
  });

  test('time comes from the proposal timestamp, within the governed skew of the endorser clock', async () => {
    const { f, c } = await funded();
    await f.ok(c.alice, 'authorizeHold', 'h1', 'A', 'M', '500', 'USD', EXP);
    f.advance(3600_000);
    // The payee backdates its capture past the bound: refused, not applied at the earlier time.
    f.skewMs = -61_000;
    expect(await f.reject(c.merchant, 'captureHold', 'A', 'h1', '500')).toMatch(/^CLOCK_SKEW: /);
    // Anyone forward-dating an expiry past the bound: refused too.
    f.advance(-120_000);
    f.skewMs = 61_000;
    expect(await f.reject(c.carol, 'expireHold', 'A', 'h1')).toMatch(/^CLOCK_SKEW: /);
    // Within the bound the transaction time is the client's: the governed skew is all it can shift.
    f.skewMs = 60_000;
    expect(await f.reject(c.carol, 'expireHold', 'A', 'h1')).toMatch(/^HOLD_NOT_EXPIRED: /);
    f.skewMs = 0;
    f.advance(120_000);
    expect(await f.reject(c.merchant, 'captureHold', 'A', 'h1', '500')).toMatch(/^HOLD_EXPIRED: /);
    expect(await f.ok(c.carol, 'expireHold', 'A', 'h1')).toMatchObject({ status: 'expired', closedAt: EXP });
  });
});
