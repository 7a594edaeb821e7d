/**
 * TCP readiness: whether a port accepts connections (on 127.0.0.1, or a host's address). A process answering /healthz has
 * not necessarily opened every listener yet; what `up` is about to use, it waits for by
 * connecting to it.
 */
import net from 'node:net';
import { waitFor } from './wait';

/** Whether `address`:`port` accepts a TCP connection (closed again at once). */
export function canConnect(port: number, timeoutMs = 2_000, address = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: address, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Waits until `address`:`port` (default 127.0.0.1) accepts connections. `stillRunning` is asked before each try: when
 * it throws (the process behind the port exited), the wait ends at once with that error.
 */
export async function waitForPort(
  what: string,
  port: number,
  opts: { timeoutMs: number; address?: string; stillRunning?: () => void; describeLast?: () => string },
): Promise<void> {
  let exited: Error | undefined;
  const address = opts.address ?? '127.0.0.1';
  await waitFor(
    `${what} to accept connections on ${address}:${port}`,
    async () => {
      try {
        opts.stillRunning?.();
      } catch (err) {
        exited = err as Error;
        return true;
      }
      return (await canConnect(port, 2_000, address)) ? true : undefined;
    },
    {
      timeoutMs: opts.timeoutMs,
      intervalMs: 100,
      ...(opts.describeLast ? { describeLast: opts.describeLast } : {}),
    },
  );
  // Rethrown here: thrown inside the check, waitFor would retry it until the timeout.
  if (exited) throw exited;
}
