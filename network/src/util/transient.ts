/**
 * Which failures of Fabric's own CLIs (peer, osnadmin) pass on their own: the node is still
 * starting, restarting or electing a leader. `up` retries exactly these within a step's timeout;
 * anything else (a bad definition, a refused signature) is final and reported at once.
 */
import { CommandError } from './run';
import { waitFor } from './wait';

/**
 * Messages of the peer and osnadmin CLIs (and the gRPC and orderer errors they wrap) that mean
 * "not now", not "never": the endpoint is not listening yet (connection refused, a TLS handshake
 * cut short), the call timed out, the ordering service has no Raft leader yet, or the orderer
 * that checks a consenter change has not yet learnt which nodes are active ("0 out of N nodes are
 * alive": etcdraft's ActiveNodes is empty on an orderer until the leader's cluster metadata
 * reaches it after a restart; a real quorum loss names the live nodes it sees, never 0).
 */
const TRANSIENT =
  /connection refused|connection reset|failed to create new connection|client failed to connect|error while dialing|code = Unavailable|context deadline exceeded|SERVICE_UNAVAILABLE|no Raft leader|timed out waiting for txid|transport is closing|broken pipe|\b0 out of \d+ nodes are alive/i;

/** Whether a failed CLI run (its error or output text) may succeed when tried again shortly. */
export function isTransientCliFailure(failure: unknown): boolean {
  const text =
    failure instanceof CommandError
      ? `${failure.result.stderr}\n${failure.result.stdout}`
      : failure instanceof Error
        ? failure.message
        : String(failure);
  return TRANSIENT.test(text);
}

/**
 * Runs one step of a Fabric CLI, trying again (every `intervalMs`, up to `timeoutMs`) while it
 * fails transiently; any other failure is thrown at once. The step itself must be safe to repeat:
 * check first whether its effect is already there.
 */
export function retryTransient<T>(
  what: string,
  attempt: () => Promise<T>,
  opts: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  // Boxed: a step that returns nothing is done, not "not yet" as an undefined is to waitFor.
  const boxed = async (): Promise<{ value: T }> => ({ value: await attempt() });
  return waitFor(what, boxed, {
    timeoutMs: opts.timeoutMs ?? 60_000,
    intervalMs: opts.intervalMs ?? 500,
    retryIf: isTransientCliFailure,
  }).then((b) => b.value);
}
