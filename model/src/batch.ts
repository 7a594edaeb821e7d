/*
 * Batch payouts: one payer pays many payees in one transaction (payBatch).
 * Each line becomes a Payment of its own (same payer, currency, initiator,
 * time and transaction); the batch record lists the lines and is the
 * transaction's result, its event's payload and its idempotency record.
 */
import { arrayOf, objectSchema, STRING } from './schema';

/**
 * Most lines one payBatch may carry. A batch of 500 lines with every field
 * at its longest, to 500 distinct payees, writes 2,002 keys (a payment, two
 * history lines and a credit per line, the balance, the batch) of about
 * 1.6 MB and carries about 0.7 MB more of argument, result and event: about
 * 2.5 MB in all (the chaincode's unit test measures it), under the channel's
 * preferred block size (4 MB) and far under its absolute maximum (10 MB).
 * The chaincode reads each line's payment ID and each distinct payee once,
 * so execution grows linearly; nothing in it forces a lower bound. Clients
 * split larger payouts into batches of at most this many lines.
 */
export const MAX_BATCH_LINES = 500;

/**
 * Longest JSON one line may take in payBatch's `lines` argument when written
 * compactly (as JSON.stringify does): the four fields at their longest, a
 * reference of 140 characters that all need escaping, and the punctuation.
 */
export const MAX_BATCH_LINE_JSON = 512;

/** Longest `lines` argument payBatch accepts (compact JSON of {@link MAX_BATCH_LINES} lines). */
export const MAX_BATCH_LINES_JSON = MAX_BATCH_LINES * MAX_BATCH_LINE_JSON + 2;

/** One line of a batch: what the payer chooses per payee. */
export interface BatchLine {
  /** Caller-chosen, scoped within the payer account like any payment ID; unique within the batch. */
  paymentId: string;
  /** Payee account. */
  to: string;
  /** Minor units, a canonical positive decimal string. */
  amount: string;
  /** Free text, printable ASCII, at most 140 ("" for none). */
  reference: string;
}

/** Schema of {@link BatchLine}. */
export const BATCH_LINE_SCHEMA = objectSchema<BatchLine>({
  paymentId: STRING,
  to: STRING,
  amount: STRING,
  reference: STRING,
});

/** A settled batch payout. */
export interface PaymentBatch {
  /** Caller-chosen, scoped within the payer account `from`: look a batch up by (from, batchId). */
  batchId: string;
  from: string;
  currency: string;
  /** The lines in the order given; each is also a Payment (getPayment(from, paymentId)). */
  lines: BatchLine[];
  /** Sum of the lines' amounts. */
  total: string;
  /** Owner string of the submitter. */
  initiator: string;
  at: string;
  txId: string;
}

/** Schema of {@link PaymentBatch}. */
export const PAYMENT_BATCH_SCHEMA = objectSchema<PaymentBatch>({
  batchId: STRING,
  from: STRING,
  currency: STRING,
  lines: arrayOf<BatchLine>(BATCH_LINE_SCHEMA),
  total: STRING,
  initiator: STRING,
  at: STRING,
  txId: STRING,
});
