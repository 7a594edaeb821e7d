/**
 * A thin wrapper around the `fabric-ca-client` binary, used for setup and operator commands: it
 * writes MSP folders in exactly the layout Fabric expects (cacerts from the root,
 * intermediatecerts from the intermediate), handles CSR hosts and TLS profiles. Failures are
 * turned into the typed errors of ../errors.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { binaryPath, type PathEnv } from '@fabpay/topology';
import {
  BinaryMissingError,
  CaNotRunningError,
  CaRequestError,
  CertificateRevokedError,
  IdentityNotFoundError,
  WrongSecretError,
} from '../errors';

/** Which CA server a command talks to. */
export interface CaEndpoint {
  /** Human name, e.g. "Org1 intermediate CA". */
  label: string;
  /** Address it listens on: its organisation's host, else 127.0.0.1. */
  address: string;
  port: number;
  /** PEM file of the TLS CA that issued the server's TLS certificate. */
  tlsCaCertFile: string;
}

/** `https://<address>:<port>`, optionally with credentials for enroll. */
export function caUrl(ep: CaEndpoint, user?: { id: string; secret: string }): string {
  const cred = user ? `${encodeURIComponent(user.id)}:${encodeURIComponent(user.secret)}@` : '';
  return `https://${cred}${ep.address}:${ep.port}`;
}

export interface ClientRun {
  stdout: string;
  stderr: string;
}

/** A failure of the binary with its own output, before classification. */
export class ClientCommandError extends Error {
  constructor(
    readonly args: string[],
    readonly output: string,
  ) {
    super(output);
  }
}

/** Runs `fabric-ca-client <args>` with `-H home`. Rejects with ClientCommandError. */
export function runCaClient(args: string[], home: string, env?: PathEnv): Promise<ClientRun> {
  const bin = binaryPath('fabric-ca-client', env);
  if (!existsSync(bin)) return Promise.reject(new BinaryMissingError(bin));
  const full = [...args, '-H', home];
  return new Promise((resolve, reject) => {
    execFile(
      bin,
      full,
      { env: { ...process.env, FABRIC_CA_CLIENT_HOME: home }, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) {
          // The binary logs to stderr; the useful line starts with "Error:".
          const text = `${stderr}\n${stdout}`;
          const errorLine =
            text.split('\n').find((l) => l.startsWith('Error:')) ?? text.trim().split('\n').pop() ?? '';
          reject(new ClientCommandError(full, errorLine.replace(/^Error:\s*/, '')));
          return;
        }
        resolve({ stdout, stderr });
      },
    );
  });
}

/** The numeric fabric-ca error code in a message ("Error Code: 20 - ..."), if any. */
export function caErrorCode(message: string): number | undefined {
  const m = /Error Code: (\d+)/.exec(message);
  return m ? Number(m[1]) : undefined;
}

/**
 * Maps a failed command to a typed error.
 * @param subject the enrollment ID (or label) the command was about.
 */
export function classifyClientError(e: unknown, ep: CaEndpoint, subject: string, action: string): Error {
  if (!(e instanceof ClientCommandError)) return e as Error;
  const msg = e.output;
  if (/connection refused|connect: connection reset|no such host|i\/o timeout/i.test(msg)) {
    return new CaNotRunningError(ep.label, caUrl(ep), { cause: e });
  }
  if (/revoked/i.test(msg)) return new CertificateRevokedError(subject, msg, { cause: e });
  const code = caErrorCode(msg);
  // Code 20 is fabric-ca's deliberately vague "Authentication failure" for enroll.
  if (action === 'enroll' && (code === 20 || /authentication failure|incorrect password/i.test(msg))) {
    return new WrongSecretError(subject, ep.label, { cause: e });
  }
  if (/Error Code: 63|not found|does not exist/i.test(msg) && action !== 'enroll') {
    return new IdentityNotFoundError(`${ep.label}: no identity "${subject}" (${msg})`);
  }
  return new CaRequestError(`${ep.label}: ${action} "${subject}" failed: ${msg}`, { cause: e });
}
