import '../testing/quiet';
import { Hold } from '../model';
import { funded } from '../testing/fixtures';

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
    });
    expect(await f.query(c.alice, 'getBalance', 'A')).toMatchObject({ available: '1000', held: '9000' });
    expect(await f.reject(c.alice, 'pay', 'p1', 'A', 'B', '1001', 'USD', '')).toMatch(
      /^INSUFFICIENT_FUNDS: /,
    );
    expect(await f.reject(c.alice, 'authorizeHold', 'h2', 'A', 'M', '1001', 'USD', EXP)).toMatch(
      /^INSUFFICIENT_FUNDS: /,
    );
    expect(await f.reject(c.issuer, 'redeem', 'op', 'A', '1001')).toMatch(/^INSUFFICIENT_FUNDS: /);
    expect(await f.query(c.merchant, 'getHold', 'h1')).toEqual(h);
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
    expect(await f.reject(c.alice, 'captureHold', 'h1', '500')).toMatch(/^FORBIDDEN: /);
    const h = await f.ok<Hold>(c.merchant, 'captureHold', 'h1', '500');
    expect(h).toMatchObject({ status: 'captured', captured: '500', closedAt: '2026-03-01T10:00:00.000Z' });
    expect(await f.query(c.alice, 'getBalance', 'A')).toMatchObject({ available: '9500', held: '0' });
    expect(await f.query(c.merchant, 'getBalance', 'M')).toMatchObject({ available: '500', pending: '500' });
    expect(await f.reject(c.merchant, 'captureHold', 'h1', '1')).toMatch(/^HOLD_NOT_ACTIVE: /);
  });

  test('partial capture releases the rest; capturing more than held is refused', async () => {
    const { f, c } = await funded();
    await f.ok(c.alice, 'authorizeHold', 'h1', 'A', 'M', '500', 'USD', EXP);
    expect(await f.reject(c.merchant, 'captureHold', 'h1', '501')).toMatch(/^INVALID_AMOUNT: /);
    await f.ok(c.merchant, 'captureHold', 'h1', '120');
    expect(await f.query(c.alice, 'getBalance', 'A')).toMatchObject({ available: '9880', held: '0' });
    expect(await f.query(c.merchant, 'getBalance', 'M')).toMatchObject({ available: '120' });
  });

  test('release by payer or payee (not others) returns everything', async () => {
    const { f, c } = await funded();
    await f.ok(c.alice, 'authorizeHold', 'h1', 'A', 'M', '500', 'USD', EXP);
    await f.ok(c.alice, 'authorizeHold', 'h2', 'A', 'M', '300', 'USD', EXP);
    expect(await f.reject(c.bob, 'releaseHold', 'h1')).toMatch(/^FORBIDDEN: /);
    expect(await f.ok(c.alice, 'releaseHold', 'h1')).toMatchObject({ status: 'released' });
    expect(await f.ok(c.merchant, 'releaseHold', 'h2')).toMatchObject({ status: 'released' });
    expect(await f.query(c.alice, 'getBalance', 'A')).toMatchObject({ available: '10000', held: '0' });
    expect(await f.reject(c.alice, 'releaseHold', 'h1')).toMatch(/^HOLD_NOT_ACTIVE: /);
  });

  test('expiry: anyone, only at or after expiresAt; capture after expiry is refused', async () => {
    const { f, c } = await funded();
    await f.ok(c.alice, 'authorizeHold', 'h1', 'A', 'M', '500', 'USD', EXP);
    f.advance(3600_000 - 1);
    expect(await f.reject(c.carol, 'expireHold', 'h1')).toMatch(/^HOLD_NOT_EXPIRED: /);
    f.advance(1);
    expect(await f.reject(c.merchant, 'captureHold', 'h1', '1')).toMatch(/^HOLD_EXPIRED: /);
    expect(await f.ok(c.carol, 'expireHold', 'h1')).toMatchObject({ status: 'expired', closedAt: EXP });
    expect(await f.query(c.alice, 'getBalance', 'A')).toMatchObject({ available: '10000', held: '0' });
    expect(await f.reject(c.carol, 'expireHold', 'h1')).toMatch(/^HOLD_NOT_ACTIVE: /);
  });

  test('a frozen payee cannot capture; the payer can still release', async () => {
    const { f, c } = await funded();
    await f.ok(c.alice, 'authorizeHold', 'h1', 'A', 'M', '500', 'USD', EXP);
    await f.ok(c.compliance, 'freezeAccount', 'M', 'x');
    expect(await f.reject(c.merchant, 'captureHold', 'h1', '500')).toMatch(/^ACCOUNT_FROZEN: /);
    expect(await f.ok(c.alice, 'releaseHold', 'h1')).toMatchObject({ status: 'released' });
  });
});
