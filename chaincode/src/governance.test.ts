import './testing/quiet';
import { canonicalJson } from './canonical';
import { parseTerms, termsDigest } from './domain/governance';
import { custodyPolicy } from './custody';
import { KEY } from './keys';
import { Governance, GovernanceProposal, GovernanceTerms } from '@fabpay/model';
import { defaultTerms, eventOf, TestFabric } from './testing/fabric';
import { identity, TestIdentity } from './testing/identities';
import { satisfies } from './testing/policy';

const ORGS = ['Org1MSP', 'Org2MSP', 'Org3MSP'];

async function admins(): Promise<Record<string, TestIdentity>> {
  const entries = await Promise.all(
    ORGS.map(async (m) => [m, await identity({ mspId: m, cn: 'admin', ou: 'admin' })] as const),
  );
  return Object.fromEntries(entries);
}

function threeOrgs(): TestFabric {
  return new TestFabric({ channelOrgs: ORGS, governance: defaultTerms(ORGS) });
}

const json = (t: GovernanceTerms): string => JSON.stringify(t);

describe('governance', () => {
  test('genesis: once, by an admin of a member, only with the terms the endorsers were configured with', async () => {
    const f = new TestFabric({ governance: null });
    const a = await admins();
    const alice = await identity({ mspId: 'Org1MSP', cn: 'alice' });
    const terms = defaultTerms();
    expect(await f.reject(alice, 'openAccount', 'A', 'USD', '')).toMatch(/^GOVERNANCE_NOT_SET: /);
    expect(await f.reject(a.Org1MSP!, 'initGovernance', json(terms))).toMatch(
      /^GENESIS_MISMATCH: .*no genesis/,
    );
    f.genesisSha256 = termsDigest(terms);
    expect(await f.reject(alice, 'initGovernance', json(terms))).toMatch(/^FORBIDDEN: /);
    expect(await f.reject(a.Org3MSP!, 'initGovernance', json(terms))).toMatch(/^FORBIDDEN: /); // not a member
    const g = await f.ok<Governance>(a.Org2MSP!, 'initGovernance', json(terms));
    expect(g).toMatchObject({ ...terms, version: 1 });
    // A replay of the same genesis returns it and writes nothing; other terms are refused.
    const replay = await f.submit(a.Org1MSP!, 'initGovernance', json(terms));
    expect(replay.rw.writes.size).toBe(0);
    expect(await f.reject(a.Org1MSP!, 'initGovernance', json({ ...terms, custody: false }))).toMatch(
      /^GOVERNANCE_EXISTS: /,
    );
    expect(await f.query(alice, 'getGovernance')).toEqual(g);
  });

  test('the digest is of the normalised terms: member order does not matter', () => {
    const a = parseTerms(json({ ...defaultTerms(), members: ['Org2MSP', 'Org1MSP'] }));
    const b = parseTerms(json(defaultTerms()));
    expect(termsDigest(a)).toBe(termsDigest(b));
    expect(canonicalJson(a)).toBe(canonicalJson(b));
  });

  test('bad terms are refused with a message naming the problem, and change nothing', async () => {
    const f = new TestFabric();
    const a = await admins();
    const base = defaultTerms();
    const cases: [unknown, RegExp][] = [
      ['not json', /not valid JSON/],
      [{ ...base, extra: 1 }, /unknown field "extra"/],
      [{ ...base, members: [] }, /at least one/],
      [{ ...base, members: ['Org1MSP', 'Org1MSP'] }, /repeat/],
      [{ ...base, issuers: { XYZ: ['Org1MSP'] } }, /currency table/],
      [{ ...base, issuers: { USD: ['Org9MSP'] } }, /members only/],
      [{ ...base, compliance: { Org9MSP: ['Org1MSP'] } }, /held by members/],
      [{ ...base, maxClockSkewSeconds: 0 }, /maxClockSkewSeconds/],
      [{ ...base, maxHoldSeconds: 1.5 }, /maxHoldSeconds/],
      [{ ...base, custody: 'yes' }, /custody/],
      [(({ custody: _c, ...rest }) => rest)(base), /missing field custody/],
    ];
    for (const [terms, why] of cases) {
      const text = typeof terms === 'string' ? `{${terms}}` : JSON.stringify(terms);
      const message = await f.reject(a.Org1MSP!, 'proposeGovernance', 'g1', text);
      expect(message).toMatch(/^INVALID_ARGUMENT: governance terms: /);
      expect(message).toMatch(why);
    }
    expect((await f.query<{ count: number }>(a.Org1MSP!, 'listGovernanceProposals', '10', '')).count).toBe(0);
  });

  test('a change takes effect only when approvals reach a majority of the members', async () => {
    const f = threeOrgs();
    const a = await admins();
    const erin = await identity({ mspId: 'Org3MSP', cn: 'erin', attrs: { 'payments.role': 'issuer' } });
    const alice = await identity({ mspId: 'Org1MSP', cn: 'alice' });
    await f.ok(alice, 'openAccount', 'A', 'EUR', '');
    expect(await f.reject(erin, 'issue', 'm1', 'A', '100')).toMatch(/^FORBIDDEN: .*not granted/);
    const terms = {
      ...defaultTerms(ORGS),
      issuers: { ...defaultTerms(ORGS).issuers, EUR: ['Org1MSP', 'Org3MSP'] },
    };
    const proposed = await f.submit(a.Org3MSP!, 'proposeGovernance', 'eur-org3', json(terms));
    expect(eventOf(proposed).name).toBe('GovernanceProposed');
    expect(await f.query(alice, 'getGovernance')).toMatchObject({ version: 1 });
    expect(await f.reject(erin, 'issue', 'm1', 'A', '100')).toMatch(/^FORBIDDEN: /);
    // Non-admins and non-members cannot approve; approving twice changes nothing.
    expect(await f.reject(alice, 'approveGovernance', 'Org3MSP', 'eur-org3')).toMatch(/^FORBIDDEN: /);
    const outsider = await identity({ mspId: 'Org9MSP', cn: 'admin', ou: 'admin' });
    expect(await f.reject(outsider, 'approveGovernance', 'Org3MSP', 'eur-org3')).toMatch(/^FORBIDDEN: /);
    const again = await f.submit(a.Org3MSP!, 'approveGovernance', 'Org3MSP', 'eur-org3');
    expect(again.rw.writes.size).toBe(0);
    // The second org's approval is the majority (2 of 3): it applies.
    const applied = await f.submit(a.Org2MSP!, 'approveGovernance', 'Org3MSP', 'eur-org3');
    expect(eventOf(applied)).toMatchObject({
      name: 'GovernanceChanged',
      payload: { governance: { version: 2, issuers: { EUR: ['Org1MSP', 'Org3MSP'] } } },
    });
    expect(
      await f.query<GovernanceProposal>(alice, 'getGovernanceProposal', 'Org3MSP', 'eur-org3'),
    ).toMatchObject({
      status: 'applied',
      approvals: ['Org2MSP', 'Org3MSP'],
    });
    expect(await f.reject(erin, 'issue', 'm1', 'A', '100')).toBe('');
    expect(await f.reject(a.Org1MSP!, 'approveGovernance', 'Org3MSP', 'eur-org3')).toMatch(
      /^PROPOSAL_NOT_OPEN: /,
    );
  });

  test('a proposal made on an older version is stale; proposal IDs are scoped per MSP', async () => {
    const f = threeOrgs();
    const a = await admins();
    const t1 = { ...defaultTerms(ORGS), maxHoldSeconds: 3600 };
    const t2 = { ...defaultTerms(ORGS), maxClockSkewSeconds: 30 };
    await f.ok(a.Org1MSP!, 'proposeGovernance', 'x', json(t1));
    await f.ok(a.Org2MSP!, 'proposeGovernance', 'x', json(t2)); // same ID, other MSP: no clash
    expect(await f.reject(a.Org1MSP!, 'proposeGovernance', 'x', json(t2))).toMatch(/^DUPLICATE_PROPOSAL: /);
    await f.ok(a.Org2MSP!, 'approveGovernance', 'Org1MSP', 'x'); // t1 applies (version 2)
    expect(await f.reject(a.Org3MSP!, 'approveGovernance', 'Org2MSP', 'x')).toMatch(/^PROPOSAL_STALE: /);
    expect(await f.reject(a.Org3MSP!, 'approveGovernance', 'Org2MSP', 'nope')).toMatch(
      /^PROPOSAL_NOT_FOUND: /,
    );
    const page = await f.query<{ items: GovernanceProposal[] }>(
      a.Org3MSP!,
      'listGovernanceProposals',
      '10',
      '',
    );
    expect(page.items.map((p) => [p.proposer, p.proposalId, p.status])).toEqual([
      ['Org1MSP', 'x', 'applied'],
      ['Org2MSP', 'x', 'stale'],
    ]);
    expect(await f.query(a.Org3MSP!, 'getGovernanceProposal', 'Org2MSP', 'x')).toMatchObject({
      status: 'stale',
    });
  });

  test('membership: removing an org stops its identities; its accounts stay readable', async () => {
    const f = threeOrgs();
    const a = await admins();
    const frank = await identity({ mspId: 'Org3MSP', cn: 'frank' });
    await f.ok(frank, 'openAccount', 'F', 'USD', '');
    const without3 = { ...defaultTerms(['Org1MSP', 'Org2MSP']) };
    await f.ok(a.Org1MSP!, 'proposeGovernance', 'drop3', json(without3));
    await f.ok(a.Org2MSP!, 'approveGovernance', 'Org1MSP', 'drop3');
    expect(await f.reject(frank, 'openAccount', 'F2', 'USD', '')).toMatch(/^FORBIDDEN: .*not a member/);
    expect(await f.query(frank, 'getAccount', 'F')).toMatchObject({ accountId: 'F', status: 'active' });
  });

  test("membership: no money moves into or out of a departed org's accounts", async () => {
    const f = threeOrgs();
    const a = await admins();
    const issuer = await identity({ mspId: 'Org1MSP', cn: 'issuer', attrs: { 'payments.role': 'issuer' } });
    const alice = await identity({ mspId: 'Org1MSP', cn: 'alice' });
    const frank = await identity({ mspId: 'Org3MSP', cn: 'frank' });
    await f.ok(alice, 'openAccount', 'A', 'USD', '');
    await f.ok(frank, 'openAccount', 'F', 'USD', '');
    await f.ok(issuer, 'issue', 'i1', 'A', '1000');
    await f.ok(alice, 'foldCredits', 'A', 'i:Org1MSP:i1');
    await f.ok(alice, 'pay', 'p1', 'A', 'F', '100', 'USD', 'before');
    // frank lets alice spend from F while Org3 is a member
    await f.ok(frank, 'approve', 'F', alice.owner, '0', '50');
    await f.ok(a.Org1MSP!, 'proposeGovernance', 'drop3', json(defaultTerms(['Org1MSP', 'Org2MSP'])));
    await f.ok(a.Org2MSP!, 'approveGovernance', 'Org1MSP', 'drop3');
    // A payment into F would strand the money with an org that no longer takes part.
    expect(await f.reject(alice, 'pay', 'p2', 'A', 'F', '100', 'USD', 'after')).toMatch(
      /^ORG_NOT_MEMBER: account F belongs to Org3MSP/,
    );
    expect(await f.reject(issuer, 'issue', 'i2', 'F', '100')).toMatch(/^ORG_NOT_MEMBER: /);
    expect(await f.reject(alice, 'payFrom', 'p3', 'F', 'A', '10', 'USD', 'pull')).toMatch(
      /^ORG_NOT_MEMBER: /,
    );
    // The replay of a payment made before still answers with its result.
    expect(await f.ok(alice, 'pay', 'p1', 'A', 'F', '100', 'USD', 'before')).toMatchObject({
      status: 'settled',
    });
  });

  test('trusted time: a submit more than the governed skew from the endorser clock is refused, queries are not', async () => {
    const f = new TestFabric();
    const alice = await identity({ mspId: 'Org1MSP', cn: 'alice' });
    f.skewMs = 60_000;
    expect(await f.reject(alice, 'openAccount', 'A', 'USD', '')).toBe('');
    f.skewMs = -60_001;
    expect(await f.reject(alice, 'openAccount', 'B', 'USD', '')).toMatch(/^CLOCK_SKEW: .*at most 60 s/);
    f.skewMs = 10 * 60_000;
    expect(await f.query(alice, 'getAccount', 'A')).toMatchObject({ accountId: 'A' });
  });
});

test('grants are own properties: an MSP named like an Object.prototype member gets no grant', async () => {
  const orgs = ['Org1MSP', 'constructor'];
  const f = new TestFabric({
    channelOrgs: orgs,
    governance: { ...defaultTerms(orgs), compliance: { Org1MSP: ['Org1MSP'] } },
  });
  const alice = await identity({ mspId: 'Org1MSP', cn: 'alice' });
  const odd = await identity({ mspId: 'constructor', cn: 'c', attrs: { 'payments.role': 'compliance' } });
  await f.ok(alice, 'openAccount', 'A', 'USD', '');
  expect(await f.reject(odd, 'freezeAccount', 'A', 'x')).toMatch(/^FORBIDDEN: /);
  expect(await f.reject(odd, 'setComplianceLimits', 'A', '1', '1')).toMatch(/^FORBIDDEN: /);
});

test('freezing a frozen account for the same reason and unfreezing an active one write nothing', async () => {
  const f = new TestFabric();
  const alice = await identity({ mspId: 'Org1MSP', cn: 'alice' });
  const compliance = await identity({ mspId: 'Org1MSP', cn: 'co', attrs: { 'payments.role': 'compliance' } });
  await f.ok(alice, 'openAccount', 'A', 'USD', '');
  const unfreeze = await f.submit(compliance, 'unfreezeAccount', 'A');
  expect([unfreeze.ok, unfreeze.rw.writes.size, unfreeze.events.length]).toEqual([true, 0, 0]);
  await f.ok(compliance, 'freezeAccount', 'A', 'review');
  const again = await f.submit(compliance, 'freezeAccount', 'A', 'review');
  expect([again.ok, again.rw.writes.size, again.events.length]).toEqual([true, 0, 0]);
  expect((await f.submit(compliance, 'freezeAccount', 'A', 'other reason')).rw.writes.size).toBe(1);
});

describe('custody policy', () => {
  test('owner org and a majority of members, with each endorsement counted once', () => {
    const p3 = custodyPolicy('Org1MSP', ORGS);
    expect(satisfies(p3, ['Org1MSP', 'Org2MSP'])).toBe(true);
    expect(satisfies(p3, ['Org1MSP', 'Org3MSP'])).toBe(true);
    expect(satisfies(p3, ['Org2MSP', 'Org3MSP'])).toBe(false);
    expect(satisfies(p3, ['Org1MSP', 'Org1MSP'])).toBe(false);
    const p2 = custodyPolicy('Org2MSP', ['Org1MSP', 'Org2MSP']);
    expect(satisfies(p2, ['Org1MSP', 'Org2MSP'])).toBe(true);
    expect(satisfies(p2, ['Org2MSP'])).toBe(false);
    expect(satisfies(custodyPolicy('Org1MSP', ['Org1MSP']), ['Org1MSP'])).toBe(true);
  });

  test('account keys carry it when custody is on, credits never do; with custody off nothing does', async () => {
    for (const custody of [true, false]) {
      const f = new TestFabric({ governance: { ...defaultTerms(), custody } });
      const alice = await identity({ mspId: 'Org1MSP', cn: 'alice' });
      const issuer = await identity({ mspId: 'Org1MSP', cn: 'issuer', attrs: { 'payments.role': 'issuer' } });
      await f.ok(alice, 'openAccount', 'A', 'USD', '');
      await f.ok(issuer, 'issue', 'm', 'A', '10');
      const key = (type: string, ...attrs: string[]) =>
        `\u0000${type}\u0000${attrs.map((x) => `${x}\u0000`).join('')}`;
      expect(!!f.ledger.policyOf(key(KEY.balance, 'A'))).toBe(custody);
      expect(!!f.ledger.policyOf(key(KEY.account, 'A'))).toBe(custody);
      expect(f.ledger.policyOf(key(KEY.credit, 'A', 'i:Org1MSP:m'))).toBeUndefined();
    }
  });
});
