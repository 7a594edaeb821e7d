import { enumOf, objectSchema, STRING } from './schema';

/** How a payment was authorized: by the payer's owner, or by a spender's allowance. */
export const PAYMENT_VIAS = ['owner', 'allowance'] as const;

/** How a payment was authorized. */
export type PaymentVia = (typeof PAYMENT_VIAS)[number];

/** Settled payment. */
export interface Payment {
  /** Caller-chosen, scoped within the payer account `from`: look a payment up by (from, paymentId). */
  paymentId: string;
  from: string;
  to: string;
  amount: string;
  currency: string;
  reference: string;
  via: PaymentVia;
  /** Owner string of the submitter. */
  initiator: string;
  status: 'settled';
  /**
   * Sum of refunds so far. "0" in the pay result, its event and idempotent
   * replays (the original result); getPayment reports the current total.
   */
  refunded: string;
  at: string;
  txId: string;
}

/** Schema of {@link Payment}. */
export const PAYMENT_SCHEMA = objectSchema<Payment>({
  paymentId: STRING,
  from: STRING,
  to: STRING,
  amount: STRING,
  currency: STRING,
  reference: STRING,
  via: enumOf(PAYMENT_VIAS),
  initiator: STRING,
  status: enumOf(['settled']),
  refunded: STRING,
  at: STRING,
  txId: STRING,
});

/** Refund of (part of) a settled payment. */
export interface Refund {
  refundId: string;
  /** The refunded payment (scoped within `to`, the payment's payer account). */
  paymentId: string;
  /** Payee of the original payment (debited). */
  from: string;
  /** Payer of the original payment (credited). */
  to: string;
  amount: string;
  currency: string;
  reason: string;
  initiator: string;
  at: string;
}

/** Schema of {@link Refund}. */
export const REFUND_SCHEMA = objectSchema<Refund>({
  refundId: STRING,
  paymentId: STRING,
  from: STRING,
  to: STRING,
  amount: STRING,
  currency: STRING,
  reason: STRING,
  initiator: STRING,
  at: STRING,
});

/** Spending allowance granted by an account owner to a spender (an owner string). */
export interface Allowance {
  accountId: string;
  spender: string;
  amount: string;
}

/** Schema of {@link Allowance}. */
export const ALLOWANCE_SCHEMA = objectSchema<Allowance>({
  accountId: STRING,
  spender: STRING,
  amount: STRING,
});
