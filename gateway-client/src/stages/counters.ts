/**
 * Retry counters of one submit. Budgets are per proposal (each stage keeps
 * its own for the proposal it works on); these only add them up for the
 * caller's `SubmitResult.retries`.
 */
export interface SubmitCounters {
  /** Stage calls retried on another endpoint. */
  endpoint: number;
  /** Fresh proposals after MVCC/phantom read conflicts. */
  conflicts: number;
  /** Resends of a signed envelope. */
  resubmits: number;
  /** CommitStatus calls retried after a transport failure. */
  statusLookups: number;
}

export function newCounters(): SubmitCounters {
  return { endpoint: 0, conflicts: 0, resubmits: 0, statusLookups: 0 };
}
