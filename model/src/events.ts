import { ACCOUNT_SCHEMA, type Account } from './account';
import { PAYMENT_BATCH_SCHEMA, type PaymentBatch } from './batch';
import { FOLD_SCHEMA, type Fold } from './credit';
import {
  GOVERNANCE_CHANGE_SCHEMA,
  GOVERNANCE_PROPOSAL_SCHEMA,
  GOVERNANCE_SCHEMA,
  type Governance,
  type GovernanceChange,
  type GovernanceProposal,
} from './governance';
import { HOLD_SCHEMA, type Hold } from './hold';
import { ISSUANCE_SCHEMA, type Issuance } from './issuance';
import { LIMITS_SCHEMA, type Limits } from './limits';
import {
  ALLOWANCE_SCHEMA,
  PAYMENT_SCHEMA,
  REFUND_SCHEMA,
  type Allowance,
  type Payment,
  type Refund,
} from './payment';
import type { ObjectSchema } from './schema';
import { SHARD_BALANCES_SCHEMA, type ShardBalances } from './shards';

/**
 * Chaincode event name → payload type. Each state-changing transaction sets
 * exactly one chaincode event (Fabric keeps only the last setEvent of a
 * transaction); the payload is canonical JSON of the listed type, which is
 * also the transaction's return value, except GovernanceChanged: the approval
 * that applied a change returns the proposal and emits the proposal together
 * with the resulting governance.
 */
export interface EventPayloads {
  AccountOpened: Account;
  AccountClosed: Account;
  AccountFrozen: Account;
  AccountUnfrozen: Account;
  LimitsSet: Limits;
  Issued: Issuance;
  Redeemed: Issuance;
  AllowanceApproved: Allowance;
  PaymentSettled: Payment;
  PaymentBatchSettled: PaymentBatch;
  HoldAuthorized: Hold;
  HoldCaptured: Hold;
  HoldReleased: Hold;
  HoldExpired: Hold;
  PaymentRefunded: Refund;
  CreditsFolded: Fold;
  ShardsRebalanced: ShardBalances;
  GovernanceInitialized: Governance;
  GovernanceProposed: GovernanceProposal;
  GovernanceApproved: GovernanceProposal;
  GovernanceChanged: GovernanceChange;
}

/** Every event name. */
export type EventName = keyof EventPayloads;

/** The payload schema of every event (a complete Record, so a new event cannot lack one). */
export const EVENT_SCHEMAS: { readonly [N in EventName]: ObjectSchema<EventPayloads[N]> } = {
  AccountOpened: ACCOUNT_SCHEMA,
  AccountClosed: ACCOUNT_SCHEMA,
  AccountFrozen: ACCOUNT_SCHEMA,
  AccountUnfrozen: ACCOUNT_SCHEMA,
  LimitsSet: LIMITS_SCHEMA,
  Issued: ISSUANCE_SCHEMA,
  Redeemed: ISSUANCE_SCHEMA,
  AllowanceApproved: ALLOWANCE_SCHEMA,
  PaymentSettled: PAYMENT_SCHEMA,
  PaymentBatchSettled: PAYMENT_BATCH_SCHEMA,
  HoldAuthorized: HOLD_SCHEMA,
  HoldCaptured: HOLD_SCHEMA,
  HoldReleased: HOLD_SCHEMA,
  HoldExpired: HOLD_SCHEMA,
  PaymentRefunded: REFUND_SCHEMA,
  CreditsFolded: FOLD_SCHEMA,
  ShardsRebalanced: SHARD_BALANCES_SCHEMA,
  GovernanceInitialized: GOVERNANCE_SCHEMA,
  GovernanceProposed: GOVERNANCE_PROPOSAL_SCHEMA,
  GovernanceApproved: GOVERNANCE_PROPOSAL_SCHEMA,
  GovernanceChanged: GOVERNANCE_CHANGE_SCHEMA,
};

/** Every event name, in {@link EventPayloads} order. */
export const EVENT_NAMES = Object.keys(EVENT_SCHEMAS) as readonly EventName[];

const NAMES: ReadonlySet<string> = new Set(EVENT_NAMES);

/** True if `name` is an event of this model (a newer chaincode may emit others). */
export function isEventName(name: string): name is EventName {
  return NAMES.has(name);
}
