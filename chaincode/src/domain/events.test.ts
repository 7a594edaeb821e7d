import '../testing/quiet';
import { eventOf, resultOf, Submitted } from '../testing/fabric';
import { funded } from '../testing/fixtures';

/**
 * Every state-changing transaction sets exactly one event with its
 * documented name, and the payload is the transaction's result (so the
 * payload schema is the return schema in the metadata).
 */
test('one documented event per state-changing transaction, payload = result', async () => {
  const { f, c } = await funded();
  const seen: Record<string, string> = {};
  const check = (r: Submitted, expected: string) => {
    expect(r.commit).toBe('VALID');
    const ev = eventOf(r);
    expect(ev.name).toBe(expected);
    expect(ev.payload).toEqual(resultOf(r));
    seen[r.fn] = ev.name;
  };
  check(await f.submit(c.carol, 'openAccount', 'C', 'USD', ''), 'AccountOpened');
  check(await f.submit(c.issuer, 'issue', 'op1', 'C', '1000'), 'Issued');
  check(await f.submit(c.carol, 'foldCredits', 'C', 'i.op1'), 'CreditsFolded');
  check(await f.submit(c.issuer, 'redeem', 'op2', 'C', '100'), 'Redeemed');
  check(await f.submit(c.carol, 'approve', 'C', c.bob.owner, '50'), 'AllowanceApproved');
  check(await f.submit(c.carol, 'pay', 'pay1', 'C', 'M', '100', 'USD', 'x'), 'PaymentSettled');
  check(await f.submit(c.bob, 'payFrom', 'pay2', 'C', 'M', '50', 'USD', 'x'), 'PaymentSettled');
  check(await f.submit(c.merchant, 'foldCredits', 'M', 'p.pay1'), 'CreditsFolded');
  check(
    await f.submit(c.merchant, 'payWithCredits', 'pay3', 'M', 'B', '60', 'USD', '', 'p.pay2'),
    'PaymentSettled',
  );
  check(await f.submit(c.merchant, 'refund', 'ref1', 'pay1', '10', 'damaged'), 'PaymentRefunded');
  check(
    await f.submit(c.carol, 'authorizeHold', 'h1', 'C', 'M', '10', 'USD', '2026-03-02T00:00:00Z'),
    'HoldAuthorized',
  );
  check(await f.submit(c.merchant, 'captureHold', 'h1', '5'), 'HoldCaptured');
  check(
    await f.submit(c.carol, 'authorizeHold', 'h2', 'C', 'M', '10', 'USD', '2026-03-02T00:00:00Z'),
    'HoldAuthorized',
  );
  check(await f.submit(c.carol, 'releaseHold', 'h2'), 'HoldReleased');
  check(
    await f.submit(c.carol, 'authorizeHold', 'h3', 'C', 'M', '10', 'USD', '2026-03-01T10:00:01Z'),
    'HoldAuthorized',
  );
  f.advance(1000);
  check(await f.submit(c.bob, 'expireHold', 'h3'), 'HoldExpired');
  check(await f.submit(c.carol, 'setLimits', 'C', '500', '1000'), 'LimitsSet');
  check(await f.submit(c.compliance, 'freezeAccount', 'B', 'review'), 'AccountFrozen');
  check(await f.submit(c.compliance, 'unfreezeAccount', 'B'), 'AccountUnfrozen');
  await f.ok(c.carol, 'openAccount', 'C2', 'USD', '');
  check(await f.submit(c.carol, 'closeAccount', 'C2'), 'AccountClosed');
  expect(Object.keys(seen).sort()).toEqual([
    'approve',
    'authorizeHold',
    'captureHold',
    'closeAccount',
    'expireHold',
    'foldCredits',
    'freezeAccount',
    'issue',
    'openAccount',
    'pay',
    'payFrom',
    'payWithCredits',
    'redeem',
    'refund',
    'releaseHold',
    'setLimits',
    'unfreezeAccount',
  ]);
});

test('queries and rejected transactions set no event', async () => {
  const { f, c } = await funded();
  expect((await f.endorse(c.alice, 'getBalance', ['A'])).events).toEqual([]);
  const rejected = await f.endorse(c.bob, 'pay', ['p', 'A', 'M', '1', 'USD', '']);
  expect(rejected.ok).toBe(false);
  expect(rejected.events).toEqual([]);
});
