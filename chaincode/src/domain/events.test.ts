import '../testing/quiet';
import { SUBMIT_TRANSACTIONS } from '../contract/decorators';
import { canonicalJson } from '../canonical';
import {
  EVENT_NAMES,
  EVENT_SCHEMAS,
  Governance,
  GovernanceProposal,
  isEventName,
  schemaErrors,
} from '@fabpay/model';
import { defaultTerms, eventOf, resultOf, Submitted, TestFabric } from '../testing/fabric';
import { cast, funded } from '../testing/fixtures';
import { identity } from '../testing/identities';
import { termsDigest } from './governance';

/** Transaction → event name, over every test in this file. */
const seen: Record<string, string> = {};
/** Every event name emitted, over every test in this file. */
const emitted = new Set<string>();

/** Clients decode events by @fabpay/model: the name must be one of its events, the payload its shape. */
function conformsToModel(ev: { name: string; payload: unknown }): void {
  expect({ name: ev.name, known: isEventName(ev.name) }).toEqual({ name: ev.name, known: true });
  if (isEventName(ev.name)) expect(schemaErrors(EVENT_SCHEMAS[ev.name], ev.payload)).toEqual([]);
  emitted.add(ev.name);
}

function check(r: Submitted, expected: string): void {
  expect(r.commit).toBe('VALID');
  const ev = eventOf(r);
  expect(ev.name).toBe(expected);
  expect(ev.payload).toEqual(resultOf(r));
  conformsToModel(ev);
  seen[r.fn] = ev.name;
}

/**
 * Every state-changing transaction sets exactly one event with its
 * documented name, and the payload is the transaction's result (so the
 * payload schema is the return schema in the metadata).
 */
test('one documented event per state-changing transaction, payload = result', async () => {
  const { f, c } = await funded();
  check(await f.submit(c.carol, 'openAccount', 'C', 'USD', ''), 'AccountOpened');
  check(await f.submit(c.issuer, 'issue', 'op1', 'C', '1000'), 'Issued');
  check(await f.submit(c.carol, 'foldCredits', 'C', 'i:Org1MSP:op1'), 'CreditsFolded');
  check(await f.submit(c.issuer, 'redeem', 'op2', 'C', '100'), 'Redeemed');
  check(await f.submit(c.carol, 'approve', 'C', c.bob.owner, '0', '50'), 'AllowanceApproved');
  check(await f.submit(c.carol, 'pay', 'pay1', 'C', 'M', '100', 'USD', 'x'), 'PaymentSettled');
  check(await f.submit(c.bob, 'payFrom', 'pay2', 'C', 'M', '50', 'USD', 'x'), 'PaymentSettled');
  check(await f.submit(c.merchant, 'foldCredits', 'M', 'p:C:pay1'), 'CreditsFolded');
  const batchLines = [
    { paymentId: 'pay4', to: 'M', amount: '20', reference: 'x' },
    { paymentId: 'pay5', to: 'B', amount: '30', reference: '' },
  ];
  check(
    await f.submit(c.carol, 'payBatch', 'batch1', 'C', 'USD', JSON.stringify(batchLines)),
    'PaymentBatchSettled',
  );
  check(
    await f.submit(c.merchant, 'payWithCredits', 'pay3', 'M', 'B', '60', 'USD', '', 'p:C:pay2'),
    'PaymentSettled',
  );
  check(await f.submit(c.merchant, 'refund', 'C', 'pay1', 'ref1', '10', 'damaged'), 'PaymentRefunded');
  check(
    await f.submit(c.carol, 'authorizeHold', 'h1', 'C', 'M', '10', 'USD', '2026-03-02T00:00:00Z'),
    'HoldAuthorized',
  );
  check(await f.submit(c.merchant, 'captureHold', 'C', 'h1', '5'), 'HoldCaptured');
  check(
    await f.submit(c.carol, 'authorizeHold', 'h2', 'C', 'M', '10', 'USD', '2026-03-02T00:00:00Z'),
    'HoldAuthorized',
  );
  check(await f.submit(c.merchant, 'releaseHold', 'C', 'h2'), 'HoldReleased');
  check(
    await f.submit(c.carol, 'authorizeHold', 'h3', 'C', 'M', '10', 'USD', '2026-03-01T10:00:01Z'),
    'HoldAuthorized',
  );
  f.advance(1000);
  check(await f.submit(c.bob, 'expireHold', 'C', 'h3'), 'HoldExpired');
  check(await f.submit(c.compliance, 'setComplianceLimits', 'C', '800', '2000'), 'LimitsSet');
  check(await f.submit(c.carol, 'setLimits', 'C', '500', '1000'), 'LimitsSet');
  check(await f.submit(c.compliance, 'freezeAccount', 'B', 'review'), 'AccountFrozen');
  check(await f.submit(c.compliance, 'unfreezeAccount', 'B'), 'AccountUnfrozen');
  await f.ok(c.carol, 'openAccount', 'C2', 'USD', '');
  check(await f.submit(c.carol, 'closeAccount', 'C2'), 'AccountClosed');
  check(await f.submit(c.carol, 'openShardedAccount', 'C3', 'USD', '', '4'), 'AccountOpened');
  check(await f.submit(c.carol, 'rebalanceShards', 'C3'), 'ShardsRebalanced');
});

test('governance events: initialized, proposed, approved; changed carries the proposal and the new governance', async () => {
  const c = await cast();
  const orgs = ['Org1MSP', 'Org2MSP', 'Org3MSP', 'Org4MSP'];
  const terms = defaultTerms(orgs);
  const f = new TestFabric({ governance: null, channelOrgs: orgs });
  f.genesisSha256 = termsDigest(terms);
  const [admin3, admin4] = await Promise.all([
    identity({ mspId: 'Org3MSP', cn: 'admin', ou: 'admin' }),
    identity({ mspId: 'Org4MSP', cn: 'admin', ou: 'admin' }),
  ]);
  check(await f.submit(c.admin, 'initGovernance', canonicalJson(terms)), 'GovernanceInitialized');
  const next = canonicalJson({ ...terms, maxHoldSeconds: 3600 });
  check(await f.submit(c.admin, 'proposeGovernance', 'g1', next), 'GovernanceProposed');
  // 4 members: a majority is 3, so the second org's approval is not yet enough.
  check(await f.submit(c.admin2, 'approveGovernance', 'Org1MSP', 'g1'), 'GovernanceApproved');
  // A repeated approval by the same org changes nothing and sets no event.
  const again = await f.submit(c.admin2, 'approveGovernance', 'Org1MSP', 'g1');
  expect(again.commit).toBe('VALID');
  expect(again.events).toEqual([]);
  expect(again.rw.writes.size).toBe(0);
  // The approval that reaches the majority applies the change. Its event is
  // {proposal, governance}; the transaction returns the (applied) proposal.
  const applied = await f.submit(admin3, 'approveGovernance', 'Org1MSP', 'g1');
  expect(applied.commit).toBe('VALID');
  const ev = eventOf(applied);
  expect(ev.name).toBe('GovernanceChanged');
  const proposal = resultOf<GovernanceProposal>(applied);
  expect(proposal).toMatchObject({ status: 'applied', approvals: ['Org1MSP', 'Org2MSP', 'Org3MSP'] });
  const governance = await f.query<Governance>(admin4, 'getGovernance');
  expect(governance).toMatchObject({ version: 2, maxHoldSeconds: 3600 });
  expect(ev.payload).toEqual({ proposal, governance });
  conformsToModel(ev);
  seen[applied.fn] = ev.name;
});

test('every submit transaction was covered above', () => {
  expect(Object.keys(seen).sort()).toEqual([...SUBMIT_TRANSACTIONS].sort());
});

test('every event of @fabpay/model was emitted above (the model lists no event the chaincode lacks)', () => {
  expect([...emitted].sort()).toEqual([...EVENT_NAMES].sort());
});

test('queries and rejected transactions set no event', async () => {
  const { f, c } = await funded();
  expect((await f.endorse(c.alice, 'getBalance', ['A'])).events).toEqual([]);
  const rejected = await f.endorse(c.bob, 'pay', ['p', 'A', 'M', '1', 'USD', '']);
  expect(rejected.ok).toBe(false);
  expect(rejected.events).toEqual([]);
});
