/**
 * Records the chaincode keeps in state but never returns as such (clients see
 * them only through query results of @fabpay/model), so they are not part of
 * the shared model.
 */

/** Settled balance record under KEY.balance. Pending credits are kept apart. */
export interface BalanceRecord {
  available: string;
  held: string;
}
