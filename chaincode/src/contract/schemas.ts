import { AMOUNT_OR_ZERO_PATTERN, AMOUNT_PATTERN, OPTIONAL_AMOUNT_PATTERN } from '../amount';
import { CURRENCY_PATTERN } from '../currencies';
import { EXPIRES_AT_PATTERN } from '../domain/holds';
import { PAGE_SIZE_PATTERN } from '../domain/queries';
import { MAX_TERMS_LENGTH } from '../domain/governance';
import { CREDIT_ID_LIST_PATTERN, ID_PATTERN, MAX_CREDIT_ID_LENGTH, MSP_ID_PATTERN } from '../keys';

/**
 * JSON schemas of parameters and return values, published in the contract
 * metadata. String parameters carry a pattern and a length bound; the
 * serializer (serializer.ts) enforces them before any transaction code runs.
 */
export interface StringSchema {
  type: 'string';
  pattern?: string;
  maxLength: number;
  description?: string;
}

/** A JSON schema for return values (object shapes, for documentation and clients). */
export type JsonSchema = Record<string, unknown>;

const str = (pattern: string | undefined, maxLength: number): StringSchema =>
  pattern === undefined ? { type: 'string', maxLength } : { type: 'string', pattern, maxLength };

/** 100 credit IDs and 99 commas. */
const CREDIT_LIST_MAX = 100 * MAX_CREDIT_ID_LENGTH + 99;

/** Parameter schemas by kind. */
export const P = {
  id: str(ID_PATTERN, 64),
  amount: str(AMOUNT_PATTERN, 25),
  amountOrZero: str(AMOUNT_OR_ZERO_PATTERN, 25),
  optionalAmount: str(OPTIONAL_AMOUNT_PATTERN, 25),
  currency: str(CURRENCY_PATTERN, 3),
  text: str('^[\\x20-\\x7E]*$', 140),
  owner: str('^[^\\u0000]*$', 1024),
  spender: str('^[^\\u0000]+$', 1024),
  expiresAt: str(EXPIRES_AT_PATTERN, 24),
  pageSize: str(PAGE_SIZE_PATTERN, 3),
  bookmark: str(undefined, 2048),
  mspId: str(MSP_ID_PATTERN, 64),
  /** Governance terms as JSON (checked field by field by the governance module). */
  terms: str('^\\{[\\s\\S]*\\}$', MAX_TERMS_LENGTH),
  creditIds: str(CREDIT_ID_LIST_PATTERN, CREDIT_LIST_MAX),
  /** Like creditIds, or "" for none. */
  optionalCreditIds: str(`^(${CREDIT_ID_LIST_PATTERN.slice(1, -1)})?$`, CREDIT_LIST_MAX),
} as const;

/** Patterns whose violation is reported as INVALID_AMOUNT rather than INVALID_ARGUMENT. */
export const AMOUNT_PATTERNS: ReadonlySet<string> = new Set([
  AMOUNT_PATTERN,
  AMOUNT_OR_ZERO_PATTERN,
  OPTIONAL_AMOUNT_PATTERN,
]);

const s = { type: 'string' };
const i = { type: 'integer' };
const b = { type: 'boolean' };
const obj = (properties: Record<string, unknown>): JsonSchema => ({
  type: 'object',
  properties,
  required: Object.keys(properties),
});
const page = (item: JsonSchema): JsonSchema =>
  obj({ items: { type: 'array', items: item }, bookmark: s, count: i });

const account = obj({
  accountId: s,
  owner: s,
  currency: s,
  status: { type: 'string', enum: ['active', 'frozen', 'closed'] },
  openedAt: s,
  updatedAt: s,
  frozenReason: s,
});
const payment = obj({
  paymentId: s,
  from: s,
  to: s,
  amount: s,
  currency: s,
  reference: s,
  via: { type: 'string', enum: ['owner', 'allowance'] },
  initiator: s,
  status: { type: 'string', enum: ['settled'] },
  refunded: s,
  at: s,
  txId: s,
});
const hold = obj({
  holdId: s,
  from: s,
  to: s,
  amount: s,
  currency: s,
  expiresAt: s,
  status: { type: 'string', enum: ['authorized', 'captured', 'released', 'expired'] },
  captured: s,
  initiator: s,
  createdAt: s,
  closedAt: s,
  limitDay: s,
});
const credit = obj({
  creditId: s,
  accountId: s,
  amount: s,
  currency: s,
  source: { type: 'string', enum: ['payment', 'refund', 'capture', 'issue'] },
  sourceId: s,
  at: s,
});
const history = obj({
  accountId: s,
  kind: { type: 'string', enum: ['payment', 'refund', 'capture'] },
  id: s,
  direction: { type: 'string', enum: ['in', 'out'] },
  counterparty: s,
  amount: s,
  currency: s,
  at: s,
});

const limitPair = obj({ perPayment: s, perDay: s });
const stringLists = { type: 'object', additionalProperties: { type: 'array', items: s } };
const termsProps = {
  members: { type: 'array', items: s },
  issuers: stringLists,
  compliance: stringLists,
  maxClockSkewSeconds: i,
  maxHoldSeconds: i,
  custody: b,
};
const governance = obj({ ...termsProps, version: i, updatedAt: s });
const proposal = obj({
  proposalId: s,
  proposer: s,
  proposedBy: s,
  baseVersion: i,
  terms: obj(termsProps),
  approvals: { type: 'array', items: s },
  status: { type: 'string', enum: ['open', 'applied', 'stale'] },
  createdAt: s,
  decidedAt: s,
});

/** Return schemas by result type. */
export const R = {
  account,
  accountPage: page(account),
  payment,
  hold,
  refund: obj({
    refundId: s,
    paymentId: s,
    from: s,
    to: s,
    amount: s,
    currency: s,
    reason: s,
    initiator: s,
    at: s,
  }),
  issuance: obj({
    operationId: s,
    kind: { type: 'string', enum: ['issue', 'redeem'] },
    accountId: s,
    currency: s,
    amount: s,
    initiator: s,
    at: s,
  }),
  allowance: obj({ accountId: s, spender: s, amount: s }),
  limits: obj({ accountId: s, compliance: limitPair, owner: limitPair, effective: limitPair }),
  governance,
  proposal,
  proposalPage: page(proposal),
  supply: obj({ currency: s, issued: s, redeemed: s, outstanding: s }),
  balance: obj({ accountId: s, currency: s, available: s, held: s, pending: s, pendingCount: i, settled: s }),
  creditPage: page(credit),
  historyPage: page(history),
  fold: obj({ accountId: s, creditIds: { type: 'array', items: s }, amount: s, available: s, held: s }),
  caller: obj({
    owner: s,
    mspId: s,
    id: s,
    role: { type: 'string', enum: ['', 'issuer', 'compliance'] },
    admin: b,
  }),
  currencies: obj({ items: { type: 'array', items: obj({ code: s, exponent: i }) } }),
  conservation: obj({
    items: {
      type: 'array',
      items: obj({
        currency: s,
        available: s,
        held: s,
        pending: s,
        total: s,
        issued: s,
        redeemed: s,
        outstanding: s,
        balanced: b,
      }),
    },
  }),
} as const;
