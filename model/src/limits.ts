import { objectSchema, STRING } from './schema';

/** One layer of limits (amounts); "" = no limit. */
export interface LimitPair {
  perPayment: string;
  perDay: string;
}

/** Schema of {@link LimitPair}. */
export const LIMIT_PAIR_SCHEMA = objectSchema<LimitPair>({ perPayment: STRING, perDay: STRING });

/**
 * Per-account limits in two layers: compliance's (only compliance changes
 * them) and the owner's (never looser than compliance's). Debits obey
 * `effective`, the tighter of the two for each limit.
 */
export interface Limits {
  accountId: string;
  compliance: LimitPair;
  owner: LimitPair;
  effective: LimitPair;
}

/** Schema of {@link Limits}. */
export const LIMITS_SCHEMA = objectSchema<Limits>({
  accountId: STRING,
  compliance: LIMIT_PAIR_SCHEMA,
  owner: LIMIT_PAIR_SCHEMA,
  effective: LIMIT_PAIR_SCHEMA,
});
