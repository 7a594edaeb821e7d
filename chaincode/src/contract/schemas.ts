import { AMOUNT_OR_ZERO_PATTERN, AMOUNT_PATTERN, OPTIONAL_AMOUNT_PATTERN } from '../amount';
import { CURRENCY_PATTERN } from '../currencies';
import { EXPIRES_AT_PATTERN } from '../domain/holds';
import { PAGE_SIZE_PATTERN } from '../domain/queries';
import { MAX_TERMS_LENGTH } from '../domain/governance';
import {
  ACCOUNT_SCHEMA,
  ALLOWANCE_SCHEMA,
  BALANCE_SCHEMA,
  CALLER_INFO_SCHEMA,
  CONSERVATION_LINE_SCHEMA,
  CREDIT_ID_LIST_PATTERN,
  CREDIT_SCHEMA,
  CURRENCY_SCHEMA,
  FOLD_SCHEMA,
  GOVERNANCE_PROPOSAL_SCHEMA,
  GOVERNANCE_SCHEMA,
  HISTORY_ENTRY_SCHEMA,
  HOLD_SCHEMA,
  ID_PATTERN,
  ISSUANCE_SCHEMA,
  LIMITS_SCHEMA,
  MAX_BATCH_LINES_JSON,
  MAX_CREDIT_ID_LENGTH,
  MAX_TEXT_LENGTH,
  MSP_ID_PATTERN,
  pageSchema,
  PAYMENT_BATCH_SCHEMA,
  PAYMENT_SCHEMA,
  REFUND_SCHEMA,
  SHARD_BALANCES_SCHEMA,
  SUPPLY_SCHEMA,
  TEXT_PATTERN,
  type Account,
  type Credit,
  type GovernanceProposal,
  type HistoryEntry,
} from '@fabpay/model';

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
  text: str(TEXT_PATTERN, MAX_TEXT_LENGTH),
  owner: str('^[^\\u0000]*$', 1024),
  spender: str('^[^\\u0000]+$', 1024),
  expiresAt: str(EXPIRES_AT_PATTERN, 24),
  pageSize: str(PAGE_SIZE_PATTERN, 3),
  bookmark: str(undefined, 2048),
  mspId: str(MSP_ID_PATTERN, 64),
  /** Governance terms as JSON (checked field by field by the governance module). */
  terms: str('^\\{[\\s\\S]*\\}$', MAX_TERMS_LENGTH),
  creditIds: str(CREDIT_ID_LIST_PATTERN, CREDIT_LIST_MAX),
  /** payBatch's lines as a JSON array (checked line by line by the batches module). */
  batchLines: str('^\\[[\\s\\S]*\\]$', MAX_BATCH_LINES_JSON),
  /** openShardedAccount's shard count (1..64, checked again by the accounts module). */
  shards: str('^[1-9][0-9]?$', 2),
  /** Like creditIds, or "" for none. */
  optionalCreditIds: str(`^(${CREDIT_ID_LIST_PATTERN.slice(1, -1)})?$`, CREDIT_LIST_MAX),
} as const;

/** Patterns whose violation is reported as INVALID_AMOUNT rather than INVALID_ARGUMENT. */
export const AMOUNT_PATTERNS: ReadonlySet<string> = new Set([
  AMOUNT_PATTERN,
  AMOUNT_OR_ZERO_PATTERN,
  OPTIONAL_AMOUNT_PATTERN,
]);

/** An object of fields, all required (for the result wrappers that are no record of the model). */
const obj = (properties: Record<string, unknown>): JsonSchema => ({
  type: 'object',
  properties,
  required: Object.keys(properties),
});
const items = (item: JsonSchema): JsonSchema => obj({ items: { type: 'array', items: item } });

/** Return schemas by result type: the records' schemas are @fabpay/model's, which the clients read too. */
export const R = {
  account: ACCOUNT_SCHEMA,
  accountPage: pageSchema<Account>(ACCOUNT_SCHEMA),
  payment: PAYMENT_SCHEMA,
  batch: PAYMENT_BATCH_SCHEMA,
  hold: HOLD_SCHEMA,
  refund: REFUND_SCHEMA,
  issuance: ISSUANCE_SCHEMA,
  allowance: ALLOWANCE_SCHEMA,
  limits: LIMITS_SCHEMA,
  governance: GOVERNANCE_SCHEMA,
  proposal: GOVERNANCE_PROPOSAL_SCHEMA,
  proposalPage: pageSchema<GovernanceProposal>(GOVERNANCE_PROPOSAL_SCHEMA),
  supply: SUPPLY_SCHEMA,
  balance: BALANCE_SCHEMA,
  creditPage: pageSchema<Credit>(CREDIT_SCHEMA),
  historyPage: pageSchema<HistoryEntry>(HISTORY_ENTRY_SCHEMA),
  fold: FOLD_SCHEMA,
  shards: SHARD_BALANCES_SCHEMA,
  caller: CALLER_INFO_SCHEMA,
  currencies: items(CURRENCY_SCHEMA),
  conservation: items(CONSERVATION_LINE_SCHEMA),
} as const;
