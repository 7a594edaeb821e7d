import '../testing/quiet';
import { ConservationLine, HistoryEntry, Page } from '@fabpay/model';
import { funded } from '../testing/fixtures';

describe('queries', () => {
  test('payment history is newest first and paginated', async () => {
    const { f, c } = await funded();
    for (let i = 1; i <= 5; i++) {
      f.advance(1000);
      await f.ok(c.alice, 'pay', `p${i}`, 'A', 'M', String(i), 'USD', '');
    }
    const p1 = await f.query<Page<HistoryEntry>>(c.merchant, 'getPaymentHistory', 'M', '2', '');
    expect(p1.items.map((h) => h.id)).toEqual(['p5', 'p4']);
    const p2 = await f.query<Page<HistoryEntry>>(c.merchant, 'getPaymentHistory', 'M', '2', p1.bookmark);
    expect(p2.items.map((h) => h.id)).toEqual(['p3', 'p2']);
    const p3 = await f.query<Page<HistoryEntry>>(c.merchant, 'getPaymentHistory', 'M', '2', p2.bookmark);
    expect(p3.items.map((h) => h.id)).toEqual(['p1']);
    expect(p3.bookmark).toBe('');
  });

  test('conservation report: per currency, available + held + pending = issued - redeemed', async () => {
    const { f, c } = await funded();
    await f.ok(c.alice, 'pay', 'p1', 'A', 'M', '100', 'USD', '');
    await f.ok(c.alice, 'authorizeHold', 'h1', 'A', 'M', '50', 'USD', '2026-03-02T00:00:00Z');
    await f.ok(c.issuer, 'issue', 'e1', 'E', '70');
    await f.ok(c.issuer, 'redeem', 'r1', 'B', '30');
    const report = await f.query<{ items: ConservationLine[] }>(c.bob, 'conservationReport');
    expect(report.items).toEqual([
      {
        currency: 'EUR',
        available: '0',
        held: '0',
        pending: '70',
        total: '70',
        issued: '70',
        redeemed: '0',
        outstanding: '70',
        balanced: true,
      },
      {
        currency: 'USD',
        available: '14820',
        held: '50',
        pending: '100',
        total: '14970',
        issued: '15000',
        redeemed: '30',
        outstanding: '14970',
        balanced: true,
      },
    ]);
  });

  test('supply, limits and allowance defaults; currency table; not-found codes', async () => {
    const { f, c } = await funded();
    expect(await f.query(c.alice, 'getSupply', 'GBP')).toEqual({
      currency: 'GBP',
      issued: '0',
      redeemed: '0',
      outstanding: '0',
    });
    const none = { perPayment: '', perDay: '' };
    expect(await f.query(c.alice, 'getLimits', 'A')).toEqual({
      accountId: 'A',
      compliance: none,
      owner: none,
      effective: none,
    });
    expect(await f.query(c.alice, 'getAllowance', 'A', c.bob.owner)).toEqual({
      accountId: 'A',
      spender: c.bob.owner,
      amount: '0',
    });
    const cur = await f.query<{ items: { code: string; exponent: number }[] }>(c.alice, 'listCurrencies');
    expect(cur.items).toContainEqual({ code: 'JPY', exponent: 0 });
    expect(cur.items).toContainEqual({ code: 'KWD', exponent: 3 });
    expect(await f.reject(c.alice, 'getPayment', 'A', 'nope')).toMatch(/^PAYMENT_NOT_FOUND: /);
    expect(await f.reject(c.alice, 'getHold', 'A', 'nope')).toMatch(/^HOLD_NOT_FOUND: /);
    expect(await f.reject(c.alice, 'getRefund', 'A', 'nope', 'nope')).toMatch(/^REFUND_NOT_FOUND: /);
    expect(await f.reject(c.alice, 'getOperation', 'Org1MSP', 'USD', 'nope')).toMatch(
      /^OPERATION_NOT_FOUND: /,
    );
    expect(await f.reject(c.alice, 'getLimits', 'nope')).toMatch(/^ACCOUNT_NOT_FOUND: /);
    expect(await f.reject(c.alice, 'getAccount', 'nope')).toMatch(/^ACCOUNT_NOT_FOUND: /);
    expect(await f.reject(c.alice, 'getSupply', 'ABC')).toMatch(/^UNSUPPORTED_CURRENCY: /);
  });

  test('getOperation: operation IDs are scoped within the issuing MSP and currency', async () => {
    const { f, c } = await funded();
    expect(await f.query(c.bob, 'getOperation', 'Org1MSP', 'USD', 'mint-A')).toMatchObject({
      operationId: 'mint-A',
      kind: 'issue',
      accountId: 'A',
      currency: 'USD',
      amount: '10000',
      initiator: c.issuer.owner,
    });
    // The same ID in another currency or of another MSP is another operation.
    await f.ok(c.issuer, 'issue', 'mint-A', 'E', '5');
    expect(await f.query(c.bob, 'getOperation', 'Org1MSP', 'EUR', 'mint-A')).toMatchObject({
      accountId: 'E',
      amount: '5',
    });
    expect(await f.reject(c.bob, 'getOperation', 'Org2MSP', 'USD', 'mint-A')).toMatch(
      /^OPERATION_NOT_FOUND: /,
    );
    expect(await f.reject(c.bob, 'getOperation', 'Org1MSP', 'XYZ', 'mint-A')).toMatch(
      /^UNSUPPORTED_CURRENCY: /,
    );
  });

  test('getGovernance and the proposal queries', async () => {
    const { f, c } = await funded();
    expect(await f.query(c.alice, 'getGovernance')).toEqual({
      members: ['Org1MSP', 'Org2MSP'],
      issuers: expect.objectContaining({ USD: ['Org1MSP'], EUR: ['Org1MSP'] }),
      compliance: { Org1MSP: ['Org1MSP'], Org2MSP: ['Org2MSP'] },
      maxClockSkewSeconds: 60,
      maxHoldSeconds: 604800,
      custody: true,
      version: 1,
      updatedAt: '2026-03-01T10:00:00.000Z',
    });
    expect(await f.query(c.alice, 'listGovernanceProposals', '10', '')).toEqual({
      items: [],
      bookmark: '',
      count: 0,
    });
    expect(await f.reject(c.alice, 'getGovernanceProposal', 'Org1MSP', 'g1')).toMatch(
      /^PROPOSAL_NOT_FOUND: /,
    );
  });

  test('whoami reports owner, role and admin flag', async () => {
    const { f, c } = await funded();
    expect(await f.query(c.compliance, 'whoami')).toMatchObject({
      owner: c.compliance.owner,
      mspId: 'Org1MSP',
      role: 'compliance',
      admin: false,
    });
    expect(await f.query(c.admin, 'whoami')).toMatchObject({ role: '', admin: true });
  });

  test('queries write nothing (safe to evaluate; paginated ones would be refused in a writing transaction)', async () => {
    const { f, c } = await funded();
    for (const [fn, args] of [
      ['getBalance', ['A']],
      ['getPaymentHistory', ['A', '10', '']],
      ['listAccountsByOwner', ['', '10', '']],
      ['listPendingCredits', ['M', '10', '']],
      ['conservationReport', []],
      ['getGovernance', []],
      ['listGovernanceProposals', ['10', '']],
      ['getOperation', ['Org1MSP', 'USD', 'mint-A']],
    ] as const) {
      const e = await f.endorse(c.alice, fn, [...args]);
      expect(e.ok).toBe(true);
      expect(e.rw.writes.size).toBe(0);
    }
  });
});
