import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { run } from '../util/run';

/** Where an organisation's chaincode servers listen and how peers reach them. */
export interface CcaasConnection {
  /**
   * host:port of the chaincode server, or a template the ccaas builder fills from the peer's
   * `CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG` (e.g. `{{.chaincode_address}}`, see endpoints.ts).
   */
  address: string;
  /** PEM of the CA that issued the chaincode server's TLS certificate. */
  rootCert: string;
}

/** A chaincode-as-a-service package and the ID the peers will know it by. */
export interface CcaasPackage {
  file: string;
  label: string;
  /** `<label>:<sha256 of the package file>`, as `peer lifecycle chaincode install` reports it. */
  packageId: string;
}

/**
 * Builds a chaincode-as-a-service package: metadata.json (type ccaas) and code.tar.gz holding
 * connection.json. It carries no code; the chaincode runs as its own server, so the package ID
 * changes only with the label (name and version) and the connection details.
 */
export async function packageCcaas(
  file: string,
  label: string,
  connection: CcaasConnection,
): Promise<CcaasPackage> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'fabpay-ccpkg-'));
  try {
    const code = path.join(tmp, 'code');
    mkdirSync(code);
    writeFileSync(
      path.join(code, 'connection.json'),
      JSON.stringify({
        address: connection.address,
        dial_timeout: '10s',
        tls_required: true,
        client_auth_required: false,
        root_cert: connection.rootCert,
      }),
    );
    writeFileSync(path.join(tmp, 'metadata.json'), JSON.stringify({ type: 'ccaas', label }));
    // Fixed owner, group and mtime make the package bytes, and so the package ID, reproducible.
    const tarFlags = ['--owner=0', '--group=0', '--numeric-owner', '--mtime=1970-01-01', '--sort=name'];
    await run('tar', [...tarFlags, '-C', code, '-czf', path.join(tmp, 'code.tar.gz'), 'connection.json'], {
      env: { ...process.env, GZIP: '-n' },
    });
    mkdirSync(path.dirname(file), { recursive: true });
    await run('tar', [...tarFlags, '-C', tmp, '-czf', file, 'metadata.json', 'code.tar.gz'], {
      env: { ...process.env, GZIP: '-n' },
    });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const hash = createHash('sha256').update(readFileSync(file)).digest('hex');
  return { file, label, packageId: `${label}:${hash}` };
}
