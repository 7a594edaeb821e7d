import './testing/quiet';
import { funded } from './testing/fixtures';
import { defaultTerms, TestFabric } from './testing/fabric';
import { identity } from './testing/identities';

/*
 * Attacks from the trust-model issue (see shared/DESIGN.md "Trust model"),
 * one test per attack, each asserting the secure behaviour. Every one of
 * them was first run against the chaincode before the fix (commit 764dc6f,
 * with only the harness's skewMs added) and failed there because the attack
 * succeeded; they were then ported to the new call shapes (scoped hold IDs,
 * setComplianceLimits, compare-and-set approve, scoped credit IDs).
 *
 * Harness: f.reject(who, fn, ...args) returns the rejection message ('' when
 * the transaction succeeded, and then it is committed); f.ok throws on failure.
 * f.now is the endorsing peer's clock, f.skewMs how far the client-chosen
 * proposal timestamp is off it.
 */

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** An ISO time `ms` after the peer's clock. */
const after = (f: { now: Date }, ms: number): string => new Date(f.now.getTime() + ms).toISOString();

/** The CODE of a `CODE: text` message ('' if none). */
const code = (message: string): string => /^([A-Z][A-Z_]+): /.exec(message)?.[1] ?? '';

describe('attacks (each must be refused)', () => {
  // --- roles are the attribute AND an on-ledger grant for the caller's MSP ---

  test('attack: an Org2 identity with payments.role=issuer cannot mint into an Org1 account', async () => {
    // Org2 runs its own CA and can put payments.role=issuer into any cert it signs.
    // Governance grants USD issuance to Org1MSP only, so the attribute alone must not mint.
    const { f } = await funded();
    const evil = await identity({ mspId: 'Org2MSP', cn: 'evil', attrs: { 'payments.role': 'issuer' } });
    expect(await f.reject(evil, 'issue', 'evil-mint', 'A', '1000000')).toMatch(/^FORBIDDEN: /);
  });

  test('attack: an Org2 identity with payments.role=issuer cannot redeem (burn) an Org1 account', async () => {
    // Same self-issued Org2 "issuer" destroys money in alice's account A (10000 settled).
    const { f } = await funded();
    const evil = await identity({ mspId: 'Org2MSP', cn: 'evil', attrs: { 'payments.role': 'issuer' } });
    expect(await f.reject(evil, 'redeem', 'evil-burn', 'A', '10000')).toMatch(/^FORBIDDEN: /);
  });

  test('attack: an Org2 identity with payments.role=compliance cannot freeze an Org1 account', async () => {
    // Org2 self-issues a compliance cert and freezes a competitor's customer.
    const { f } = await funded();
    const evil = await identity({ mspId: 'Org2MSP', cn: 'evil', attrs: { 'payments.role': 'compliance' } });
    expect(await f.reject(evil, 'freezeAccount', 'A', 'grief')).toMatch(/^FORBIDDEN: /);
  });

  test('attack: an Org2 identity with payments.role=compliance cannot set limits on an Org1 account', async () => {
    // Same self-issued Org2 compliance cert throttles alice's account to 1 unit per payment.
    const { f } = await funded();
    const evil = await identity({ mspId: 'Org2MSP', cn: 'evil', attrs: { 'payments.role': 'compliance' } });
    expect(await f.reject(evil, 'setComplianceLimits', 'A', '1', '1')).toMatch(/^FORBIDDEN: /);
    expect(await f.reject(evil, 'setLimits', 'A', '1', '1')).toMatch(/^FORBIDDEN: /);
  });

  // --- freezing must stop every outflow ---

  test('attack: the payee captures a hold on a payer that compliance has frozen', async () => {
    // alice authorizes a hold to M, compliance freezes A, the merchant still pulls the money out.
    const { f, c } = await funded();
    await f.ok(c.alice, 'authorizeHold', 'h1', 'A', 'M', '1000', 'USD', after(f, HOUR));
    await f.ok(c.compliance, 'freezeAccount', 'A', 'investigation');
    expect(await f.reject(c.merchant, 'captureHold', 'A', 'h1', '1000')).toMatch(/^ACCOUNT_FROZEN: /);
    expect(await f.query(c.compliance, 'getBalance', 'A')).toMatchObject({ available: '9000', held: '1000' });
  });

  // --- the proposal timestamp is client-chosen ---

  test('attack: the payee captures an expired hold by backdating the proposal timestamp', async () => {
    // The hold expired an hour ago by the peer's clock; the merchant signs a proposal dated 2 h back.
    const { f, c } = await funded();
    await f.ok(c.alice, 'authorizeHold', 'h1', 'A', 'M', '1000', 'USD', after(f, HOUR));
    f.advance(2 * HOUR);
    expect(await f.reject(c.merchant, 'captureHold', 'A', 'h1', '1000')).toMatch(/^HOLD_EXPIRED: /); // honest clock
    f.skewMs = -2 * HOUR;
    expect(await f.reject(c.merchant, 'captureHold', 'A', 'h1', '1000')).toMatch(/^CLOCK_SKEW: /);
  });

  test('attack: anyone expires a hold early by forward-dating the proposal timestamp', async () => {
    // The hold has an hour to run; dave signs a proposal dated 2 h ahead and expires it.
    const { f, c } = await funded();
    await f.ok(c.alice, 'authorizeHold', 'h1', 'A', 'M', '1000', 'USD', after(f, HOUR));
    expect(await f.reject(c.dave, 'expireHold', 'A', 'h1')).toMatch(/^HOLD_NOT_EXPIRED: /); // honest clock
    f.skewMs = 2 * HOUR;
    expect(await f.reject(c.dave, 'expireHold', 'A', 'h1')).toMatch(/^CLOCK_SKEW: /);
  });

  test('attack: a payer resets its daily limit by dating the proposal on another day', async () => {
    // Compliance caps A at 1000/day; alice spends it, then dates the next payment tomorrow.
    const { f, c } = await funded();
    await f.ok(c.compliance, 'setComplianceLimits', 'A', '', '1000');
    await f.ok(c.alice, 'pay', 'p1', 'A', 'M', '1000', 'USD', 'ref');
    expect(await f.reject(c.alice, 'pay', 'p2', 'A', 'M', '1000', 'USD', 'ref')).toMatch(
      /^DAILY_LIMIT_EXCEEDED: /,
    ); // honest clock
    f.skewMs = DAY;
    expect(await f.reject(c.alice, 'pay', 'p3', 'A', 'M', '1000', 'USD', 'ref')).toMatch(/^CLOCK_SKEW: /);
  });

  // --- holds ---

  test('attack: the payer releases an authorized hold before expiry', async () => {
    // The merchant shipped against the hold; alice takes the guarantee back before expiry.
    // Only the payee may release before expiry.
    const { f, c } = await funded();
    await f.ok(c.alice, 'authorizeHold', 'h1', 'A', 'M', '1000', 'USD', after(f, HOUR));
    expect(await f.reject(c.alice, 'releaseHold', 'A', 'h1')).toMatch(/^FORBIDDEN: /);
  });

  test('attack: a hold is authorized with an expiry years in the future', async () => {
    // No upper bound on expiresAt: funds locked (or a merchant's claim kept open) for 5 years.
    // Governed maximum hold duration, default 7 days.
    const { f, c } = await funded();
    expect(
      await f.reject(c.alice, 'authorizeHold', 'h1', 'A', 'M', '1000', 'USD', after(f, 5 * 365 * DAY)),
    ).toMatch(/^INVALID_ARGUMENT: /);
  });

  // --- limits ---

  test('attack: the owner loosens limits that compliance set', async () => {
    // Compliance caps A at 100 per payment; alice removes / raises the cap and pays 500.
    // Asserted on the payment, so it survives changes to the setLimits API.
    const { f, c } = await funded();
    await f.ok(c.compliance, 'setComplianceLimits', 'A', '100', '');
    await f.reject(c.alice, 'setLimits', 'A', '', ''); // allowed: no limit of her own, compliance's stays
    expect(await f.reject(c.alice, 'setLimits', 'A', '1000000', '')).toMatch(/^FORBIDDEN: /);
    expect(await f.reject(c.alice, 'pay', 'p1', 'A', 'M', '500', 'USD', 'ref')).toMatch(/^LIMIT_EXCEEDED: /);
  });

  test('attack: a released hold is never given back to the daily limit', async () => {
    // Daily limit 1000; a 1000 hold is authorized and released by the payee, so nothing
    // left the account, yet the day's counter stays at 1000 and blocks alice (self-inflicted DoS,
    // or a merchant griefs a customer by asking for a hold and releasing it).
    const { f, c } = await funded();
    await f.ok(c.alice, 'setLimits', 'A', '', '1000');
    await f.ok(c.alice, 'authorizeHold', 'h1', 'A', 'M', '1000', 'USD', after(f, HOUR));
    await f.ok(c.merchant, 'releaseHold', 'A', 'h1');
    expect(await f.reject(c.alice, 'pay', 'p1', 'A', 'M', '1000', 'USD', 'ref')).toBe('');
  });

  // --- caller-chosen IDs ---

  test('attack: a stranger squats a payment ID another payer will use', async () => {
    // bob (any identity with some funds of its own, e.g. dave with his own account) pays 1
    // unit under 'order-1234' first; alice's real payment under that ID is then refused.
    const { f, c } = await funded();
    await f.ok(c.bob, 'pay', 'order-1234', 'B', 'M', '1', 'USD', 'squat');
    expect(await f.reject(c.alice, 'pay', 'order-1234', 'A', 'M', '100', 'USD', 'order 1234')).toBe('');
    expect(await f.query(c.alice, 'getBalance', 'A')).toMatchObject({ available: '9900' });
  });

  test('attack: a stranger learns the content of a payment by comparing before the initiator check', async () => {
    // bob guesses alice's payment p1: the right guess and a wrong guess must give the same answer.
    const { f, c } = await funded();
    await f.ok(c.alice, 'pay', 'p1', 'A', 'M', '100', 'USD', 'ref');
    const right = await f.reject(c.bob, 'pay', 'p1', 'A', 'M', '100', 'USD', 'ref');
    const wrong = await f.reject(c.bob, 'pay', 'p1', 'A', 'M', '999', 'USD', 'ref');
    expect([code(right), code(wrong)]).toEqual(['FORBIDDEN', 'FORBIDDEN']);
  });

  // --- keys a debit reads must not be rewritable by strangers ---

  test("attack: anyone folds anyone else's credits", async () => {
    // carol (Org1, neither owner of M nor admin) folds M's credit; each fold rewrites M's balance
    // key, which invalidates (MVCC) the merchant's in-flight debits: a griefing lever.
    const { f, c } = await funded();
    await f.ok(c.alice, 'pay', 'p1', 'A', 'M', '100', 'USD', 'ref');
    expect(await f.reject(c.carol, 'foldCredits', 'M', 'p:A:p1')).toMatch(/^FORBIDDEN: /);
  });

  test('attack: the ERC-20 approve race lets a spender spend old and new allowance', async () => {
    // alice approves dave 100, dave spends it, alice "lowers" it to 50 and dave can spend 50
    // more (150 total). The secure approve names the value it expects to replace, so a plain
    // 3-argument approve after the spend must be refused.
    const { f, c } = await funded();
    await f.ok(c.alice, 'approve', 'A', c.dave.owner, '0', '100');
    await f.ok(c.dave, 'payFrom', 'q1', 'A', 'M', '100', 'USD', 'ref');
    // alice still believes the allowance is 100 and lowers it to 50: refused, dave spent it.
    expect(await f.reject(c.alice, 'approve', 'A', c.dave.owner, '100', '50')).toMatch(
      /^ALLOWANCE_MISMATCH: /,
    );
    // The old 3-argument form no longer exists.
    expect(await f.reject(c.alice, 'approve', 'A', c.dave.owner, '50')).toMatch(/^INVALID_ARGUMENT: /);
    expect(await f.query(c.alice, 'getAllowance', 'A', c.dave.owner)).toMatchObject({ amount: '0' });
  });

  // --- refusal messages ---

  test('attack: a 100 KB transaction name is echoed whole into the UNKNOWN_TRANSACTION message', async () => {
    // Responses (and peer logs) amplify attacker-chosen input.
    const { f, c } = await funded();
    const message = await f.reject(c.alice, 'x'.repeat(100 * 1024));
    expect(message.length).toBeLessThanOrEqual(512);
    expect(message).not.toContain('x'.repeat(1000));
  });

  test('attack: refusals without a stable code (wrong parameter count, unknown contract, unknown system tx)', async () => {
    // Clients map refusals by code; these come back as fabric-contract-api free text.
    const { f, c } = await funded();
    const messages = [
      await f.reject(c.alice, 'pay', 'p1', 'A'), // INVALID_ARGUMENT expected
      await f.reject(c.alice, 'nope:pay', 'p1', 'A', 'M', '1', 'USD', 'ref'), // UNKNOWN_TRANSACTION
      await f.reject(c.alice, 'org.hyperledger.fabric:Nope'), // UNKNOWN_TRANSACTION
    ];
    expect(messages.filter((m) => !/^[A-Z][A-Z_]+: /.test(m))).toEqual([]);
  });

  test('attack: a transaction name with a trailing space is reported as if it were "pay"', async () => {
    // 'pay ' is refused as `no transaction pay ` — indistinguishable from 'pay' in a log.
    const { f, c } = await funded();
    const message = await f.reject(c.alice, 'pay ', 'p1', 'A', 'M', '1', 'USD', 'ref');
    expect(message).toMatch(/^UNKNOWN_TRANSACTION: /);
    expect(message).toContain('"pay "');
  });

  // --- beyond the list: custody, genesis, membership ---

  test("attack: other orgs running modified chaincode debit an Org1 customer without Org1's endorsement", async () => {
    // Org2 and Org3 together are a majority of the channel, so they satisfy the chaincode's
    // MAJORITY policy. The payer's balance key carries Org1's custody policy, so their
    // endorsement of a debit of alice's account is invalid at commit and moves nothing.
    const orgs = ['Org1MSP', 'Org2MSP', 'Org3MSP'];
    const f = new TestFabric({ channelOrgs: orgs, governance: defaultTerms(orgs) });
    const alice = await identity({ mspId: 'Org1MSP', cn: 'alice' });
    const issuer = await identity({ mspId: 'Org1MSP', cn: 'issuer', attrs: { 'payments.role': 'issuer' } });
    const erin = await identity({ mspId: 'Org3MSP', cn: 'erin' });
    await f.ok(alice, 'openAccount', 'A', 'USD', '');
    await f.ok(erin, 'openAccount', 'X', 'USD', '');
    await f.ok(issuer, 'issue', 'mint', 'A', '1000');
    await f.ok(alice, 'foldCredits', 'A', 'i:Org1MSP:mint');
    const debit = await f.endorse(alice, 'pay', ['p1', 'A', 'X', '1000', 'USD', 'ref']);
    expect(f.commit(debit, ['Org2MSP', 'Org3MSP']).commit).toBe('ENDORSEMENT_POLICY_FAILURE');
    expect(await f.query(alice, 'getBalance', 'A')).toMatchObject({ settled: '1000' });
    // With Org1 among the endorsers the same transaction is valid.
    expect(f.commit(debit, ['Org1MSP', 'Org3MSP']).commit).toBe('VALID');
    expect(await f.query(alice, 'getBalance', 'A')).toMatchObject({ settled: '0' });
  });

  test('attack: a member admin races the others to a genesis governance of its own choosing', async () => {
    // Before genesis, Org2's admin writes terms that make Org2 the only issuer. Endorsers
    // accept only the genesis their operators configured.
    const f = new TestFabric({ governance: null });
    f.genesisSha256 = 'ab'.repeat(32);
    const admin2 = await identity({ mspId: 'Org2MSP', cn: 'admin', ou: 'admin' });
    const terms = { ...defaultTerms(), issuers: { USD: ['Org2MSP'] } };
    expect(await f.reject(admin2, 'initGovernance', JSON.stringify(terms))).toMatch(/^GENESIS_MISMATCH: /);
  });

  test('attack: an identity of an MSP outside the governance transacts', async () => {
    // Org9 has a peer on the channel (or an admin's certificate) but is no member of the
    // payments governance: it can open no account and change nothing.
    const { f } = await funded();
    const outsider = await identity({ mspId: 'Org9MSP', cn: 'mallory', ou: 'admin' });
    expect(await f.reject(outsider, 'openAccount', 'O', 'USD', '')).toMatch(/^FORBIDDEN: /);
    expect(await f.reject(outsider, 'proposeGovernance', 'g1', JSON.stringify(defaultTerms()))).toMatch(
      /^FORBIDDEN: /,
    );
  });
});
