/**
 * A generator of calls that the payments chaincode must refuse, for the live fuzz suite.
 *
 * Every call starts from a base call that is refused for a reason of its own (wrong identity,
 * wrong order, a record that does not exist, funds that are not there), then one mutation is
 * applied: none, one argument replaced by malformed or oversized input, an argument too many or
 * too few, or a mangled transaction name. Each mutation leaves the call refused (a replaced
 * argument is either malformed, or the base reason still holds), so the suite can demand that
 * every call is refused with a stable code and that none reaches the orderer.
 */
import fc from 'fast-check';

/** Who makes a call: a wallet label of an org. */
export interface Caller {
  readonly org: string;
  readonly label: string;
}

/** One generated call. */
export interface RefusedCall {
  readonly caller: Caller;
  readonly transaction: string;
  readonly args: readonly (string | Uint8Array)[];
  /** What was done to the base call, for the report. */
  readonly mutation: string;
}

/** What the base calls refer to (set up on the ledger by the suite before fuzzing). */
export interface FuzzWorld {
  /** Owner strings of the wallet identities. */
  readonly owners: Readonly<Record<'alice' | 'bob' | 'carol' | 'dave', string>>;
  /** alice's funded USD account, bob's USD account, dave's (Org2) USD account. */
  readonly accounts: { readonly alice: string; readonly bob: string; readonly dave: string };
  /** A payment alice made from her account to dave's. */
  readonly paymentId: string;
  /** A hold alice authorized from her account to dave's (open, long expiry). */
  readonly holdId: string;
  /** A hold alice authorized to dave's account that dave released. */
  readonly closedHoldId: string;
  /** The governance terms in force, as JSON. */
  readonly terms: string;
}

const ALICE: Caller = { org: 'Org1', label: 'alice' };
const BOB: Caller = { org: 'Org1', label: 'bob' };
const CAROL: Caller = { org: 'Org2', label: 'carol' };
const DAVE: Caller = { org: 'Org2', label: 'dave' };

interface Base {
  readonly caller: Caller;
  readonly transaction: string;
  readonly args: readonly string[];
  /** The call is refused only for its argument count: no mutation may drop an argument. */
  readonly keepCount?: boolean;
}

/** One refused base call per transaction of the chaincode (and several for the rich ones). */
export function baseCalls(w: FuzzWorld): Base[] {
  const { alice: A, bob: B, dave: D } = w.accounts;
  const far = new Date(Date.now() + 3_600_000).toISOString();
  return [
    // governance: only admins of members; genesis is written once
    { caller: ALICE, transaction: 'initGovernance', args: [w.terms] },
    { caller: BOB, transaction: 'proposeGovernance', args: ['fz-g', w.terms] },
    { caller: BOB, transaction: 'approveGovernance', args: ['Org1MSP', 'fz-none'] },
    // accounts
    { caller: BOB, transaction: 'openAccount', args: [A, 'USD', w.owners.alice] },
    { caller: BOB, transaction: 'closeAccount', args: [A] },
    { caller: ALICE, transaction: 'closeAccount', args: [A] }, // balance not zero
    // issuance: the role and the grant
    { caller: BOB, transaction: 'issue', args: ['fz-op', A, '1'] },
    { caller: DAVE, transaction: 'issue', args: ['fz-op', D, '1'] },
    { caller: CAROL, transaction: 'redeem', args: ['fz-op', A, '1'] },
    { caller: ALICE, transaction: 'redeem', args: ['fz-op', D, '1'] }, // not its own MSP's account
    // payments
    { caller: BOB, transaction: 'approve', args: [A, w.owners.dave, '0', '1'] },
    { caller: ALICE, transaction: 'approve', args: [A, w.owners.dave, '7', '1'] }, // expected is 0
    { caller: BOB, transaction: 'pay', args: ['fz-p', A, B, '1', 'USD', ''] },
    { caller: ALICE, transaction: 'pay', args: ['fz-p', A, B, '1000000000000', 'USD', ''] },
    { caller: BOB, transaction: 'pay', args: [w.paymentId, A, D, '1', 'USD', ''] }, // not the initiator
    { caller: BOB, transaction: 'payFrom', args: ['fz-p', A, B, '1', 'USD', ''] },
    { caller: BOB, transaction: 'payWithCredits', args: ['fz-p', A, B, '1', 'USD', '', ''] },
    { caller: ALICE, transaction: 'payWithCredits', args: ['fz-p', A, B, '1', 'USD', '', 'p:fz:none'] },
    { caller: BOB, transaction: 'foldCredits', args: [D, `p:${A}:${w.paymentId}`] },
    // holds
    { caller: BOB, transaction: 'authorizeHold', args: ['fz-h', A, B, '1', 'USD', far] },
    { caller: BOB, transaction: 'captureHold', args: [A, w.holdId, '1'] },
    { caller: DAVE, transaction: 'captureHold', args: [A, w.closedHoldId, '1'] }, // not active
    { caller: ALICE, transaction: 'releaseHold', args: [A, w.holdId] }, // payer may not release
    { caller: BOB, transaction: 'expireHold', args: [A, w.holdId] }, // not expired yet
    // refunds
    { caller: BOB, transaction: 'refund', args: [A, w.paymentId, 'fz-r', '1', ''] },
    { caller: DAVE, transaction: 'refund', args: [A, w.paymentId, 'fz-r', '1000000000000', ''] },
    // compliance: Org2's compliance has no grant over Org1's customers
    { caller: CAROL, transaction: 'freezeAccount', args: [A, 'fuzz'] },
    { caller: CAROL, transaction: 'unfreezeAccount', args: [A] },
    { caller: CAROL, transaction: 'setComplianceLimits', args: [A, '1', '1'] },
    { caller: BOB, transaction: 'setLimits', args: [A, '1', '1'] },
    // queries, submitted, for records that do not exist or with bad paging
    { caller: BOB, transaction: 'getAccount', args: ['fz-none'] },
    { caller: BOB, transaction: 'getBalance', args: ['fz-none'] },
    { caller: BOB, transaction: 'getPayment', args: [A, 'fz-none'] },
    { caller: BOB, transaction: 'getHold', args: [A, 'fz-none'] },
    { caller: BOB, transaction: 'getRefund', args: [A, w.paymentId, 'fz-none'] },
    { caller: BOB, transaction: 'getOperation', args: ['Org1MSP', 'USD', 'fz-none'] },
    { caller: BOB, transaction: 'getGovernanceProposal', args: ['Org1MSP', 'fz-none'] },
    { caller: BOB, transaction: 'getLimits', args: ['fz-none'] },
    { caller: BOB, transaction: 'getSupply', args: ['XXX'] },
    { caller: BOB, transaction: 'getPaymentHistory', args: ['fz-none', '10', ''] },
    { caller: BOB, transaction: 'listPendingCredits', args: [A, '0', ''] },
    { caller: BOB, transaction: 'listAccountsByOwner', args: ['', '101', ''] },
    { caller: BOB, transaction: 'listGovernanceProposals', args: ['0', ''] },
    { caller: BOB, transaction: 'getAllowance', args: ['-bad', ''] },
    // queries without parameters are refused only with one too many (never drop it)
    { caller: BOB, transaction: 'whoami', args: ['extra'], keepCount: true },
    { caller: BOB, transaction: 'listCurrencies', args: ['extra'], keepCount: true },
    { caller: BOB, transaction: 'getGovernance', args: ['extra'], keepCount: true },
    { caller: BOB, transaction: 'conservationReport', args: ['extra'], keepCount: true },
  ];
}

/**
 * Replacement argument values. Several are valid IDs ("NaN", "1.5", "1e3"), so a base call's
 * reason must survive any of its IDs being replaced by an unused one; none is a valid amount
 * ("0" is left out: it is a valid allowance).
 */
const MALFORMED: readonly string[] = [
  ' ',
  '-1',
  '1.5',
  '0x10',
  '1e3',
  'NaN',
  'null',
  '{"a":1}',
  '[1]',
  '\u0000',
  'tab\there',
  'line\nbreak',
  'ünïcödé',
  '😀',
  '../../etc/passwd',
  "'; DROP TABLE x; --",
  '%s%s%s',
  'a'.repeat(65),
  '9'.repeat(26),
  '1000000000000000000000001',
];

const oversized = (n: number): string => 'x'.repeat(n);

/** Transaction names that must resolve to no transaction. */
function mangledNames(transaction: string): string[] {
  return [
    `${transaction} `,
    ` ${transaction}`,
    transaction.toUpperCase(),
    `nope:${transaction}`,
    `fabpay:${transaction}:x`,
    'org.hyperledger.fabric:Nope',
    `${transaction}\u0000`,
    oversized(100 * 1024),
    '',
  ];
}

/**
 * `count` refused calls, deterministic for a seed: every base call appears, with every kind of
 * mutation, in proportions that keep the run to mostly cheap calls (one call in 200 carries an
 * oversized argument or name).
 */
export function refusedCalls(world: FuzzWorld, count: number, seed: number): RefusedCall[] {
  const bases = baseCalls(world);
  const call = fc
    .tuple(fc.nat({ max: bases.length - 1 }), fc.nat({ max: 199 }), fc.nat(), fc.nat())
    .map(([b, roll, i, j]): RefusedCall => {
      const { keepCount, ...base } = bases[b]!;
      const args = [...base.args];
      const at = args.length > 0 ? i % args.length : 0;
      if (roll < 40) return { ...base, mutation: 'none' };
      if (roll < 150 && args.length > 0) {
        const value = MALFORMED[j % MALFORMED.length]!;
        args[at] = value;
        return { ...base, args, mutation: `arg ${at} = ${JSON.stringify(value.slice(0, 20))}` };
      }
      if (roll < 165) return { ...base, args: [...args, 'extra'], mutation: 'one argument too many' };
      if (roll < 180 && args.length > 0 && !keepCount) {
        return { ...base, args: args.slice(0, -1), mutation: 'one argument too few' };
      }
      if (roll < 185) {
        const bytes = Uint8Array.from([0xff, 0xfe, 0x00, 0xc3, 0x28]);
        const binary: (string | Uint8Array)[] = [...args];
        binary[at] = bytes;
        return { ...base, args: binary, mutation: `arg ${at} = invalid UTF-8 bytes` };
      }
      if (roll < 199) {
        const names = mangledNames(base.transaction).slice(0, -2); // the costly ones below
        const name = names[j % names.length]!;
        return { ...base, transaction: name, mutation: `name ${JSON.stringify(name.slice(0, 30))}` };
      }
      // One in 200: an oversized argument (100 KB) or name.
      if (j % 2 === 0 && args.length > 0) {
        args[at] = oversized(100 * 1024);
        return { ...base, args, mutation: `arg ${at} = 100 KB` };
      }
      return {
        ...base,
        transaction: j % 4 === 1 ? '' : oversized(100 * 1024),
        mutation: j % 4 === 1 ? 'empty name' : '100 KB name',
      };
    });
  return fc.sample(call, { seed, numRuns: count });
}
