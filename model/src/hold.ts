import { enumOf, INTEGER, objectSchema, STRING } from './schema';

/** Hold lifecycle states. */
export const HOLD_STATUSES = ['authorized', 'captured', 'released', 'expired'] as const;

/** Hold lifecycle. */
export type HoldStatus = (typeof HOLD_STATUSES)[number];

/** Card-style hold: money of `from` reserved for `to` until captured, released or expired. */
export interface Hold {
  holdId: string;
  from: string;
  to: string;
  amount: string;
  currency: string;
  expiresAt: string;
  status: HoldStatus;
  /** Amount captured ("0" unless captured). */
  captured: string;
  initiator: string;
  createdAt: string;
  /** Time of capture, release or expiry; "" while authorized. */
  closedAt: string;
  /**
   * UTC day (`yyyy-mm-dd`) whose daily-limit counter this hold was counted
   * against ("" when no daily limit applied); release and expiry give the
   * uncaptured amount back to that day's counter.
   */
  limitDay: string;
  /**
   * Shard of a sharded payer account whose funds (and day counter) the hold
   * reserved; capture, release and expiry return the rest there. Absent for
   * an account of one balance.
   */
  shard?: number;
}

/** Schema of {@link Hold}. */
export const HOLD_SCHEMA = objectSchema<Hold>(
  {
    holdId: STRING,
    from: STRING,
    to: STRING,
    amount: STRING,
    currency: STRING,
    expiresAt: STRING,
    status: enumOf(HOLD_STATUSES),
    captured: STRING,
    initiator: STRING,
    createdAt: STRING,
    closedAt: STRING,
    limitDay: STRING,
    shard: INTEGER,
  },
  ['shard'],
);
