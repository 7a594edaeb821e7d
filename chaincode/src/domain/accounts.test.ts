import '../testing/quiet';
import { Account, Page } from '@fabpay/model';
import { KEY } from '../keys';
import { defaultTerms, TestFabric } from '../testing/fabric';
import { cast, funded } from '../testing/fixtures';
import { identity } from '../testing/identities';

const keyOf = (type: string, attributes: string[]) =>
  `\u0000${type}\u0000${attributes.map((a) => `${a}\u0000`).join('')}`;

describe('accounts', () => {
  test('open: owner is the caller, active, zero balance, one currency', async () => {
    const { f, c } = await funded();
    const a = await f.ok<Account>(c.carol, 'openAccount', 'C1', 'JPY', '');
    expect(a).toMatchObject({
      accountId: 'C1',
      owner: c.carol.owner,
      currency: 'JPY',
      status: 'active',
      openedAt: '2026-03-01T10:00:00.000Z',
    });
    expect(await f.query(c.carol, 'getAccount', 'C1')).toEqual(a);
    expect(await f.query(c.carol, 'getBalance', 'C1')).toMatchObject({
      available: '0',
      held: '0',
      pending: '0',
    });
  });

  test('an org admin opens an account for an owner of its own MSP; nobody else may', async () => {
    const { f, c } = await funded();
    expect(await f.ok<Account>(c.admin, 'openAccount', 'C2', 'USD', c.carol.owner)).toMatchObject({
      owner: c.carol.owner,
    });
    expect(await f.reject(c.alice, 'openAccount', 'C3', 'USD', c.carol.owner)).toMatch(/^FORBIDDEN: /);
    expect(await f.reject(c.admin2, 'openAccount', 'C3', 'USD', c.carol.owner)).toMatch(/^FORBIDDEN: /);
    expect(await f.reject(c.admin, 'openAccount', 'C3', 'USD', c.merchant.owner)).toMatch(/^FORBIDDEN: /);
    // Naming oneself explicitly is fine.
    expect(await f.ok<Account>(c.carol, 'openAccount', 'C4', 'USD', c.carol.owner)).toMatchObject({
      owner: c.carol.owner,
    });
  });

  test('list accounts by owner, paginated with bookmarks; "" means the caller', async () => {
    const { f, c } = await funded();
    for (const id of ['Q1', 'Q2', 'Q3']) {
      await f.ok(c.alice, 'openAccount', id, 'USD', '');
    }
    const p1 = await f.query<Page<Account>>(c.alice, 'listAccountsByOwner', '', '2', '');
    expect(p1.items.map((a) => a.accountId)).toEqual(['A', 'E']);
    expect(p1.count).toBe(2);
    const p2 = await f.query<Page<Account>>(c.bob, 'listAccountsByOwner', c.alice.owner, '2', p1.bookmark);
    expect(p2.items.map((a) => a.accountId)).toEqual(['Q1', 'Q2']);
    const p3 = await f.query<Page<Account>>(c.alice, 'listAccountsByOwner', '', '2', p2.bookmark);
    expect(p3.items.map((a) => a.accountId)).toEqual(['Q3']);
    expect(p3.bookmark).toBe('');
  });

  test('close requires a zero balance (available, held and pending)', async () => {
    const { f, c } = await funded();
    await f.ok(c.carol, 'openAccount', 'C', 'USD', '');
    await f.ok(c.alice, 'pay', 'p1', 'A', 'C', '10', 'USD', '');
    expect(await f.reject(c.carol, 'closeAccount', 'C')).toMatch(/^BALANCE_NOT_ZERO: .*1 pending/);
    await f.ok(c.carol, 'foldCredits', 'C', 'p:A:p1');
    expect(await f.reject(c.carol, 'closeAccount', 'C')).toMatch(/^BALANCE_NOT_ZERO: /);
    await f.ok(c.carol, 'authorizeHold', 'h1', 'C', 'M', '10', 'USD', '2026-03-02T00:00:00Z');
    expect(await f.reject(c.carol, 'closeAccount', 'C')).toMatch(/^BALANCE_NOT_ZERO: .*held 10/);
    await f.ok(c.merchant, 'captureHold', 'C', 'h1', '10');
    expect(await f.reject(c.bob, 'closeAccount', 'C')).toMatch(/^FORBIDDEN: /);
    expect(await f.ok<Account>(c.carol, 'closeAccount', 'C')).toMatchObject({ status: 'closed' });
    expect(await f.reject(c.carol, 'closeAccount', 'C')).toMatch(/^ACCOUNT_CLOSED: /);
    expect(await f.reject(c.alice, 'pay', 'p2', 'A', 'C', '1', 'USD', '')).toMatch(/^ACCOUNT_CLOSED: /);
  });

  test('an org admin may close an account of its org; a frozen account cannot be closed', async () => {
    const { f, c } = await funded();
    await f.ok(c.carol, 'openAccount', 'C', 'USD', '');
    await f.ok(c.compliance, 'freezeAccount', 'C', 'hold on');
    expect(await f.reject(c.admin, 'closeAccount', 'C')).toMatch(/^ACCOUNT_FROZEN: /);
    await f.ok(c.compliance, 'unfreezeAccount', 'C');
    expect(await f.reject(c.admin2, 'closeAccount', 'C')).toMatch(/^FORBIDDEN: /);
    expect(await f.ok<Account>(c.admin, 'closeAccount', 'C')).toMatchObject({ status: 'closed' });
  });

  test('a close that raced with an incoming credit fails at commit (phantom read), stranding nothing', async () => {
    const { f, c } = await funded();
    await f.ok(c.carol, 'openAccount', 'C', 'USD', '');
    const close = await f.endorse(c.carol, 'closeAccount', ['C']);
    const payment = await f.endorse(c.alice, 'pay', ['p1', 'A', 'C', '10', 'USD', '']);
    expect(f.commit(payment).commit).toBe('VALID');
    expect(f.commit(close).commit).toBe('PHANTOM_READ_CONFLICT');
  });

  test("custody: the descriptor and balance of a new account carry the owner org's policy (governance custody on)", async () => {
    const { f, c } = await funded();
    const opened = await f.submit(c.merchant, 'openAccount', 'M2', 'USD', '');
    expect(opened.commit).toBe('VALID');
    expect([...opened.rw.policies.keys()].sort()).toEqual(
      [keyOf(KEY.account, ['M2']), keyOf(KEY.balance, ['M2'])].sort(),
    );
    expect(f.ledger.policyOf(keyOf(KEY.balance, ['M2']))).toBeDefined();
    expect(f.ledger.policyOf(keyOf(KEY.owner, [c.merchant.owner, 'M2']))).toBeUndefined();
    // Org1 alone (or with nobody from Org2) cannot close or otherwise rewrite Org2's account.
    const close = await f.endorse(c.merchant, 'closeAccount', ['M2']);
    expect(f.commit(close, ['Org1MSP']).commit).toBe('ENDORSEMENT_POLICY_FAILURE');
    expect(f.commit(close, ['Org1MSP', 'Org2MSP']).commit).toBe('VALID');
  });

  test('custody off in governance: new account keys carry no policy of their own', async () => {
    const c = await cast();
    const f = new TestFabric({ governance: { ...defaultTerms(), custody: false } });
    const opened = await f.submit(c.carol, 'openAccount', 'C', 'USD', '');
    expect(opened.commit).toBe('VALID');
    expect(opened.rw.policies.size).toBe(0);
    expect(f.ledger.policyOf(keyOf(KEY.balance, ['C']))).toBeUndefined();
  });

  test('identities of MSPs outside governance cannot open accounts', async () => {
    const { f, c } = await funded();
    const outsider = await identity({ mspId: 'Org3MSP', cn: 'zed' });
    expect(await f.reject(outsider, 'openAccount', 'Z', 'USD', '')).toMatch(
      /^FORBIDDEN: MSP Org3MSP is not a member/,
    );
    expect(await f.reject(c.alice, 'getAccount', 'Z')).toMatch(/^ACCOUNT_NOT_FOUND: /);
  });
});
