/**
 * Credit IDs. Incoming money is a pending credit named by its source's full
 * scope, so the ID is unique without randomness even though caller-chosen IDs
 * are only unique within their scope: `p:<payer>:<paymentId>`,
 * `r:<paymentId>:<refundId>` (credited to the payer, whose payment IDs are
 * unique), `h:<payer>:<holdId>` (capture), `i:<issuing MSP>:<operationId>`
 * (the account fixes the currency). ":" cannot occur in an ID, so the parts
 * never run into each other. Clients build the ID of a credit they know they
 * caused with these, without a query.
 */
import { ID_BODY } from './ids';
import type { CreditSource } from './credit';

const CREDIT_ID_BODY = `[prhib]:${ID_BODY}:${ID_BODY}`;

/** Pattern of one credit ID. */
export const CREDIT_ID_PATTERN = `^${CREDIT_ID_BODY}$`;

/** Longest credit ID: prefix, two IDs and two separators. */
export const MAX_CREDIT_ID_LENGTH = 2 + 64 + 1 + 64;

/** Comma-separated list of 1..100 credit IDs (how foldCredits and payWithCredits take them). */
export const CREDIT_ID_LIST_PATTERN = `^${CREDIT_ID_BODY}(,${CREDIT_ID_BODY}){0,99}$`;

const PREFIX: Record<CreditSource, string> = {
  payment: 'p',
  refund: 'r',
  capture: 'h',
  issue: 'i',
  batch: 'b',
};

/** Credit ID for a credit from `source`, scoped by `scope` (see {@link CREDIT_ID_PATTERN}). */
export function creditIdOf(source: CreditSource, scope: readonly [string, string]): string {
  return `${PREFIX[source]}:${scope[0]}:${scope[1]}`;
}

/** The payee's credit from payment `paymentId` of payer account `from`. */
export const paymentCreditId = (from: string, paymentId: string): string =>
  creditIdOf('payment', [from, paymentId]);

/** The payer's credit from refund `refundId` of its payment `paymentId`. */
export const refundCreditId = (paymentId: string, refundId: string): string =>
  creditIdOf('refund', [paymentId, refundId]);

/** The payee's credit from capturing hold `holdId` of payer account `from`. */
export const captureCreditId = (from: string, holdId: string): string =>
  creditIdOf('capture', [from, holdId]);

/** The account's credit from issue `operationId` by an issuer of MSP `issuerMspId`. */
export const issueCreditId = (issuerMspId: string, operationId: string): string =>
  creditIdOf('issue', [issuerMspId, operationId]);

/**
 * The payee's credit from batch `batchId` of payer account `from`: one per payee and batch,
 * whatever number of the batch's lines pay that payee.
 */
export const batchCreditId = (from: string, batchId: string): string => creditIdOf('batch', [from, batchId]);
