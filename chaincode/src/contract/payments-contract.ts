import { Contract, Info } from 'fabric-contract-api';
import { PaymentsContext } from '../context';
import { fail, quote } from '../errors';
import { admit } from './admission';
import * as accounts from '../domain/accounts';
import * as batches from '../domain/batches';
import * as compliance from '../domain/compliance';
import * as fold from '../domain/fold';
import * as governance from '../domain/governance';
import * as limits from '../domain/limits';
import * as holds from '../domain/holds';
import * as issuance from '../domain/issuance';
import * as payments from '../domain/payments';
import * as queries from '../domain/queries';
import * as refunds from '../domain/refunds';
import {
  Account,
  Allowance,
  Balance,
  CallerInfo,
  ConservationLine,
  Credit,
  Fold,
  Governance,
  GovernanceProposal,
  HistoryEntry,
  Hold,
  Issuance,
  Limits,
  MAX_BATCH_LINES,
  Page,
  Payment,
  PaymentBatch,
  Refund,
  ShardBalances,
  Supply,
} from '@fabpay/model';
import { Tx } from './decorators';
import { P, R } from './schemas';

/** Contract name; also the default contract, so `pay` and `fabpay:pay` both work. */
export const CONTRACT_NAME = 'fabpay';

/**
 * The payments contract. Methods are thin: they declare metadata and
 * delegate to the domain modules, which hold the rules. Each method's
 * documentation is its `@Tx` description and parameter descriptions, which
 * are also published in the contract metadata (GetMetadata); the domain
 * function it calls carries the detailed TSDoc.
 */
@Info({
  title: 'fabpay payments',
  description: 'Accounts, issuance, payments, holds, refunds and compliance in integer minor units',
})
export class PaymentsContract extends Contract {
  constructor() {
    super(CONTRACT_NAME);
  }

  /** Our context carries the caller, time and typed state. */
  override createContext(): PaymentsContext {
    return new PaymentsContext();
  }

  /** Members only, and trusted time, for every submit transaction (see admission.ts). */
  override async beforeTransaction(ctx: PaymentsContext): Promise<void> {
    await admit(ctx);
  }

  /** Unknown function names get a coded rejection too, echoing only a short escaped prefix. */
  override async unknownTransaction(ctx: PaymentsContext): Promise<void> {
    throw fail('UNKNOWN_TRANSACTION', `no transaction ${quote(ctx.stub.getFunctionAndParameters().fcn)}`);
  }

  // ---- governance ----

  @Tx({
    submit: true,
    description:
      'Write the genesis governance (once; an org admin of a named member). Every endorser refuses terms other than the ones its operator configured. Event GovernanceInitialized.',
    params: [['terms', P.terms, 'governance terms as JSON']],
    returns: R.governance,
  })
  async initGovernance(ctx: PaymentsContext, terms: string): Promise<Governance> {
    return governance.initGovernance(ctx, terms);
  }

  @Tx({
    submit: true,
    description:
      "Propose complete new governance terms (an org admin of a member); the proposer's org approves first. Event GovernanceProposed, or GovernanceChanged when that is already a majority.",
    params: [
      ['proposalId', P.id, 'proposal ID, scoped within the proposing MSP'],
      ['terms', P.terms, 'the new governance terms as JSON'],
    ],
    returns: R.proposal,
  })
  async proposeGovernance(
    ctx: PaymentsContext,
    proposalId: string,
    terms: string,
  ): Promise<GovernanceProposal> {
    return governance.proposeGovernance(ctx, proposalId, terms);
  }

  @Tx({
    submit: true,
    description:
      "Approve a proposal for the caller's org (an org admin of a member); the approval reaching a majority of members applies it. Event GovernanceApproved or GovernanceChanged.",
    params: [
      ['proposer', P.mspId, 'MSP ID of the proposing org'],
      ['proposalId', P.id, 'proposal ID'],
    ],
    returns: R.proposal,
  })
  async approveGovernance(
    ctx: PaymentsContext,
    proposer: string,
    proposalId: string,
  ): Promise<GovernanceProposal> {
    return governance.approveGovernance(ctx, proposer, proposalId);
  }

  // ---- accounts ----

  @Tx({
    submit: true,
    description:
      'Open an account; owner "" = caller, another owner only by an org admin of that owner\'s MSP. Event AccountOpened.',
    params: [
      ['accountId', P.id, 'caller-chosen account ID'],
      ['currency', P.currency, 'ISO 4217 code from the currency table'],
      ['owner', P.owner, 'owner string, or "" for the caller'],
    ],
    returns: R.account,
  })
  async openAccount(
    ctx: PaymentsContext,
    accountId: string,
    currency: string,
    owner: string,
  ): Promise<Account> {
    return accounts.openAccount(ctx, accountId, currency, owner);
  }

  @Tx({
    submit: true,
    description:
      'Open an account whose settled funds are split across 1..64 shards, so concurrent debits of it need not conflict (a hot payer); "1" is exactly openAccount. Same rules as openAccount. Event AccountOpened.',
    params: [
      ['accountId', P.id, 'caller-chosen account ID'],
      ['currency', P.currency, 'ISO 4217 code from the currency table'],
      ['owner', P.owner, 'owner string, or "" for the caller'],
      ['shards', P.shards, 'number of shards, 1..64'],
    ],
    returns: R.account,
  })
  async openShardedAccount(
    ctx: PaymentsContext,
    accountId: string,
    currency: string,
    owner: string,
    shards: string,
  ): Promise<Account> {
    return accounts.openShardedAccount(ctx, accountId, currency, owner, shards);
  }

  @Tx({
    submit: true,
    description:
      "Even a sharded account's settled available funds out across its shards (owner or org admin); holds stay where they are. Event ShardsRebalanced.",
    params: [['accountId', P.id, 'account to rebalance']],
    returns: R.shards,
  })
  async rebalanceShards(ctx: PaymentsContext, accountId: string): Promise<ShardBalances> {
    return accounts.rebalanceShards(ctx, accountId);
  }

  @Tx({
    submit: true,
    description:
      'Close an account with zero available, held and pending balance (owner or org admin). Event AccountClosed.',
    params: [['accountId', P.id, 'account to close']],
    returns: R.account,
  })
  async closeAccount(ctx: PaymentsContext, accountId: string): Promise<Account> {
    return accounts.closeAccount(ctx, accountId);
  }

  // ---- issuance ----

  @Tx({
    submit: true,
    description:
      "Mint into an account (role issuer, MSP granted the account's currency). Idempotent on operationId within the issuing MSP and currency. Event Issued.",
    params: [
      ['operationId', P.id, 'caller-chosen idempotency key'],
      ['accountId', P.id, 'account credited'],
      ['amount', P.amount, 'minor units'],
    ],
    returns: R.issuance,
  })
  async issue(
    ctx: PaymentsContext,
    operationId: string,
    accountId: string,
    amount: string,
  ): Promise<Issuance> {
    return issuance.issue(ctx, operationId, accountId, amount);
  }

  @Tx({
    submit: true,
    description:
      "Burn from the settled available balance of an account of the issuer's own MSP (role issuer, MSP granted the currency). Idempotent on operationId within the issuing MSP and currency. Event Redeemed.",
    params: [
      ['operationId', P.id, 'caller-chosen idempotency key'],
      ['accountId', P.id, 'account debited'],
      ['amount', P.amount, 'minor units'],
    ],
    returns: R.issuance,
  })
  async redeem(
    ctx: PaymentsContext,
    operationId: string,
    accountId: string,
    amount: string,
  ): Promise<Issuance> {
    return issuance.redeem(ctx, operationId, accountId, amount);
  }

  // ---- payments ----

  @Tx({
    submit: true,
    description:
      'Set a spender\'s allowance on the caller\'s account, compare-and-set: expected must equal the current allowance ("0" when none), else ALLOWANCE_MISMATCH; "0" revokes. Event AllowanceApproved.',
    params: [
      ['accountId', P.id, 'account owned by the caller'],
      ['spender', P.spender, 'owner string of the spender'],
      ['expected', P.amountOrZero, 'the allowance being replaced, "0" when none'],
      ['amount', P.amountOrZero, 'minor units, "0" to revoke'],
    ],
    returns: R.allowance,
  })
  async approve(
    ctx: PaymentsContext,
    accountId: string,
    spender: string,
    expected: string,
    amount: string,
  ): Promise<Allowance> {
    return payments.approve(ctx, accountId, spender, expected, amount);
  }

  @Tx({
    submit: true,
    description: 'Pay from an account the caller owns. Idempotent on paymentId. Event PaymentSettled.',
    params: [
      ['paymentId', P.id, 'caller-chosen idempotency key, scoped within the payer account'],
      ['from', P.id, 'payer account'],
      ['to', P.id, 'payee account'],
      ['amount', P.amount, 'minor units'],
      ['currency', P.currency, 'must match both accounts'],
      ['reference', P.text, 'free text, printable ASCII, at most 140'],
    ],
    returns: R.payment,
  })
  async pay(
    ctx: PaymentsContext,
    paymentId: string,
    from: string,
    to: string,
    amount: string,
    currency: string,
    reference: string,
  ): Promise<Payment> {
    return payments.pay(ctx, paymentId, from, to, amount, currency, reference);
  }

  @Tx({
    submit: true,
    description:
      'Pay from an account using an allowance its owner granted the caller. Idempotent on paymentId. Event PaymentSettled.',
    params: [
      ['paymentId', P.id, 'caller-chosen idempotency key, scoped within the payer account'],
      ['from', P.id, 'payer account'],
      ['to', P.id, 'payee account'],
      ['amount', P.amount, 'minor units'],
      ['currency', P.currency, 'must match both accounts'],
      ['reference', P.text, 'free text, printable ASCII, at most 140'],
    ],
    returns: R.payment,
  })
  async payFrom(
    ctx: PaymentsContext,
    paymentId: string,
    from: string,
    to: string,
    amount: string,
    currency: string,
    reference: string,
  ): Promise<Payment> {
    return payments.payFrom(ctx, paymentId, from, to, amount, currency, reference);
  }

  @Tx({
    submit: true,
    description:
      'Pay from an account the caller owns, first folding the named pending credits of that account (so incoming funds are spendable in one transaction). Idempotent on paymentId. Event PaymentSettled.',
    params: [
      ['paymentId', P.id, 'caller-chosen idempotency key, scoped within the payer account'],
      ['from', P.id, 'payer account'],
      ['to', P.id, 'payee account'],
      ['amount', P.amount, 'minor units'],
      ['currency', P.currency, 'must match both accounts'],
      ['reference', P.text, 'free text, printable ASCII, at most 140'],
      [
        'creditIds',
        P.optionalCreditIds,
        'comma-separated pending credit IDs of from (0..100), from listPendingCredits',
      ],
    ],
    returns: R.payment,
  })
  async payWithCredits(
    ctx: PaymentsContext,
    paymentId: string,
    from: string,
    to: string,
    amount: string,
    currency: string,
    reference: string,
    creditIds: string,
  ): Promise<Payment> {
    return payments.payWithCredits(ctx, paymentId, from, to, amount, currency, reference, creditIds);
  }

  @Tx({
    submit: true,
    description: `Pay up to ${MAX_BATCH_LINES} payees from an account the caller owns in one transaction, all lines or none; each line is a Payment obeying the rules of pay, the total the funds and daily limit. Idempotent on batchId. Event PaymentBatchSettled.`,
    params: [
      ['batchId', P.id, 'caller-chosen idempotency key, scoped within the payer account'],
      ['from', P.id, 'payer account'],
      ['currency', P.currency, 'must match the payer and every payee'],
      [
        'lines',
        P.batchLines,
        'JSON array of {paymentId, to, amount, reference}: payment IDs unique, amounts minor units as strings',
      ],
    ],
    returns: R.batch,
  })
  async payBatch(
    ctx: PaymentsContext,
    batchId: string,
    from: string,
    currency: string,
    lines: string,
  ): Promise<PaymentBatch> {
    return batches.payBatch(ctx, batchId, from, currency, lines);
  }

  @Tx({
    submit: true,
    description:
      'Fold named pending credits into the settled balance (owner or an admin of its org). Event CreditsFolded.',
    params: [
      ['accountId', P.id, 'account whose credits are folded'],
      ['creditIds', P.creditIds, 'comma-separated credit IDs (1..100), from listPendingCredits'],
    ],
    returns: R.fold,
  })
  async foldCredits(ctx: PaymentsContext, accountId: string, creditIds: string): Promise<Fold> {
    return fold.foldCredits(ctx, accountId, creditIds);
  }

  // ---- holds ----

  @Tx({
    submit: true,
    description:
      "Reserve funds of the caller's account for a payee until expiresAt. Idempotent on holdId. Event HoldAuthorized.",
    params: [
      ['holdId', P.id, 'caller-chosen hold ID, scoped within the payer account'],
      ['from', P.id, 'payer account (caller owns it)'],
      ['to', P.id, 'payee account'],
      ['amount', P.amount, 'minor units'],
      ['currency', P.currency, 'must match both accounts'],
      ['expiresAt', P.expiresAt, 'ISO-8601 UTC, after the transaction time, within the governed maximum'],
    ],
    returns: R.hold,
  })
  async authorizeHold(
    ctx: PaymentsContext,
    holdId: string,
    from: string,
    to: string,
    amount: string,
    currency: string,
    expiresAt: string,
  ): Promise<Hold> {
    return holds.authorizeHold(ctx, holdId, from, to, amount, currency, expiresAt);
  }

  @Tx({
    submit: true,
    description:
      'Capture up to the held amount before expiry while payer and payee are active (payee owner); the rest is released. Event HoldCaptured.',
    params: [
      ['from', P.id, "payer account (the hold ID's scope)"],
      ['holdId', P.id, 'hold to capture'],
      ['amount', P.amount, 'minor units, at most the hold amount'],
    ],
    returns: R.hold,
  })
  async captureHold(ctx: PaymentsContext, from: string, holdId: string, amount: string): Promise<Hold> {
    return holds.captureHold(ctx, from, holdId, amount);
  }

  @Tx({
    submit: true,
    description:
      "Release a hold in full (payee owner only; the payer's way out is expiry). Event HoldReleased.",
    params: [
      ['from', P.id, "payer account (the hold ID's scope)"],
      ['holdId', P.id, 'hold to release'],
    ],
    returns: R.hold,
  })
  async releaseHold(ctx: PaymentsContext, from: string, holdId: string): Promise<Hold> {
    return holds.releaseHold(ctx, from, holdId);
  }

  @Tx({
    submit: true,
    description:
      'Expire a hold once the transaction time is at or past expiresAt (anyone). Event HoldExpired.',
    params: [
      ['from', P.id, "payer account (the hold ID's scope)"],
      ['holdId', P.id, 'hold to expire'],
    ],
    returns: R.hold,
  })
  async expireHold(ctx: PaymentsContext, from: string, holdId: string): Promise<Hold> {
    return holds.expireHold(ctx, from, holdId);
  }

  // ---- refunds ----

  @Tx({
    submit: true,
    description:
      'Refund (part of) a settled payment (payee owner); refunds never exceed the payment. Idempotent on refundId. Event PaymentRefunded.',
    params: [
      ['from', P.id, 'payer account of the payment'],
      ['paymentId', P.id, 'payment to refund'],
      ['refundId', P.id, 'caller-chosen refund ID, scoped within the payment'],
      ['amount', P.amount, 'minor units'],
      ['reason', P.text, 'free text, printable ASCII, at most 140'],
    ],
    returns: R.refund,
  })
  async refund(
    ctx: PaymentsContext,
    from: string,
    paymentId: string,
    refundId: string,
    amount: string,
    reason: string,
  ): Promise<Refund> {
    return refunds.refund(ctx, from, paymentId, refundId, amount, reason);
  }

  // ---- compliance ----

  @Tx({
    submit: true,
    description:
      "Freeze an account (role compliance, MSP granted compliance over the owner's MSP). Event AccountFrozen.",
    params: [
      ['accountId', P.id, 'account to freeze'],
      ['reason', P.text, 'free text, printable ASCII, at most 140'],
    ],
    returns: R.account,
  })
  async freezeAccount(ctx: PaymentsContext, accountId: string, reason: string): Promise<Account> {
    return compliance.freezeAccount(ctx, accountId, reason);
  }

  @Tx({
    submit: true,
    description:
      "Unfreeze an account (role compliance, MSP granted compliance over the owner's MSP). Event AccountUnfrozen.",
    params: [['accountId', P.id, 'account to unfreeze']],
    returns: R.account,
  })
  async unfreezeAccount(ctx: PaymentsContext, accountId: string): Promise<Account> {
    return compliance.unfreezeAccount(ctx, accountId);
  }

  @Tx({
    submit: true,
    description:
      'Set the owner\'s own per-payment and per-day limits (owner only; never looser than compliance\'s); "" = none of its own. Event LimitsSet.',
    params: [
      ['accountId', P.id, 'account'],
      ['perPayment', P.optionalAmount, 'max minor units per payment or hold, "" for none'],
      ['perDay', P.optionalAmount, 'max minor units per UTC day, "" for none'],
    ],
    returns: R.limits,
  })
  async setLimits(
    ctx: PaymentsContext,
    accountId: string,
    perPayment: string,
    perDay: string,
  ): Promise<Limits> {
    return limits.setLimits(ctx, accountId, perPayment, perDay);
  }

  @Tx({
    submit: true,
    description:
      'Set compliance\'s per-payment and per-day limits (role compliance, MSP granted compliance over the owner\'s MSP); "" = none. Event LimitsSet.',
    params: [
      ['accountId', P.id, 'account'],
      ['perPayment', P.optionalAmount, 'max minor units per payment or hold, "" for none'],
      ['perDay', P.optionalAmount, 'max minor units per UTC day, "" for none'],
    ],
    returns: R.limits,
  })
  async setComplianceLimits(
    ctx: PaymentsContext,
    accountId: string,
    perPayment: string,
    perDay: string,
  ): Promise<Limits> {
    return limits.setComplianceLimits(ctx, accountId, perPayment, perDay);
  }

  // ---- queries (evaluate) ----

  @Tx({ submit: false, description: 'The caller as the chaincode sees it.', params: [], returns: R.caller })
  async whoami(ctx: PaymentsContext): Promise<CallerInfo> {
    return queries.whoami(ctx);
  }

  @Tx({ submit: false, description: 'The currency table.', params: [], returns: R.currencies })
  async listCurrencies(_ctx: PaymentsContext): Promise<{ items: { code: string; exponent: number }[] }> {
    return queries.currencies();
  }

  @Tx({
    submit: false,
    description: 'One account.',
    params: [['accountId', P.id, 'account']],
    returns: R.account,
  })
  async getAccount(ctx: PaymentsContext, accountId: string): Promise<Account> {
    return queries.getAccount(ctx, accountId);
  }

  @Tx({
    submit: false,
    description: 'Accounts of an owner, by account ID (paginated).',
    params: [
      ['owner', P.owner, 'owner string, "" for the caller'],
      ['pageSize', P.pageSize, '1..100'],
      ['bookmark', P.bookmark, '"" for the first page'],
    ],
    returns: R.accountPage,
  })
  async listAccountsByOwner(
    ctx: PaymentsContext,
    owner: string,
    pageSize: string,
    bookmark: string,
  ): Promise<Page<Account>> {
    return queries.listAccountsByOwner(ctx, owner, pageSize, bookmark);
  }

  @Tx({
    submit: false,
    description:
      'Settled available and held funds per shard of an account, and their sums (one shard for an account opened with openAccount).',
    params: [['accountId', P.id, 'account']],
    returns: R.shards,
  })
  async getShards(ctx: PaymentsContext, accountId: string): Promise<ShardBalances> {
    return accounts.getShards(ctx, accountId);
  }

  @Tx({
    submit: false,
    description: 'Available (including pending credits), held and pending balance.',
    params: [['accountId', P.id, 'account']],
    returns: R.balance,
  })
  async getBalance(ctx: PaymentsContext, accountId: string): Promise<Balance> {
    return queries.getBalance(ctx, accountId);
  }

  @Tx({
    submit: false,
    description: 'Pending (unfolded) credits of an account (paginated).',
    params: [
      ['accountId', P.id, 'account'],
      ['pageSize', P.pageSize, '1..100'],
      ['bookmark', P.bookmark, '"" for the first page'],
    ],
    returns: R.creditPage,
  })
  async listPendingCredits(
    ctx: PaymentsContext,
    accountId: string,
    pageSize: string,
    bookmark: string,
  ): Promise<Page<Credit>> {
    return queries.listPendingCredits(ctx, accountId, pageSize, bookmark);
  }

  @Tx({
    submit: false,
    description: 'One payment, by payer account and payment ID.',
    params: [
      ['from', P.id, 'payer account'],
      ['paymentId', P.id, 'payment'],
    ],
    returns: R.payment,
  })
  async getPayment(ctx: PaymentsContext, from: string, paymentId: string): Promise<Payment> {
    return queries.getPayment(ctx, from, paymentId);
  }

  @Tx({
    submit: false,
    description: 'One batch payout, by payer account and batch ID.',
    params: [
      ['from', P.id, 'payer account'],
      ['batchId', P.id, 'batch'],
    ],
    returns: R.batch,
  })
  async getBatch(ctx: PaymentsContext, from: string, batchId: string): Promise<PaymentBatch> {
    return batches.getBatch(ctx, from, batchId);
  }

  @Tx({
    submit: false,
    description: 'Payments, refunds and captures of an account, newest first (paginated).',
    params: [
      ['accountId', P.id, 'account'],
      ['pageSize', P.pageSize, '1..100'],
      ['bookmark', P.bookmark, '"" for the first page'],
    ],
    returns: R.historyPage,
  })
  async getPaymentHistory(
    ctx: PaymentsContext,
    accountId: string,
    pageSize: string,
    bookmark: string,
  ): Promise<Page<HistoryEntry>> {
    return queries.getPaymentHistory(ctx, accountId, pageSize, bookmark);
  }

  @Tx({
    submit: false,
    description: 'One hold, by payer account and hold ID.',
    params: [
      ['from', P.id, 'payer account'],
      ['holdId', P.id, 'hold'],
    ],
    returns: R.hold,
  })
  async getHold(ctx: PaymentsContext, from: string, holdId: string): Promise<Hold> {
    return queries.getHold(ctx, from, holdId);
  }

  @Tx({
    submit: false,
    description: "One refund, by the payment's payer account, payment ID and refund ID.",
    params: [
      ['from', P.id, 'payer account of the payment'],
      ['paymentId', P.id, 'payment'],
      ['refundId', P.id, 'refund'],
    ],
    returns: R.refund,
  })
  async getRefund(ctx: PaymentsContext, from: string, paymentId: string, refundId: string): Promise<Refund> {
    return queries.getRefund(ctx, from, paymentId, refundId);
  }

  @Tx({
    submit: false,
    description: 'One issue or redeem operation, by issuing MSP, currency and operation ID.',
    params: [
      ['mspId', P.mspId, 'issuing MSP'],
      ['currency', P.currency, 'currency'],
      ['operationId', P.id, 'operation'],
    ],
    returns: R.issuance,
  })
  async getOperation(
    ctx: PaymentsContext,
    mspId: string,
    currency: string,
    operationId: string,
  ): Promise<Issuance> {
    return queries.getOperation(ctx, mspId, currency, operationId);
  }

  @Tx({ submit: false, description: 'The effective governance.', params: [], returns: R.governance })
  async getGovernance(ctx: PaymentsContext): Promise<Governance> {
    return governance.getGovernance(ctx);
  }

  @Tx({
    submit: false,
    description: 'One governance proposal, by proposing MSP and proposal ID.',
    params: [
      ['proposer', P.mspId, 'MSP ID of the proposing org'],
      ['proposalId', P.id, 'proposal'],
    ],
    returns: R.proposal,
  })
  async getGovernanceProposal(
    ctx: PaymentsContext,
    proposer: string,
    proposalId: string,
  ): Promise<GovernanceProposal> {
    return governance.getGovernanceProposal(ctx, proposer, proposalId);
  }

  @Tx({
    submit: false,
    description: 'Governance proposals, open and applied (paginated).',
    params: [
      ['pageSize', P.pageSize, '1..100'],
      ['bookmark', P.bookmark, '"" for the first page'],
    ],
    returns: R.proposalPage,
  })
  async listGovernanceProposals(
    ctx: PaymentsContext,
    pageSize: string,
    bookmark: string,
  ): Promise<Page<GovernanceProposal>> {
    return governance.listGovernanceProposals(ctx, pageSize, bookmark);
  }

  @Tx({
    submit: false,
    description: 'Allowance of a spender on an account ("0" if none).',
    params: [
      ['accountId', P.id, 'account'],
      ['spender', P.spender, 'owner string of the spender'],
    ],
    returns: R.allowance,
  })
  async getAllowance(ctx: PaymentsContext, accountId: string, spender: string): Promise<Allowance> {
    return queries.getAllowance(ctx, accountId, spender);
  }

  @Tx({
    submit: false,
    description: 'Limits of an account ("" = none).',
    params: [['accountId', P.id, 'account']],
    returns: R.limits,
  })
  async getLimits(ctx: PaymentsContext, accountId: string): Promise<Limits> {
    return queries.getLimits(ctx, accountId);
  }

  @Tx({
    submit: false,
    description: 'Issued, redeemed and outstanding totals of a currency.',
    params: [['currency', P.currency, 'currency']],
    returns: R.supply,
  })
  async getSupply(ctx: PaymentsContext, currency: string): Promise<Supply> {
    return queries.getSupply(ctx, currency);
  }

  @Tx({
    submit: false,
    description: 'Per currency: available + held + pending against issued - redeemed.',
    params: [],
    returns: R.conservation,
  })
  async conservationReport(ctx: PaymentsContext): Promise<{ items: ConservationLine[] }> {
    return queries.conservationReport(ctx);
  }
}
