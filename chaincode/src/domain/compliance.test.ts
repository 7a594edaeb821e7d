import '../testing/quiet';
import { Account } from '@fabpay/model';
import { funded } from '../testing/fixtures';
import { identity } from '../testing/identities';

/** Org2's compliance officer (governance grants Org2MSP compliance over Org2MSP's accounts). */
const compliance2 = () =>
  identity({ mspId: 'Org2MSP', cn: 'compliance2', attrs: { 'payments.role': 'compliance' } });

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
    const officer = await compliance2();
    await f.ok(c.merchant, 'closeAccount', 'M');
    expect(await f.reject(officer, 'freezeAccount', 'M', 'x')).toMatch(/^ACCOUNT_CLOSED: /);
    expect(await f.reject(officer, 'unfreezeAccount', 'M')).toMatch(/^ACCOUNT_CLOSED: /);
    expect(await f.reject(officer, 'freezeAccount', 'NOPE', 'x')).toMatch(/^ACCOUNT_NOT_FOUND: /);
  });

  test("each org's compliance acts only on the accounts of the MSPs governance grants it", async () => {
    const { f, c } = await funded();
    const officer = await compliance2();
    // Org1's compliance over Org2's merchant: the attribute alone grants nothing.
    expect(await f.reject(c.compliance, 'freezeAccount', 'M', 'x')).toMatch(
      /^FORBIDDEN: MSP Org1MSP is not granted compliance over accounts of Org2MSP/,
    );
    expect(await f.reject(officer, 'freezeAccount', 'B', 'x')).toMatch(
      /^FORBIDDEN: MSP Org2MSP is not granted compliance over accounts of Org1MSP/,
    );
    expect(await f.ok<Account>(officer, 'freezeAccount', 'M', 'x')).toMatchObject({ status: 'frozen' });
    expect(await f.reject(c.compliance, 'unfreezeAccount', 'M')).toMatch(/^FORBIDDEN: /);
    expect(await f.reject(c.compliance, 'setComplianceLimits', 'M', '1', '')).toMatch(/^FORBIDDEN: /);
    expect(await f.ok<Account>(officer, 'unfreezeAccount', 'M')).toMatchObject({ status: 'active' });
  });

  test('a compliance attribute on an identity of a non-member MSP grants nothing', async () => {
    const { f, c } = await funded();
    const outsider = await identity({
      mspId: 'Org3MSP',
      cn: 'compliance3',
      attrs: { 'payments.role': 'compliance' },
    });
    expect(await f.reject(outsider, 'freezeAccount', 'B', 'x')).toMatch(
      /^FORBIDDEN: MSP Org3MSP is not a member/,
    );
    expect(await f.query(c.bob, 'getAccount', 'B')).toMatchObject({ status: 'active' });
  });

  test('a frozen account keeps its reason until unfrozen; a second freeze replaces the reason', async () => {
    const { f, c } = await funded();
    await f.ok(c.compliance, 'freezeAccount', 'B', 'first');
    expect(await f.ok<Account>(c.compliance, 'freezeAccount', 'B', 'second')).toMatchObject({
      status: 'frozen',
      frozenReason: 'second',
    });
    expect(await f.query(c.bob, 'getAccount', 'B')).toMatchObject({ frozenReason: 'second' });
  });
});
