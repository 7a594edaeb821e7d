import { canonicalJson } from './canonical';
import {
  Account,
  Allowance,
  Fold,
  Governance,
  GovernanceChange,
  GovernanceProposal,
  Hold,
  Issuance,
  Limits,
  Payment,
  Refund,
} from './model';

/**
 * Event name → payload type. Each state-changing transaction sets exactly one
 * chaincode event (Fabric keeps only the last setEvent of a transaction); the
 * payload is canonical JSON of the listed type, which is also the
 * transaction's return value, except GovernanceChanged: the proposal or
 * approval that applied a change returns the proposal and emits the proposal
 * together with the resulting governance.
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
  HoldAuthorized: Hold;
  HoldCaptured: Hold;
  HoldReleased: Hold;
  HoldExpired: Hold;
  PaymentRefunded: Refund;
  CreditsFolded: Fold;
  GovernanceInitialized: Governance;
  GovernanceProposed: GovernanceProposal;
  GovernanceApproved: GovernanceProposal;
  GovernanceChanged: GovernanceChange;
}

/** Every event name. */
export type EventName = keyof EventPayloads;

/** Minimal stub surface for events. */
export interface EventSink {
  setEvent(name: string, payload: Uint8Array): void;
}

/** Emits the transaction's one event. */
export function emit<N extends EventName>(stub: EventSink, name: N, payload: EventPayloads[N]): void {
  stub.setEvent(name, Buffer.from(canonicalJson(payload), 'utf8'));
}
