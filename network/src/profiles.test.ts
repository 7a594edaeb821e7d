/**
 * The generated connection profiles and admin env files, without a network: the TLS roots are
 * placeholder files, and the env file's pasteable script runs against a stub `peer` that prints
 * its arguments, which checks the shell quoting a person would otherwise find broken.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { paths } from '@fabpay/ca';
import { defaultTopologyFile, loadTopology, planPorts } from '@fabpay/topology';
import { networkContext, type NetworkContext } from './context';
import { adminEnvFile, connectionProfileFile, writeProfiles } from './profiles';
import { run } from './util/run';

interface Entry {
  url: string;
  mspid?: string;
  tlsCACerts: { path: string; pem: string };
}

describe('connection profiles and admin env files', () => {
  const saved = { home: process.env.FABPAY_HOME, bin: process.env.FABPAY_BIN_DIR };
  let dir: string;
  let ctx: NetworkContext;

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'fabpay-profiles-'));
    process.env.FABPAY_HOME = path.join(dir, 'home');
    process.env.FABPAY_BIN_DIR = path.join(dir, 'bin');
    const topology = loadTopology(defaultTopologyFile());
    ctx = networkContext(topology, paths(topology));
    for (const org of ctx.caPaths.orgs) {
      mkdirSync(path.dirname(org.tlsCaCert), { recursive: true });
      writeFileSync(org.tlsCaCert, `-----BEGIN CERTIFICATE-----\n${org.org}\n-----END CERTIFICATE-----\n`);
    }
    // A stand-in for Fabric's peer CLI: one argument per line, then a separator.
    mkdirSync(process.env.FABPAY_BIN_DIR, { recursive: true });
    const stub = path.join(process.env.FABPAY_BIN_DIR, 'peer');
    writeFileSync(stub, '#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done\necho ---\n');
    chmodSync(stub, 0o755);
    writeProfiles(ctx);
  });
  afterAll(() => {
    for (const [k, v] of [
      ['FABPAY_HOME', saved.home],
      ['FABPAY_BIN_DIR', saved.bin],
    ] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const profile = (org: string) =>
    JSON.parse(readFileSync(connectionProfileFile(ctx, org), 'utf8')) as {
      peers: Record<string, Entry>;
      orderers: Record<string, Entry>;
      organizations: Record<string, { certificateAuthorities?: string[] }>;
      certificateAuthorities: Record<
        string,
        {
          url: string;
          caName: string;
          tlsCACerts: { path: string; pem: string[] };
          'x-fabpay-registrar': { wallet: string; label: string };
        }
      >;
    };

  it('gives the org intermediate CA: URL, CA name, TLS root as path and PEM, registrar location', () => {
    const p = profile('Org1');
    const org1 = ctx.caPaths.org('Org1');
    const port = planPorts(ctx.topology).orgs.find((o) => o.org === 'Org1')!.cas.intermediate.listen;
    expect(p.organizations.Org1?.certificateAuthorities).toEqual(['ica.org1.example.com']);
    expect(p.organizations.Org2?.certificateAuthorities).toBeUndefined();
    expect(p.certificateAuthorities).toEqual({
      'ica.org1.example.com': {
        url: `https://localhost:${port}`,
        caName: 'ica-org1',
        tlsCACerts: { path: org1.tlsCaCert, pem: [readFileSync(org1.tlsCaCert, 'utf8')] },
        httpOptions: { verify: true },
        'x-fabpay-registrar': expect.objectContaining({ wallet: org1.registrarStore, label: 'registrar' }),
      },
    });
  });

  it('addresses every peer and orderer as localhost, each with its own port and org TLS root', () => {
    const p = profile('Org2');
    const entries = [...Object.entries(p.peers), ...Object.entries(p.orderers)];
    expect(entries).toHaveLength(ctx.nodes.length);
    for (const [host, e] of entries) {
      const node = ctx.nodes.find((n) => n.host === host)!;
      expect(e.url).toBe(`grpcs://localhost:${node.listen}`);
      // One PEM string: fabric-common refuses an array for peers and orderers.
      expect(e.tlsCACerts).toEqual({
        path: ctx.caPaths.org(node.org).tlsCaCert,
        pem: readFileSync(ctx.caPaths.org(node.org).tlsCaCert, 'utf8'),
      });
    }
    expect(new Set(entries.map(([, e]) => e.url)).size).toBe(entries.length);
    expect(Object.values(p.orderers).every((o) => o.mspid === 'OrdererMSP')).toBe(true);
  });

  it('env file: orderer, its TLS root and a peer of every org, and a comment script that pastes', async () => {
    const file = adminEnvFile(ctx, 'Org2');
    const text = readFileSync(file, 'utf8');
    const orderer = ctx.orderers[0]!;
    expect(text).toContain(`export ORDERER_ADDRESS="localhost:${orderer.listen}"`);
    expect(text).toContain(`export ORDERER_CA="${ctx.caPaths.org('OrdererOrg').tlsCaCert}"`);
    for (const org of ['Org1', 'Org2']) {
      const peer = ctx.peers.find((p) => p.org === org)!;
      const prefix = org.toUpperCase();
      expect(text).toContain(`export ${prefix}_PEER_ADDRESS="localhost:${peer.listen}"`);
      expect(text).toContain(`export ${prefix}_PEER_TLS_ROOTCERT_FILE="${ctx.caPaths.org(org).tlsCaCert}"`);
    }

    const script = text
      .split('\n')
      .filter((l) => l.startsWith('#   '))
      .map((l) => l.slice(4))
      .join('\n');
    expect(script.split('\n')[0]).toBe(`. ${file}`);
    const res = await run('bash', ['-euc', script], { env: { PATH: process.env.PATH, HOME: dir } });
    const calls = res.stdout
      .split('---\n')
      .filter(Boolean)
      .map((c) => c.trimEnd().split('\n'));
    const invoke = calls.find((c) => c[1] === 'invoke')!;
    const flag = (name: string) => invoke.flatMap((a, i) => (a === name ? [invoke[i + 1]] : []));
    expect(flag('-o')).toEqual([`localhost:${orderer.listen}`]);
    expect(flag('--cafile')).toEqual([ctx.caPaths.org('OrdererOrg').tlsCaCert]);
    expect(flag('--peerAddresses')).toHaveLength(ctx.topology.orgs.length);
    expect(flag('-C')).toEqual([ctx.topology.channel.name]);
    expect(invoke).toContain('--waitForEvent');
    const call = JSON.parse(flag('-c')[0]!) as { function: string; Args: string[] };
    expect(call.function).toBe('openAccount');
    expect(call.Args[0]).toMatch(/^admin-\d+-\d+$/);
    // The query after the invoke reads back the same account.
    const query = calls[calls.length - 1]!;
    const read = JSON.parse(query[query.indexOf('-c') + 1]!) as { function: string; Args: string[] };
    expect(read).toEqual({ function: 'getAccount', Args: [call.Args[0]] });
  });
});
