/**
 * Readiness checks for CA servers: poll the operations endpoint's /healthz and the TLS API's
 * /cainfo until both answer, with a deadline that names what was awaited. No fixed sleeps.
 */
import http from 'node:http';
import https from 'node:https';
import { setTimeout as delay } from 'node:timers/promises';

/** Result of a single probe. */
export interface ProbeResult {
  ok: boolean;
  /** Why not, e.g. "connect ECONNREFUSED 127.0.0.1:7105" or "HTTP 503". */
  reason?: string;
}

function probe(url: string, ca?: string | Buffer, timeoutMs = 2000): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const lib = url.startsWith('https:') ? https : http;
    const req = lib.get(url, { timeout: timeoutMs, ...(ca ? { ca } : {}) }, (res) => {
      res.resume();
      res.on('end', () =>
        resolve(
          res.statusCode === 200 ? { ok: true } : { ok: false, reason: `HTTP ${res.statusCode ?? '?'}` },
        ),
      );
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (e) => resolve({ ok: false, reason: e.message }));
  });
}

/** GET `http://<address>:<port>/healthz`. */
export function probeHealthz(operationsPort: number, address = '127.0.0.1'): Promise<ProbeResult> {
  return probe(`http://${address}:${operationsPort}/healthz`);
}

/** GET `https://<address>:<port>/cainfo`, trusting only the given TLS CA certificate. */
export function probeCaInfo(
  listenPort: number,
  tlsCaPem: string | Buffer,
  address = '127.0.0.1',
): Promise<ProbeResult> {
  return probe(`https://${address}:${listenPort}/cainfo`, tlsCaPem);
}

export interface WaitOptions {
  /** What we are waiting for, for the timeout message, e.g. "Org1 root CA". */
  label: string;
  timeoutMs: number;
  /** Called between probes; throw to abort (e.g. the process died). */
  check?: () => void;
}

/**
 * Polls `probeFn` until it succeeds; throws after the deadline with the last failure reason.
 */
export async function waitUntil(
  what: string,
  probeFn: () => Promise<ProbeResult>,
  opts: WaitOptions,
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  let last: ProbeResult = { ok: false, reason: 'not probed yet' };
  let pause = 50;
  for (;;) {
    opts.check?.();
    last = await probeFn();
    if (last.ok) return;
    if (Date.now() >= deadline) break;
    await delay(pause);
    pause = Math.min(pause * 2, 500);
  }
  throw new Error(
    `timed out after ${Math.round(opts.timeoutMs / 1000)} s waiting for ${opts.label}: ${what} (last: ${last.reason ?? 'failed'})`,
  );
}
