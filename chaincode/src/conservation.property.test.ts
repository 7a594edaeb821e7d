import './testing/quiet';
import fc from 'fast-check';
import { canonicalJson } from './canonical';
import { KEY } from './keys';
import { BalanceRecord } from './state-records';
import {
  Account,
  ConservationLine,
  Credit,
  EVENT_SCHEMAS,
  Governance,
  GovernanceProposal,
  GovernanceTerms,
  Hold,
  Issuance,
  isErrorCode,
  isEventName,
  Payment,
  PaymentBatch,
  schemaErrors,
} from '@fabpay/model';
import { defaultTerms, Endorsement, Submitted, TestFabric } from './testing/fabric';
import { MemoryLedger } from './testing/memory-ledger';
import { identity, TestIdentity } from './testing/identities';

/**
 * Property: over random operation sequences on a three-org channel (valid
 * and invalid amounts, replays, duplicate IDs, holds through every end
 * state, refunds, freezes, allowances, limits, folds by owners, admins and
 * strangers, roles held by orgs without the grant, skewed proposal
 * timestamps, governance proposals and approvals by admins and non-admins of
 * members and of an outsider, governance contests (competing proposals,
 * approvals of stale ones), batch payouts (valid and refused lines, replays
 * and reused batch IDs), partial endorsement, client retries (one request
 * endorsed twice) and pairs of transactions endorsed against the same state
 * and committed together):
 *
 * after every step, on committed state
 * - per currency, settled available + held + pending credits = issued − redeemed;
 * - no balance, credit or allowance is negative, refunds stay within their
 *   payment, captures within their hold, and an account's held balance is
 *   the sum of its authorized holds;
 * - credits carry no key-level policy (payments to one payee never need it);
 *
 * and for every committed transaction, judged against the state it committed on
 * - the caller's MSP was a member, and the proposal timestamp was within the
 *   governed skew of the endorser's clock;
 * - no money left an account that was frozen (its settled available + held
 *   did not decrease; folds only add);
 * - every Issued / Redeemed record's initiator MSP held the grant for the
 *   currency, and redeems drew on the initiator's own MSP's accounts;
 * - freezes, unfreezes and compliance limits came from compliance of an MSP
 *   granted the account owner's MSP;
 * - a balance under custody changed only with its owner's org endorsing;
 * - holds were authorized for at most the governed duration;
 * - a batch was paid from an account its caller owns, its total is the sum
 *   of its lines, and the payer's settled balance fell by exactly that;
 * - governance changed only by one version, to the terms of a proposal on
 *   that base version approved (per an independent record of committed
 *   proposals and approvals by org admins) by a majority of the members of
 *   the base version.
 */

// ---- cast ----

const ORGS = ['Org1MSP', 'Org2MSP', 'Org3MSP'] as const;
/** An org on no channel and, at genesis, in no governance (governance may admit it). */
const OUTSIDER = 'Org4MSP';
const msp = (n: number) => `Org${n}MSP`;

const PEOPLE: Record<string, string> = {
  alice: 'Org1MSP',
  bob: 'Org1MSP',
  carol: 'Org1MSP',
  merchant: 'Org2MSP',
  dave: 'Org2MSP',
  erin: 'Org3MSP',
  frank: OUTSIDER,
};
/** A non-admin, role-less person of each org (for refused governance calls). */
const PERSON_OF: Record<number, string> = { 1: 'alice', 2: 'merchant', 3: 'erin', 4: 'frank' };

const ids: Record<string, TestIdentity> = {};
const issuerOf = (n: number) => ids[`issuer${n}`] as TestIdentity;
const complianceOf = (n: number) => ids[`compliance${n}`] as TestIdentity;
const adminOf = (n: number) => ids[`admin${n}`] as TestIdentity;
const person = (name: string) => ids[name] as TestIdentity;

/** Account → [owner, currency]. */
const ACCOUNTS = {
  A: ['alice', 'USD'],
  B: ['bob', 'USD'],
  C: ['carol', 'USD'],
  M: ['merchant', 'USD'],
  N: ['erin', 'USD'],
  D: ['dave', 'EUR'],
  E: ['alice', 'EUR'],
  F: ['erin', 'EUR'],
} as const;
type Acct = keyof typeof ACCOUNTS;
const ACCOUNT_IDS = Object.keys(ACCOUNTS) as Acct[];
const ownerName = (a: Acct) => ACCOUNTS[a][0];
const ownerOf = (a: string) => person(ownerName(a as Acct));
const orgNumberOf = (a: Acct) => Number(PEOPLE[ownerName(a)]?.slice(3, 4));
const CUR = (a: Acct) => ACCOUNTS[a][1];
const SEED: Record<Acct, string> = {
  A: '5000',
  B: '5000',
  C: '2000',
  M: '1000',
  N: '2000',
  D: '2000',
  E: '3000',
  F: '1000',
};
/** Allowances granted at setup: [account, spender]. */
const ALLOWANCES: [Acct, string][] = [
  ['A', 'bob'],
  ['N', 'dave'],
];

// ---- operations ----

const acct = fc.constantFrom(...ACCOUNT_IDS);
/** A payee for `from`: mostly another account of its currency, sometimes any (mismatches, same account). */
function payeeOf(from: Acct, n: number, roll: number): Acct {
  if (roll <= 15) return ACCOUNT_IDS[n % ACCOUNT_IDS.length] as Acct;
  const peers = ACCOUNT_IDS.filter((a) => a !== from && CUR(a) === CUR(from));
  return peers[n % peers.length] as Acct;
}
/** Payer and payee: mostly two accounts of one currency, sometimes any two (mismatches, same account). */
const parties = fc
  .tuple(acct, fc.nat(), fc.integer({ min: 1, max: 100 }))
  .map(([from, n, roll]): { from: Acct; to: Acct } => ({ from, to: payeeOf(from, n, roll) }));
const amount = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 1, max: 3000 }).map(String) },
  { weight: 1, arbitrary: fc.constantFrom('0', '-5', '1.5', '007', '', '1e3', '1000000000000000000000001') },
);
/** Mostly the payer's own currency ('auto'), sometimes a fixed one (mismatches). */
const currency = fc.constantFrom('auto', 'auto', 'auto', 'auto', 'USD', 'EUR');
const cur = (from: Acct, c: string) => (c === 'auto' ? CUR(from) : c);
/** A share of the referenced hold/payment (mostly valid), or a raw amount. */
const share = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 100 }).map((pct) => ({ pct, raw: '' })) },
  { weight: 1, arbitrary: amount.map((raw) => ({ pct: 0, raw })) },
);
const portion = (total: string | undefined, s: { pct: number; raw: string }) =>
  s.pct === 0 ? s.raw : total === undefined ? '1' : ((BigInt(total) * BigInt(s.pct)) / 100n || 1n).toString();
const id = (prefix: string, n: number) => fc.integer({ min: 0, max: n - 1 }).map((i) => `${prefix}${i}`);
/** Which org's role holder or admin acts: the owner's own org ('own'), or org 1..4 (4 is the outsider). */
const org = fc.constantFrom<'own' | 1 | 2 | 3 | 4>('own', 'own', 1, 2, 3, 4);
const issuingOrg = fc.constantFrom(1, 1, 1, 2, 3, 4);
const mostly = (p: number) => fc.integer({ min: 1, max: 100 }).map((n) => n <= p);
/** Orgs whose peers endorse: usually all of the channel's, sometimes a coalition that leaves one out. */
const endorsers = fc.constantFrom<readonly string[]>(
  ORGS,
  ORGS,
  ORGS,
  ORGS,
  ORGS,
  ORGS,
  ['Org1MSP', 'Org2MSP'],
  ['Org1MSP', 'Org3MSP'],
  ['Org2MSP', 'Org3MSP'],
  ['Org2MSP'],
);
const limit = fc.constantFrom('', '', '300', '2000', '5000');

const ALL_ORGS = [...ORGS, OUTSIDER];
/** Complete governance terms; sometimes invalid (an issuer that is not a member). */
const terms = fc
  .record({
    members: fc.constantFrom<string[]>(
      [...ORGS],
      [...ORGS],
      [...ORGS],
      ['Org1MSP', 'Org2MSP'],
      ['Org2MSP', 'Org3MSP'],
      ALL_ORGS,
    ),
    usd: fc.subarray(ALL_ORGS),
    eur: fc.subarray(ALL_ORGS),
    extraCompliance: fc.array(fc.tuple(fc.constantFrom(...ALL_ORGS), fc.constantFrom(...ALL_ORGS)), {
      maxLength: 3,
    }),
    maxClockSkewSeconds: fc.constantFrom(30, 60, 60, 90),
    maxHoldSeconds: fc.constantFrom(60, 3600, 604800),
    custody: mostly(80),
    valid: mostly(90),
  })
  .map((r): string => {
    const members = [...r.members].sort();
    const issuers: Record<string, string[]> = {};
    for (const [code, list] of [
      ['USD', r.usd],
      ['EUR', r.eur],
    ] as const) {
      const granted = list.filter((m) => !r.valid || members.includes(m)).sort();
      if (granted.length > 0) issuers[code] = granted;
    }
    const compliance: Record<string, string[]> = Object.fromEntries(members.map((m) => [m, [m]]));
    for (const [holder, over] of r.extraCompliance) {
      const list = compliance[holder];
      if (list && !list.includes(over)) compliance[holder] = [...list, over].sort();
    }
    const t: GovernanceTerms = {
      members,
      issuers,
      compliance,
      maxClockSkewSeconds: r.maxClockSkewSeconds,
      maxHoldSeconds: r.maxHoldSeconds,
      custody: r.custody,
    };
    return canonicalJson(t);
  });

const txOps = {
  pay: fc.record({ parties, amount, pid: id('p', 4), currency }),
  payFrom: fc.record({ grant: fc.nat(), to: acct, amount, pid: id('p', 4), currency, stray: mostly(15) }),
  payWith: fc.record({ parties, amount, pid: id('p', 4), currency }),
  // Line payment IDs share the pays' p0..p3 (collisions: DUPLICATE_PAYMENT) and add q0..q7.
  // Mostly from A, so that batch IDs get reused (replays and DUPLICATE_BATCH).
  batch: fc.record({
    from: fc.oneof(fc.constant<Acct>('A'), acct),
    lines: fc.array(
      fc.record({
        n: fc.nat(),
        roll: fc.integer({ min: 1, max: 100 }),
        amount,
        pid: fc.oneof(id('p', 4), id('q', 8), id('q', 8)),
      }),
      { minLength: 1, maxLength: 4 },
    ),
    bid: id('b', 2),
    currency,
  }),
  fold: fc.record({ ref: fc.nat(), by: fc.constantFrom('owner', 'owner', 'owner', 'admin', 'stranger') }),
  refund: fc.record({ ref: fc.nat(), share, rid: id('r', 4), byPayee: mostly(85) }),
  capture: fc.record({
    ref: fc.nat(),
    share,
    byPayee: mostly(85),
    waitMs: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.nat(45_000) }),
  }),
  redeem: fc.record({ acct, amount, op: id('o', 6), org: issuingOrg }),
  issue: fc.record({ acct, amount, op: id('o', 6), org: issuingOrg }),
  hold: fc.record({
    parties,
    amount,
    hid: id('h', 3),
    currency,
    ttl: fc.oneof(
      { weight: 12, arbitrary: fc.integer({ min: 1, max: 40 }) },
      { weight: 1, arbitrary: fc.constant(8 * 24 * 3600) },
    ),
  }),
  release: fc.record({ ref: fc.nat(), byPayee: mostly(75) }),
  expire: fc.record({ ref: fc.nat(), waitMs: fc.integer({ min: 0, max: 45_000 }) }),
  freeze: fc.record({ acct, on: fc.constantFrom(true, true, false), org }),
  limits: fc.record({
    acct,
    layer: fc.constantFrom('owner', 'compliance'),
    perPayment: limit,
    perDay: limit,
    org,
  }),
  allowance: fc.record({ pair: fc.nat(), right: mostly(80), amount: fc.constantFrom('0', '500', '1500') }),
  propose: fc.record({
    org: fc.constantFrom(1, 1, 2, 2, 3, 3, 4),
    admin: mostly(90),
    pid: id('g', 2),
    terms,
  }),
  approve: fc.record({ org: fc.constantFrom(1, 2, 2, 3, 3, 4), admin: mostly(90), ref: fc.nat() }),
};
type TxKind = keyof typeof txOps;
type ValueOf<A> = A extends fc.Arbitrary<infer V> ? V : never;
type TxOp = { [K in TxKind]: { kind: K; end: readonly string[] } & ValueOf<(typeof txOps)[K]> }[TxKind];

const txWeights: Record<TxKind, number> = {
  pay: 6,
  payFrom: 2,
  payWith: 2,
  batch: 3,
  fold: 4,
  refund: 3,
  capture: 3,
  redeem: 2,
  issue: 2,
  hold: 4,
  release: 2,
  expire: 2,
  freeze: 3,
  limits: 1,
  allowance: 1,
  propose: 5,
  approve: 3,
};
const txOp: fc.Arbitrary<TxOp> = fc.oneof(
  ...(Object.keys(txOps) as TxKind[]).map((kind) => ({
    weight: txWeights[kind],
    arbitrary: fc
      .tuple(txOps[kind] as fc.Arbitrary<object>, endorsers)
      .map(([o, end]) => ({ ...o, kind, end }) as TxOp),
  })),
);
const op = fc.oneof(
  { weight: 12, arbitrary: txOp },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 1, max: 15_000 }) }),
  },
  {
    // The client's proposal timestamp from now on: honest, skewed within the bound, or anywhere in ±2 min.
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('skew' as const),
      ms: fc.oneof(
        { weight: 2, arbitrary: fc.constant(0) },
        { weight: 2, arbitrary: fc.integer({ min: -29_000, max: 29_000 }) },
        { weight: 1, arbitrary: fc.integer({ min: -120_000, max: 120_000 }) },
      ),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('race' as const), a: txOp, b: txOp }) },
  // A client retry before the first attempt committed: the same request endorsed twice.
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('double' as const), a: txOp }) },
  {
    // A governance contest: several proposals and approvals in a row, so
    // proposals compete for one base version and the losers go stale.
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('contest' as const),
      ops: fc.array(
        fc.oneof(
          fc.tuple(txOps.propose, endorsers).map(([o, end]) => ({ ...o, kind: 'propose' as const, end })),
          fc.tuple(txOps.approve, endorsers).map(([o, end]) => ({ ...o, kind: 'approve' as const, end })),
        ),
        { minLength: 3, maxLength: 6 },
      ),
    }),
  },
);
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

// ---- statistics: prove the generator reaches the paths that matter ----

const committed: Record<string, number> = {};
const refused: Record<string, number> = {};
const outcomes: Record<string, number> = {};
const eventsSeen: Record<string, number> = {};
let wrongOrgRoleRefusals = 0;

function tally(map: Record<string, number>, key: string): void {
  map[key] = (map[key] ?? 0) + 1;
}

// ---- harness ----

let f: TestFabric;
let base: MemoryLedger;
const START = new Date('2026-03-01T10:00:00.000Z');
/** Independent record of committed proposals and approvals: "<proposer>/<proposalId>" → approving MSPs. */
let approvalsModel = new Map<string, Set<string>>();

beforeAll(async () => {
  for (const [name, mspId] of Object.entries(PEOPLE)) {
    ids[name] = await identity({ mspId, cn: name });
  }
  for (let n = 1; n <= 4; n += 1) {
    ids[`issuer${n}`] = await identity({ mspId: msp(n), cn: 'issuer', attrs: { 'payments.role': 'issuer' } });
    ids[`compliance${n}`] = await identity({
      mspId: msp(n),
      cn: 'compliance',
      attrs: { 'payments.role': 'compliance' },
    });
    ids[`admin${n}`] = await identity({ mspId: msp(n), cn: 'admin', ou: 'admin' });
  }
  f = new TestFabric({ channelOrgs: ORGS, governance: defaultTerms(ORGS) });
  f.now = START;
  for (const a of ACCOUNT_IDS) {
    await f.ok(ownerOf(a), 'openAccount', a, CUR(a), '');
    await f.ok(issuerOf(1), 'issue', `seed-${a}`, a, SEED[a]);
    await f.ok(ownerOf(a), 'foldCredits', a, `i:Org1MSP:seed-${a}`);
  }
  for (const [a, spender] of ALLOWANCES) {
    await f.ok(ownerOf(a), 'approve', a, person(spender).owner, '0', '1500');
  }
  base = f.ledger;
});

const orgOfOwner = (owner: string) => owner.slice(0, owner.indexOf('::'));
const majority = (members: readonly string[]) => Math.floor(members.length / 2) + 1;
const resolveOrg = (o: 'own' | number, a: Acct) => (o === 'own' ? orgNumberOf(a) : o);

// Client-side lookups read committed state directly: they only pick who
// submits next. Operations on holds and payments mostly name one that
// exists (as a client would); 'h9' / 'p9' stand for an unknown ID.
function pickHold(ref: number): Hold | null {
  const all = f.peekAll<Hold>(KEY.hold, []);
  const open = all.filter((h) => h.status === 'authorized');
  const from = open.length > 0 && ref % 4 !== 0 ? open : all;
  return from.length ? (from[ref % from.length] as Hold) : null;
}
function pickPayment(ref: number): Payment | null {
  const all = f.peekAll<Payment>(KEY.payment, []);
  return all.length ? (all[ref % all.length] as Payment) : null;
}
function pickProposal(ref: number): GovernanceProposal | null {
  const all = f.peekAll<GovernanceProposal>(KEY.proposal, []);
  const open = all.filter((p) => p.status === 'open');
  const from = open.length > 0 && ref % 5 !== 0 ? open : all;
  return from.length ? (from[ref % from.length] as GovernanceProposal) : null;
}

/** One endorsement with what the invariants need to judge its commit. */
interface Pending {
  e: Endorsement;
  who: TestIdentity;
  /** The endorser's clock at endorsement. */
  clock: number;
  endorsers: readonly string[];
}

async function endorse(o: TxOp): Promise<Pending> {
  const run = async (who: TestIdentity, fn: string, ...args: string[]): Promise<Pending> => {
    const clock = f.now.getTime();
    const e = await f.endorse(who, fn, args);
    if (!e.ok) {
      tally(refused, e.message.slice(0, e.message.indexOf(':')));
      if (/not granted (issuance|compliance)/.test(e.message)) {
        wrongOrgRoleRefusals += 1;
      }
    }
    return { e, who, clock, endorsers: o.end };
  };
  switch (o.kind) {
    case 'pay': {
      const { from, to } = o.parties;
      return run(ownerOf(from), 'pay', o.pid, from, to, o.amount, cur(from, o.currency), '');
    }
    case 'payFrom': {
      // Mostly a spender with an allowance, sometimes one without.
      const [from, spender] = ALLOWANCES[o.grant % ALLOWANCES.length] as [Acct, string];
      const who = person(o.stray ? 'carol' : spender);
      return run(who, 'payFrom', o.pid, from, o.to, o.amount, cur(from, o.currency), '');
    }
    case 'payWith': {
      const { from, to } = o.parties;
      const pending = f.peekAll<Credit>(KEY.credit, [from]).map((x) => x.creditId);
      const args = [o.pid, from, to, o.amount, cur(from, o.currency), '', pending.join(',')];
      return run(ownerOf(from), 'payWithCredits', ...args);
    }
    case 'batch': {
      const lines = o.lines.map((l) => ({
        paymentId: l.pid,
        to: payeeOf(o.from, l.n, l.roll),
        amount: l.amount,
        reference: '',
      }));
      return run(ownerOf(o.from), 'payBatch', o.bid, o.from, cur(o.from, o.currency), JSON.stringify(lines));
    }
    case 'fold': {
      // Mostly an account that has pending credits, as a client listing them would.
      const withCredits = ACCOUNT_IDS.filter((a) => f.peekAll<Credit>(KEY.credit, [a]).length > 0);
      const a =
        withCredits.length && o.ref % 5 !== 0 ? (withCredits[o.ref % withCredits.length] as Acct) : 'A';
      const pending = f.peekAll<Credit>(KEY.credit, [a]).map((x) => x.creditId);
      const list = pending.length ? pending.join(',') : 'p:B:none';
      const who =
        o.by === 'owner' ? ownerOf(a) : o.by === 'admin' ? adminOf(orgNumberOf(a)) : person('carol');
      return run(who, 'foldCredits', a, list);
    }
    case 'refund': {
      const p = pickPayment(o.ref);
      const who = p ? ownerOf(o.byPayee ? p.to : p.from) : person('carol');
      return run(who, 'refund', p?.from ?? 'A', p?.paymentId ?? 'p9', o.rid, portion(p?.amount, o.share), '');
    }
    case 'capture': {
      f.advance(o.waitMs);
      const h = pickHold(o.ref);
      const who = h ? ownerOf(o.byPayee ? h.to : h.from) : person('carol');
      return run(who, 'captureHold', h?.from ?? 'A', h?.holdId ?? 'h9', portion(h?.amount, o.share));
    }
    case 'redeem':
      return run(issuerOf(o.org), 'redeem', o.op, o.acct, o.amount);
    case 'issue':
      return run(issuerOf(o.org), 'issue', o.op, o.acct, o.amount);
    case 'hold': {
      const { from, to } = o.parties;
      const expiresAt = new Date(f.now.getTime() + o.ttl * 1000).toISOString();
      return run(ownerOf(from), 'authorizeHold', o.hid, from, to, o.amount, cur(from, o.currency), expiresAt);
    }
    case 'release': {
      // Only the payee may release; the payer's attempt must be refused.
      const h = pickHold(o.ref);
      const who = h ? ownerOf(o.byPayee ? h.to : h.from) : person('carol');
      return run(who, 'releaseHold', h?.from ?? 'A', h?.holdId ?? 'h9');
    }
    case 'expire': {
      f.advance(o.waitMs);
      const h = pickHold(o.ref);
      return run(person('carol'), 'expireHold', h?.from ?? 'A', h?.holdId ?? 'h9');
    }
    case 'freeze': {
      const officer = complianceOf(resolveOrg(o.org, o.acct));
      return o.on ? run(officer, 'freezeAccount', o.acct, 'random') : run(officer, 'unfreezeAccount', o.acct);
    }
    case 'limits':
      return o.layer === 'owner'
        ? run(ownerOf(o.acct), 'setLimits', o.acct, o.perPayment, o.perDay)
        : run(complianceOf(resolveOrg(o.org, o.acct)), 'setComplianceLimits', o.acct, o.perPayment, o.perDay);
    case 'allowance': {
      const [a, spender] = ALLOWANCES[o.pair % ALLOWANCES.length] as [Acct, string];
      const current = f.peek<{ amount: string }>(KEY.allowance, [a, person(spender).owner])?.amount ?? '0';
      const expected = o.right ? current : (BigInt(current) + 1n).toString();
      return run(ownerOf(a), 'approve', a, person(spender).owner, expected, o.amount);
    }
    case 'propose': {
      const who = o.admin ? adminOf(o.org) : person(PERSON_OF[o.org] as string);
      return run(who, 'proposeGovernance', o.pid, o.terms);
    }
    case 'approve': {
      const p = pickProposal(o.ref);
      const who = o.admin ? adminOf(o.org) : person(PERSON_OF[o.org] as string);
      return run(who, 'approveGovernance', p?.proposer ?? 'Org1MSP', p?.proposalId ?? 'g9');
    }
  }
}

/** What the per-commit invariants compare before and after. */
interface Snapshot {
  governance: Governance;
  accounts: Map<string, { account: Account; balance: BalanceRecord; custody: boolean }>;
  proposals: Map<string, GovernanceProposal>;
}

const balanceKey = (a: string) => `\u0000${KEY.balance}\u0000${a}\u0000`;

function snapshot(): Snapshot {
  const accounts = new Map<string, { account: Account; balance: BalanceRecord; custody: boolean }>();
  for (const a of ACCOUNT_IDS) {
    accounts.set(a, {
      account: f.peek<Account>(KEY.account, [a]) as Account,
      balance: f.peek<BalanceRecord>(KEY.balance, [a]) as BalanceRecord,
      custody: f.ledger.policyOf(balanceKey(a)) !== undefined,
    });
  }
  const proposals = new Map(
    f.peekAll<GovernanceProposal>(KEY.proposal, []).map((p) => [`${p.proposer}/${p.proposalId}`, p]),
  );
  return { governance: f.peek<Governance>(KEY.governance, []) as Governance, accounts, proposals };
}

/** Throws (fails the property) unless `ok`. Plain checks: this runs ~100k times. */
function invariant(ok: boolean, what: string): void {
  if (!ok) {
    throw new Error(`invariant violated: ${what}`);
  }
}

const termsOf = (g: Governance): GovernanceTerms => {
  const { version: _v, updatedAt: _u, ...t } = g;
  return t;
};

/** Validates and commits one endorsement, then judges the commit against the state it applied to. */
function commit(p: Pending): void {
  if (!p.e.ok) {
    return;
  }
  const before = snapshot();
  const r: Submitted = f.commit(p.e, p.endorsers);
  tally(outcomes, r.commit);
  if (r.commit !== 'VALID') {
    return;
  }
  tally(committed, r.fn);
  const gov = before.governance;
  const callerMsp = p.who.mspid;
  const role = p.who.spec.attrs?.['payments.role'] ?? '';
  invariant(gov.members.includes(callerMsp), `${r.fn} committed for non-member ${callerMsp}`);
  invariant(
    Math.abs(p.e.timestamp.getTime() - p.clock) <= gov.maxClockSkewSeconds * 1000,
    `${r.fn} committed with a timestamp ${p.e.timestamp.getTime() - p.clock} ms from the endorser clock`,
  );
  const after = snapshot();

  for (const [a, b] of before.accounts) {
    const now = after.accounts.get(a);
    if (!now) continue;
    const sum = (x: BalanceRecord) => BigInt(x.available) + BigInt(x.held);
    if (b.account.status === 'frozen') {
      invariant(sum(now.balance) >= sum(b.balance), `${r.fn}: money left frozen account ${a}`);
    }
    const changed = canonicalJson(now.balance) !== canonicalJson(b.balance);
    if (changed && b.custody) {
      const ownerMsp = orgOfOwner(b.account.owner);
      invariant(
        p.endorsers.includes(ownerMsp),
        `${r.fn}: balance of ${a} changed without its owner's org ${ownerMsp} endorsing (${p.endorsers.join('+')})`,
      );
    }
  }

  for (const ev of p.e.events) {
    tally(eventsSeen, ev.name);
    const payload = JSON.parse(ev.payload.toString('utf8')) as Record<string, unknown>;
    // Clients decode events by @fabpay/model: every name and payload shape must be the model's.
    invariant(isEventName(ev.name), `event ${ev.name} is not in @fabpay/model`);
    const shape = isEventName(ev.name) ? schemaErrors(EVENT_SCHEMAS[ev.name], payload) : [];
    invariant(shape.length === 0, `${ev.name} payload differs from @fabpay/model: ${shape.join('; ')}`);
    switch (ev.name) {
      case 'Issued':
      case 'Redeemed': {
        const rec = payload as unknown as Issuance;
        const initiatorMsp = orgOfOwner(rec.initiator);
        invariant(role === 'issuer', `${ev.name} by an identity without the issuer role`);
        invariant(
          (gov.issuers[rec.currency] ?? []).includes(initiatorMsp),
          `${ev.name} of ${rec.currency} by ${initiatorMsp}, not granted in governance v${gov.version}`,
        );
        if (ev.name === 'Redeemed') {
          const owner = before.accounts.get(rec.accountId)?.account.owner ?? '';
          invariant(
            orgOfOwner(owner) === initiatorMsp,
            `redeem by ${initiatorMsp} from an account of ${owner}`,
          );
        }
        break;
      }
      case 'AccountFrozen':
      case 'AccountUnfrozen':
      case 'LimitsSet': {
        const accountId = String(payload.accountId);
        const ownerMsp = orgOfOwner(before.accounts.get(accountId)?.account.owner ?? '');
        if (r.fn === 'setLimits') {
          invariant(
            p.who.owner === before.accounts.get(accountId)?.account.owner,
            'owner limits by a non-owner',
          );
        } else {
          invariant(role === 'compliance', `${r.fn} by an identity without the compliance role`);
          invariant(
            (gov.compliance[callerMsp] ?? []).includes(ownerMsp),
            `${r.fn} on ${accountId} (${ownerMsp}) by ${callerMsp}, not granted in governance v${gov.version}`,
          );
        }
        break;
      }
      case 'HoldAuthorized': {
        const h = payload as unknown as Hold;
        const duration = Date.parse(h.expiresAt) - p.e.timestamp.getTime();
        invariant(
          duration > 0 && duration <= gov.maxHoldSeconds * 1000,
          `hold ${h.holdId} lasts ${duration} ms`,
        );
        break;
      }
      case 'HoldReleased': {
        const h = payload as unknown as Hold;
        invariant(
          p.who.owner === before.accounts.get(h.to)?.account.owner,
          `hold ${h.holdId} released by non-payee`,
        );
        break;
      }
      case 'PaymentBatchSettled': {
        const b = payload as unknown as PaymentBatch;
        const was = before.accounts.get(b.from);
        const now = after.accounts.get(b.from);
        invariant(
          p.who.owner === was?.account.owner,
          `batch ${b.batchId} paid from ${b.from} by a non-owner`,
        );
        const sum = b.lines.reduce((n, l) => n + BigInt(l.amount), 0n);
        invariant(BigInt(b.total) === sum, `batch ${b.batchId} total ${b.total} = sum of its lines ${sum}`);
        invariant(
          was !== undefined &&
            now !== undefined &&
            BigInt(was.balance.available) - BigInt(now.balance.available) === sum,
          `batch ${b.batchId} debited ${b.from} by exactly its total`,
        );
        invariant(
          b.lines.every((l) => l.to !== b.from),
          `batch ${b.batchId} pays its own payer`,
        );
        break;
      }
      case 'CreditsFolded': {
        const owner = before.accounts.get(String(payload.accountId))?.account.owner ?? '';
        invariant(
          p.who.owner === owner || (p.who.spec.ou === 'admin' && orgOfOwner(owner) === callerMsp),
          'credits folded by a stranger',
        );
        break;
      }
    }
  }

  // Governance: the independent record of who proposed and approved what.
  if (r.fn === 'proposeGovernance' || r.fn === 'approveGovernance') {
    invariant(p.who.spec.ou === 'admin', `${r.fn} committed for a non-admin`);
    const key = r.fn === 'proposeGovernance' ? `${callerMsp}/${r.args[0]}` : `${r.args[0]}/${r.args[1]}`;
    if (r.fn === 'proposeGovernance') {
      invariant(!approvalsModel.has(key), `proposal ${key} created twice`);
      approvalsModel.set(key, new Set([callerMsp]));
    } else {
      const set = approvalsModel.get(key);
      invariant(set !== undefined, `approval of unknown proposal ${key}`);
      set?.add(callerMsp);
    }
  }
  const govAfter = after.governance;
  if (canonicalJson(govAfter) !== canonicalJson(gov)) {
    invariant(
      govAfter.version === gov.version + 1,
      `governance jumped v${gov.version} → v${govAfter.version}`,
    );
    const applied = [...after.proposals.values()].filter(
      (x) =>
        x.status === 'applied' && before.proposals.get(`${x.proposer}/${x.proposalId}`)?.status !== 'applied',
    );
    invariant(applied.length === 1, `governance changed with ${applied.length} proposals applied`);
    const prop = applied[0] as GovernanceProposal;
    const key = `${prop.proposer}/${prop.proposalId}`;
    invariant(
      prop.baseVersion === gov.version,
      `proposal ${key} on v${prop.baseVersion} applied to v${gov.version}`,
    );
    invariant(
      canonicalJson(prop.terms) === canonicalJson(termsOf(govAfter)),
      `governance v${govAfter.version} differs from the terms of ${key}`,
    );
    const real = approvalsModel.get(key) ?? new Set<string>();
    invariant(
      prop.approvals.every((m) => real.has(m)),
      `proposal ${key} claims approvals ${prop.approvals.join(',')}; committed: ${[...real].join(',')}`,
    );
    const counted = prop.approvals.filter((m) => gov.members.includes(m)).length;
    invariant(
      counted >= majority(gov.members),
      `proposal ${key} applied with ${counted} of ${gov.members.length} members approving`,
    );
  } else {
    invariant(govAfter.version === gov.version, 'governance version moved without a change');
  }
}

async function step(o: Op): Promise<void> {
  switch (o.kind) {
    case 'tick':
      f.advance(o.ms);
      return;
    case 'skew':
      f.skewMs = o.ms;
      return;
    case 'race': {
      // Both endorsed against the same committed state, then committed in order.
      const a = await endorse(o.a);
      const b = await endorse(o.b);
      commit(a);
      commit(b);
      return;
    }
    case 'double': {
      const a = await endorse(o.a);
      const b = await endorse(o.a);
      commit(a);
      commit(b);
      return;
    }
    case 'contest':
      for (const x of o.ops) {
        commit(await endorse(x));
      }
      return;
    default:
      commit(await endorse(o));
  }
}

const NONNEG = /^(0|[1-9][0-9]*)$/;
const POSITIVE = /^[1-9][0-9]*$/;

/** Checks the state invariants directly on committed state. */
function checkInvariants(): void {
  const currencyOf = new Map<string, string>();
  const records: [string, string[], unknown, boolean][] = [];
  for (const [key, v] of f.ledger.entries()) {
    const [, type = '', ...attributes] = key.split('\u0000');
    attributes.pop();
    const value = JSON.parse(v.value.toString()) as unknown;
    records.push([type, attributes, value, v.policy !== undefined]);
    if (type === KEY.account) {
      currencyOf.set(attributes[0] ?? '', (value as Account).currency);
    }
  }
  const total = new Map<string, bigint>();
  const add = (c: string, n: bigint) => total.set(c, (total.get(c) ?? 0n) + n);
  const supply = new Map<string, bigint>();
  const held = new Map<string, bigint>();
  const heldByHolds = new Map<string, bigint>();
  for (const [type, [first = '', second = ''], value, hasPolicy] of records) {
    if (type === KEY.balance) {
      const b = value as BalanceRecord;
      invariant(
        NONNEG.test(b.available) && NONNEG.test(b.held),
        `balance of ${first} non-negative: ${JSON.stringify(b)}`,
      );
      add(currencyOf.get(first) ?? '?', BigInt(b.available) + BigInt(b.held));
      held.set(first, BigInt(b.held));
    } else if (type === KEY.credit) {
      const cr = value as Credit;
      invariant(POSITIVE.test(cr.amount), `credit positive: ${JSON.stringify(cr)}`);
      invariant(!hasPolicy, `credit ${cr.creditId} carries a key-level policy`);
      add(cr.currency, BigInt(cr.amount));
    } else if (type === KEY.supply) {
      const sp = value as { currency: string; issued: string; redeemed: string };
      supply.set(sp.currency, BigInt(sp.issued) - BigInt(sp.redeemed));
    } else if (type === KEY.refunded) {
      const p = f.peek<Payment>(KEY.payment, [first, second]);
      const refunded = (value as { refunded: string }).refunded;
      invariant(
        p !== null && BigInt(refunded) <= BigInt(p.amount),
        `refunds within payment ${first}/${second}`,
      );
    } else if (type === KEY.hold) {
      const h = value as Hold;
      invariant(BigInt(h.captured) <= BigInt(h.amount), `capture within hold ${h.holdId}`);
      if (h.status === 'authorized') {
        heldByHolds.set(h.from, (heldByHolds.get(h.from) ?? 0n) + BigInt(h.amount));
      }
    } else if (type === KEY.allowance) {
      invariant(NONNEG.test((value as { amount: string }).amount), 'allowance non-negative');
    }
  }
  for (const c of new Set([...total.keys(), ...supply.keys()])) {
    invariant(
      (total.get(c) ?? 0n) === (supply.get(c) ?? 0n),
      `${c}: available + held + pending ${total.get(c) ?? 0n} = issued - redeemed ${supply.get(c) ?? 0n}`,
    );
  }
  for (const [a, h] of held) {
    invariant(
      h === (heldByHolds.get(a) ?? 0n),
      `held ${h} of ${a} = its authorized holds ${heldByHolds.get(a) ?? 0n}`,
    );
  }
}

test('conservation, custody, frozen funds, role grants and governance majorities hold after every step', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(op, { minLength: 5, maxLength: 40 }), async (ops) => {
      f.ledger = base.clone();
      f.now = START;
      f.skewMs = 0;
      approvalsModel = new Map();
      for (const o of ops) {
        await step(o);
        checkInvariants();
      }
      f.skewMs = 0;
      const report = await f.query<{ items: ConservationLine[] }>(person('bob'), 'conservationReport');
      invariant(
        report.items.every((l) => l.balanced),
        `conservationReport balanced: ${JSON.stringify(report.items)}`,
      );
    }),
    // 800 sequences of 5..40 steps (~3000 commits): about 15 s on a 2-core machine.
    { numRuns: 800 },
  );
  const fns = [
    'pay',
    'payFrom',
    'payWithCredits',
    'payBatch',
    'foldCredits',
    'refund',
    'captureHold',
    'redeem',
    'issue',
    'authorizeHold',
    'releaseHold',
    'expireHold',
    'freezeAccount',
    'unfreezeAccount',
    'setLimits',
    'setComplianceLimits',
    'approve',
    'proposeGovernance',
    'approveGovernance',
  ];
  const reached = Object.fromEntries(fns.map((fn) => [fn, (committed[fn] ?? 0) >= 5]));
  expect({ reached, committed }).toEqual({
    reached: Object.fromEntries(fns.map((fn) => [fn, true])),
    committed,
  });
  // Refusals the generator must reach, so the invariants are tested against attempts, not just absences.
  const codes = [
    'CLOCK_SKEW',
    'FORBIDDEN',
    'ACCOUNT_FROZEN',
    'ALLOWANCE_MISMATCH',
    'HOLD_EXPIRED',
    'HOLD_NOT_EXPIRED',
    'INSUFFICIENT_FUNDS',
    'DUPLICATE_BATCH',
    'DUPLICATE_PAYMENT',
    'DUPLICATE_PROPOSAL',
    'PROPOSAL_STALE',
    'PROPOSAL_NOT_OPEN',
  ];
  expect(Object.fromEntries(codes.map((code) => [code, (refused[code] ?? 0) > 0]))).toEqual(
    Object.fromEntries(codes.map((code) => [code, true])),
  );
  // Clients map refusals by @fabpay/model's codes: no refusal may carry another.
  expect(Object.keys(refused).filter((code) => !isErrorCode(code))).toEqual([]);
  expect(wrongOrgRoleRefusals).toBeGreaterThan(0);
  expect(eventsSeen.GovernanceChanged ?? 0).toBeGreaterThanOrEqual(5);
  expect(outcomes.MVCC_READ_CONFLICT ?? 0).toBeGreaterThan(0);
  expect(outcomes.ENDORSEMENT_POLICY_FAILURE ?? 0).toBeGreaterThan(0);
}, 120_000);
