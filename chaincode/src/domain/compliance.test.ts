import '../testing/quiet';
import { Account } from '../model';
import { funded } from '../testing/fixtures';

describe('compliance', () => {
  test('compliance freezes and unfreezes; a frozen account neither sends nor receives', async () => {
    const { f, c } = await funded();
    const frozen = await f.ok<Account>(c.compliance, 'freezeAccount', 'B', 'sanctions screening');
    expect(frozen).toMatchObject({ status: 'frozen', frozenReason: 'sanctions screening' });
    expect(await f.reject(c.bob, 'pay', 'p1', 'B', 'M', '1', 'USD', '')).toMatch(/^ACCOUNT_FROZEN: /);
    expect(await f.reject(c.alice, 'pay', 'p2', 'A', 'B', '1', 'USD', '')).toMatch(/^ACCOUNT_FROZEN: /);
    expect(
      await f.reject(c.bob, 'authorizeHold', 'h1', 'B', 'M', '1', 'USD', '2026-03-02T00:00:00Z'),
    ).toMatch(/^ACCOUNT_FROZEN: /);
    expect(await f.ok<Account>(c.compliance, 'unfreezeAccount', 'B')).toMatchObject({
      status: 'active',
      frozenReason: '',
    });
    await f.ok(c.bob, 'pay', 'p1', 'B', 'M', '1', 'USD', '');
  });

  test.each(['alice', 'issuer', 'admin', 'bob'] as const)(
    '%s (no compliance role) may not freeze or unfreeze',
    async (who) => {
      const { f, c } = await funded();
      expect(await f.reject(c[who], 'freezeAccount', 'B', 'x')).toMatch(
        /^FORBIDDEN: requires payments.role=compliance/,
      );
      expect(await f.reject(c[who], 'unfreezeAccount', 'B')).toMatch(/^FORBIDDEN: /);
    },
  );

  test('closed accounts cannot be frozen', async () => {
    const { f, c } = await funded();
    await f.ok(c.merchant, 'closeAccount', 'M');
    expect(await f.reject(c.compliance, 'freezeAccount', 'M', 'x')).toMatch(/^ACCOUNT_CLOSED: /);
    expect(await f.reject(c.compliance, 'freezeAccount', 'NOPE', 'x')).toMatch(/^ACCOUNT_NOT_FOUND: /);
  });
});
