import '../testing/quiet';
import { defaultTerms, eventOf, resultOf, TestFabric } from '../testing/fabric';
import { cast, funded } from '../testing/fixtures';
import { identity } from '../testing/identities';

const issuerOf = (mspId: string) =>
  identity({ mspId, cn: `issuer-${mspId}`, attrs: { 'payments.role': 'issuer' } });

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

  test('the issuer attribute grants nothing to an MSP governance does not name for the currency', async () => {
    const { f, c } = await funded();
    const org2Issuer = await issuerOf('Org2MSP');
    expect(await f.reject(org2Issuer, 'issue', 'op1', 'M', '1')).toMatch(
      /^FORBIDDEN: MSP Org2MSP is not granted issuance of USD/,
    );
    expect(await f.reject(org2Issuer, 'redeem', 'op1', 'M', '1')).toMatch(
      /^FORBIDDEN: MSP Org2MSP is not granted issuance of USD/,
    );
    // An identity of a non-member MSP is refused before anything else.
    expect(await f.reject(await issuerOf('Org3MSP'), 'issue', 'op1', 'A', '1')).toMatch(
      /^FORBIDDEN: MSP Org3MSP is not a member/,
    );
    expect(await f.query(c.alice, 'getSupply', 'USD')).toMatchObject({ issued: '15000' });
  });

  test('grants are per currency', async () => {
    const c = await cast();
    const terms = defaultTerms();
    const f = new TestFabric({ governance: { ...terms, issuers: { ...terms.issuers, EUR: ['Org2MSP'] } } });
    const org2Issuer = await issuerOf('Org2MSP');
    await f.ok(c.alice, 'openAccount', 'A', 'USD', '');
    await f.ok(c.alice, 'openAccount', 'E', 'EUR', '');
    expect(await f.reject(c.issuer, 'issue', 'op1', 'E', '1')).toMatch(/^FORBIDDEN: .*issuance of EUR/);
    expect(await f.reject(org2Issuer, 'issue', 'op1', 'A', '1')).toMatch(/^FORBIDDEN: .*issuance of USD/);
    await f.ok(org2Issuer, 'issue', 'op1', 'E', '7');
    await f.ok(c.issuer, 'issue', 'op1', 'A', '9');
    expect(await f.query(c.alice, 'getBalance', 'E')).toMatchObject({ pending: '7' });
    expect(await f.query(c.alice, 'getBalance', 'A')).toMatchObject({ pending: '9' });
  });

  test('operation IDs are scoped within the issuing MSP: another MSP cannot claim or read into one', async () => {
    const c = await cast();
    const terms = defaultTerms();
    const f = new TestFabric({
      governance: { ...terms, issuers: { ...terms.issuers, USD: ['Org1MSP', 'Org2MSP'] } },
    });
    const org2Issuer = await issuerOf('Org2MSP');
    await f.ok(c.alice, 'openAccount', 'A', 'USD', '');
    await f.ok(c.issuer, 'issue', 'op1', 'A', '100');
    // The same operation ID from Org2's issuer is its own operation, not a replay of Org1's.
    expect(await f.ok(org2Issuer, 'issue', 'op1', 'A', '5')).toMatchObject({ amount: '5' });
    expect(await f.query(c.alice, 'getOperation', 'Org1MSP', 'USD', 'op1')).toMatchObject({ amount: '100' });
    expect(await f.query(c.alice, 'getOperation', 'Org2MSP', 'USD', 'op1')).toMatchObject({ amount: '5' });
    const credits = await f.query<{ items: { creditId: string }[] }>(
      c.alice,
      'listPendingCredits',
      'A',
      '10',
      '',
    );
    expect(credits.items.map((x) => x.creditId)).toEqual(['i:Org1MSP:op1', 'i:Org2MSP:op1']);
    // Someone without the role replaying Org1's request learns nothing: the role is checked first.
    expect(await f.reject(c.alice, 'issue', 'op1', 'A', '100')).toMatch(
      /^FORBIDDEN: requires payments.role=issuer/,
    );
  });

  test("redeem only from accounts of the issuer's own MSP", async () => {
    const { f, c } = await funded();
    await f.ok(c.alice, 'pay', 'p1', 'A', 'M', '100', 'USD', '');
    await f.ok(c.merchant, 'foldCredits', 'M', 'p:A:p1');
    expect(await f.reject(c.issuer, 'redeem', 'op1', 'M', '100')).toMatch(
      /^FORBIDDEN: an issuer of Org1MSP may redeem only from its own MSP's accounts/,
    );
    // The holder pays an account of the issuer's org, which is then redeemed.
    await f.ok(c.merchant, 'pay', 'm1', 'M', 'B', '100', 'USD', '');
    await f.ok(c.bob, 'foldCredits', 'B', 'p:M:m1');
    expect(await f.ok(c.issuer, 'redeem', 'op1', 'B', '100')).toMatchObject({ kind: 'redeem' });
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
