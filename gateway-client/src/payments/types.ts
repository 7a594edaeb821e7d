/**
 * Result shapes of the payments chaincode: @fabpay/model's records, re-exported
 * under the names this package has always exported. The model is the one
 * definition the chaincode and this client share (no chaincode or fabric-shim
 * dependency comes with it). Amounts are decimal strings of integer minor
 * units (never JS numbers); times are ISO-8601 UTC strings.
 */
import type { EventName, EventPayloads } from '@fabpay/model';

export type {
  Account,
  AccountStatus,
  Allowance,
  Balance,
  BatchLine,
  CallerInfo,
  ConservationLine,
  Credit,
  Currency,
  Fold,
  Governance,
  GovernanceChange,
  GovernanceProposal,
  GovernanceTerms,
  HistoryEntry,
  Hold,
  HoldStatus,
  Issuance,
  LimitPair,
  Limits,
  Page,
  Payment,
  PaymentBatch,
  ProposalStatus,
  Refund,
  ShardBalances,
  Supply,
} from '@fabpay/model';

/** Event name -> payload type; each state-changing transaction emits one event. */
export type PaymentEventPayloads = EventPayloads;

export type PaymentEventName = EventName;

/** A decoded payments event. */
export type PaymentEvent = {
  [N in PaymentEventName]: {
    readonly name: N;
    readonly payload: PaymentEventPayloads[N];
    readonly transactionId: string;
    readonly blockNumber: bigint;
  };
}[PaymentEventName];
