import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '@fabpay/topology';
import { run } from '../util/run';
import { CCAAS_BUILDER_CONFIG_ENV, CHAINCODE_ADDRESS_TEMPLATE, ccaasBuilderConfig } from './builder-config';

/** The ccaas builder's build step, as a peer runs it (sh, with the peer's propagated environment). */
const build = path.join(repoRoot(), 'network', 'builders', 'ccaas', 'bin', 'build');

describe('ccaas builder: connection.json templates (Fabric ccaas convention)', () => {
  let dir: string;
  const rootCert = '-----BEGIN CERTIFICATE-----\nMIIB+/=\n-----END CERTIFICATE-----\n';
  const runBuild = (connection: object, config: string | undefined) => {
    writeFileSync(path.join(dir, 'src', 'connection.json'), JSON.stringify(connection));
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH };
    if (config !== undefined) env[CCAAS_BUILDER_CONFIG_ENV] = config;
    return run('sh', [build, path.join(dir, 'src'), path.join(dir, 'meta'), path.join(dir, 'out')], {
      env,
      allowFailure: true,
    });
  };
  const output = (): unknown => JSON.parse(readFileSync(path.join(dir, 'out', 'connection.json'), 'utf8'));

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'fabpay-builder-'));
    for (const d of ['src', 'meta', 'out']) mkdirSync(path.join(dir, d));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("fills each peer's own chaincode server address into the one package's template", async () => {
    const connection = {
      address: CHAINCODE_ADDRESS_TEMPLATE,
      dial_timeout: '10s',
      tls_required: true,
      root_cert: rootCert,
    };
    for (const [peer, address] of [
      ['peer0.org1.example.com', '127.0.0.1:7113'],
      ['peer1.org1.example.com', '127.0.0.1:7123'],
    ] as const) {
      const res = await runBuild(connection, ccaasBuilderConfig(peer, address));
      expect(res.code).toBe(0);
      expect(output()).toEqual({ ...connection, address });
    }
  });

  it('copies a connection.json without templates as it is', async () => {
    const connection = { address: '127.0.0.1:7109', tls_required: true, root_cert: rootCert };
    expect((await runBuild(connection, undefined)).code).toBe(0);
    expect(output()).toEqual(connection);
  });

  it('fails, naming the key, when the configuration lacks a key the template uses', async () => {
    const connection = { address: CHAINCODE_ADDRESS_TEMPLATE, root_cert: rootCert };
    const missing = await runBuild(connection, JSON.stringify({ peername: 'peer0' }));
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/has no "chaincode_address"/);
    const unset = await runBuild(connection, undefined);
    expect(unset.code).not.toBe(0);
  });

  it('refuses a value that could break the JSON or the substitution, and templates it does not support', async () => {
    const connection = { address: CHAINCODE_ADDRESS_TEMPLATE };
    const bad = await runBuild(connection, JSON.stringify({ chaincode_address: 'a|b&c' }));
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/must be a non-empty string/);
    const unsupported = await runBuild({ address: '{{ printf "%s" .x }}' }, '{}');
    expect(unsupported.code).not.toBe(0);
    expect(unsupported.stderr).toMatch(/does not support/);
  });
});
