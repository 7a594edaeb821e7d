import '../testing/quiet';
import { eventOf, resultOf } from '../testing/fabric';
import { funded } from '../testing/fixtures';

describe('issuance', () => {
  test('issue mints a pending credit and counts it in the supply', async () => {
    const { f, c } = await funded();
    const r = await f.submit(c.issuer, 'issue', 'op1', 'M', '250');
    expect(resultOf(r)).toMatchObject({
      operationId: 'op1',
      kind: 'issue',
      accountId: 'M',
      currency: 'USD',
      amount: '250',
      initiator: c.issuer.owner,
    });
    expect(eventOf(r).name).toBe('Issued');
    expect(await f.query(c.merchant, 'getBalance', 'M')).toMatchObject({
      available: '250',
      pending: '250',
      settled: '0',
      pendingCount: 1,
    });
    expect(await f.query(c.alice, 'getSupply', 'USD')).toEqual({
      currency: 'USD',
      issued: '15250',
      redeemed: '0',
      outstanding: '15250',
    });
  });

  test('only the issuer role may issue or redeem', async () => {
    const { f, c } = await funded();
    for (const who of [c.alice, c.compliance, c.admin]) {
      expect(await f.reject(who, 'issue', 'op1', 'A', '1')).toMatch(
        /^FORBIDDEN: requires payments.role=issuer/,
      );
      expect(await f.reject(who, 'redeem', 'op2', 'A', '1')).toMatch(/^FORBIDDEN: /);
    }
  });

  test('idempotent: the same issue again returns the original and writes nothing', async () => {
    const { f, c } = await funded();
    const first = await f.submit(c.issuer, 'issue', 'op1', 'A', '5');
    f.advance(1000);
    const again = await f.submit(c.issuer, 'issue', 'op1', 'A', '5');
    expect(resultOf(again)).toEqual(resultOf(first));
    expect(again.rw.writes.size).toBe(0);
    expect(again.events).toEqual([]);
    expect(await f.reject(c.issuer, 'redeem', 'op1', 'A', '5')).toMatch(/^DUPLICATE_OPERATION: /);
  });

  test('redeem burns settled funds and counts them', async () => {
    const { f, c } = await funded();
    expect(await f.ok(c.issuer, 'redeem', 'op1', 'A', '400')).toMatchObject({
      kind: 'redeem',
      amount: '400',
    });
    expect(await f.query(c.alice, 'getBalance', 'A')).toMatchObject({ available: '9600' });
    expect(await f.query(c.alice, 'getSupply', 'USD')).toMatchObject({
      issued: '15000',
      redeemed: '400',
      outstanding: '14600',
    });
    expect(await f.reject(c.issuer, 'redeem', 'op2', 'A', '9601')).toMatch(/^INSUFFICIENT_FUNDS: /);
  });

  test('frozen accounts can neither be issued into nor redeemed from', async () => {
    const { f, c } = await funded();
    await f.ok(c.compliance, 'freezeAccount', 'A', 'x');
    expect(await f.reject(c.issuer, 'issue', 'op1', 'A', '1')).toMatch(/^ACCOUNT_FROZEN: /);
    expect(await f.reject(c.issuer, 'redeem', 'op1', 'A', '1')).toMatch(/^ACCOUNT_FROZEN: /);
  });
});
