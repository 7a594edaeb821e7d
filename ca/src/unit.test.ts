/** Fast tests of the pieces that need no CA server. */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseTopologyYaml } from '@fabpay/topology';
import { parseIdentityLine, registrationDifferences } from './enroll/identities';
import { caErrorCode, classifyClientError, ClientCommandError } from './enroll/ca-client';
import { CaNotRunningError, WrongSecretError } from './errors';
import { FileIdentityStore } from './identity-store';
import { paths } from './layout';
import { NODE_OU_CONFIG } from './msp/nodeous';
import { serverConfigYaml } from './server/config';
import { caHosts, nodeHosts } from './tls-hosts';
import { OrgSecrets } from './secrets';

describe('server configuration', () => {
  const base = {
    org: 'Org1',
    domain: 'org1.example.com',
    address: '127.0.0.1',
    adminId: 'admin',
    adminSecret: 's',
  };

  it('sets the listen and operations addresses explicitly and serves TLS', () => {
    const c = parse(serverConfigYaml({ ...base, tier: 'tls', listenPort: 7100, operationsPort: 7101 })) as {
      port: number;
      address: string;
      operations: { listenAddress: string };
      tls: { enabled: boolean };
      csr: { hosts: string[] };
      intermediate?: unknown;
    };
    expect(c.port).toBe(7100);
    expect(c.address).toBe('127.0.0.1');
    expect(c.operations.listenAddress).toBe('127.0.0.1:7101');
    expect(c.tls.enabled).toBe(true);
    expect(c.csr.hosts).toEqual(['tlsca.org1.example.com', 'org1-tls-ca', 'localhost', '127.0.0.1']);
    expect(c.intermediate).toBeUndefined();
  });

  it("listens on its organisation's host address and names it in its certificate when it has a host", () => {
    const c = parse(
      serverConfigYaml({
        ...base,
        address: '10.77.0.12',
        tier: 'tls',
        listenPort: 7100,
        operationsPort: 7101,
      }),
    ) as { address: string; operations: { listenAddress: string }; csr: { hosts: string[] } };
    expect(c.address).toBe('10.77.0.12');
    expect(c.operations.listenAddress).toBe('10.77.0.12:7101');
    expect(c.csr.hosts).toEqual([
      'tlsca.org1.example.com',
      'org1-tls-ca',
      'localhost',
      '127.0.0.1',
      '10.77.0.12',
    ]);
  });

  it('gives the root a ca profile with pathlen 0 and the intermediate its parent and no CN', () => {
    const root = parse(
      serverConfigYaml({
        ...base,
        tier: 'root',
        listenPort: 7102,
        operationsPort: 7103,
        tlsCertFile: 'c',
        tlsKeyFile: 'k',
      }),
    ) as { signing: { profiles: { ca: { caconstraint: { isca: boolean; maxpathlen: number } } } } };
    expect(root.signing.profiles.ca.caconstraint).toMatchObject({ isca: true, maxpathlen: 0 });
    const int = parse(
      serverConfigYaml({
        ...base,
        tier: 'intermediate',
        listenPort: 7104,
        operationsPort: 7105,
        tlsCertFile: 'c',
        tlsKeyFile: 'k',
        parent: { url: 'https://admin:x@127.0.0.1:7102', tlsCaCertFile: '/tls/ca-cert.pem' },
      }),
    ) as {
      csr: { cn: string };
      intermediate: {
        parentserver: { url: string };
        tls: { certfiles: string[] };
        enrollment: { hosts: string };
      };
    };
    expect(int.csr.cn).toBe('');
    expect(int.intermediate.parentserver.url).toBe('https://admin:x@127.0.0.1:7102');
    expect(int.intermediate.tls.certfiles).toEqual(['/tls/ca-cert.pem']);
    expect(int.intermediate.enrollment.hosts).toBe(
      'ica.org1.example.com,org1-intermediate-ca,localhost,127.0.0.1',
    );
  });
});

describe('TLS certificate hosts', () => {
  it("name each node by its host name, its Kubernetes Service name (a peer's chaincode server's too) and loopback", () => {
    const peer = { kind: 'peer', name: 'peer1', org: 'Org2', host: 'peer1.org2.example.com' } as const;
    expect(nodeHosts(peer)).toEqual([
      'peer1.org2.example.com',
      'peer1-org2',
      // The chaincode server presents its peer's TLS key pair, and the peer dials it by this name.
      'peer1-org2-chaincode',
      'localhost',
      '127.0.0.1',
    ]);
    const orderer = {
      kind: 'orderer',
      name: 'orderer0',
      org: 'OrdererOrg',
      host: 'orderer0.example.com',
    } as const;
    expect(nodeHosts(orderer, '10.77.0.3')).toEqual([
      'orderer0.example.com',
      'orderer0',
      'localhost',
      '127.0.0.1',
      '10.77.0.3',
    ]);
  });

  it('name each CA server by its host name, its Kubernetes Service name and loopback', () => {
    expect(caHosts('root', { name: 'Org1', domain: 'org1.example.com' })).toEqual([
      'rca.org1.example.com',
      'org1-root-ca',
      'localhost',
      '127.0.0.1',
    ]);
  });
});

describe('NodeOUs', () => {
  it('enables the four OUs and names no certifier', () => {
    const c = parse(NODE_OU_CONFIG) as { NodeOUs: Record<string, unknown> };
    expect(c.NodeOUs.Enable).toBe(true);
    expect(Object.keys(c.NodeOUs).sort()).toEqual(
      ['AdminOUIdentifier', 'ClientOUIdentifier', 'Enable', 'OrdererOUIdentifier', 'PeerOUIdentifier'].sort(),
    );
    expect(NODE_OU_CONFIG).not.toContain('Certificate');
  });
});

describe('fabric-ca-client output', () => {
  it('parses an identity line with attributes', () => {
    const line =
      'Name: alice, Type: client, Affiliation: , Max Enrollments: -1, Attributes: [{Name:payments.role Value:issuer ECert:true} {Name:hf.EnrollmentID Value:alice ECert:true}]';
    const id = parseIdentityLine(line);
    expect(id).toEqual({
      id: 'alice',
      type: 'client',
      affiliation: '',
      maxEnrollments: -1,
      attributes: [
        { name: 'payments.role', value: 'issuer', ecert: true },
        { name: 'hf.EnrollmentID', value: 'alice', ecert: true },
      ],
    });
    expect(
      registrationDifferences(
        { id: 'alice', type: 'client', attributes: { 'payments.role': 'issuer' } },
        id!,
      ),
    ).toEqual([]);
    expect(
      registrationDifferences({ id: 'alice', type: 'admin', attributes: { 'payments.role': 'x' } }, id!),
    ).toEqual(['type is client, wanted admin', 'attribute payments.role is "issuer", wanted "x":ecert']);
  });

  it('classifies refused connections and authentication failures', () => {
    const ep = { label: 'Org1 intermediate CA', address: '127.0.0.1', port: 7104, tlsCaCertFile: '/x' };
    const refused = new ClientCommandError(
      [],
      'Post "https://127.0.0.1:7104/enroll": dial tcp 127.0.0.1:7104: connect: connection refused',
    );
    expect(classifyClientError(refused, ep, 'alice', 'enroll')).toBeInstanceOf(CaNotRunningError);
    const auth = new ClientCommandError([], 'Response from server: Error Code: 20 - Authentication failure');
    expect(caErrorCode(auth.output)).toBe(20);
    expect(classifyClientError(auth, ep, 'alice', 'enroll')).toBeInstanceOf(WrongSecretError);
  });
});

describe('identity store', () => {
  it('refuses labels that would escape the directory and malformed files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fabpay-store-'));
    const store = new FileIdentityStore(dir);
    expect(() => store.file('../x')).toThrow(/invalid identity label/);
    writeFileSync(join(dir, 'bad.id'), '{"version":2}');
    expect(() => store.get('bad')).toThrow(/is not a wallet identity/);
    expect(store.get('none')).toBeUndefined();
    expect(() => store.require('none')).toThrow(/no identity "none"/);
    expect(store.list()).toEqual(['bad']);
  });
});

describe('secrets', () => {
  it('generates a bootstrap secret once, keeps it, and stores it with mode 0600', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'fabpay-secrets-')), 'org', 'secrets.json');
    const a = new OrgSecrets(file).bootstrap('root');
    expect(a).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(new OrgSecrets(file).bootstrap('root')).toBe(a);
    expect(new OrgSecrets(file).bootstrap('tls')).not.toBe(a);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8')).bootstrap.root).toBe(a);
  });
});

describe('paths', () => {
  it('tells each node its MSP and TLS dirs and each org its channel and admin MSP', () => {
    const p = paths(parseTopologyYaml(''), { FABPAY_HOME: '/h' });
    expect(p.node('peer1.org2.example.com')).toEqual({
      host: 'peer1.org2.example.com',
      kind: 'peer',
      msp: '/h/run/ca/org2/peers/peer1.org2.example.com/msp',
      tls: '/h/run/ca/org2/peers/peer1.org2.example.com/tls',
    });
    expect(p.node('orderer2.example.com').msp).toBe('/h/run/ca/ordererorg/orderers/orderer2.example.com/msp');
    const org1 = p.org('Org1MSP');
    expect(org1.channelMsp).toBe('/h/run/ca/org1/msp');
    expect(org1.adminMsp).toBe('/h/run/ca/org1/users/Admin@org1.example.com/msp');
    expect(org1.adminTls).toBe('/h/run/ca/org1/users/Admin@org1.example.com/tls');
    expect(org1.walletDir).toBe('/h/run/wallets/Org1');
    expect(org1.servers.intermediate.pidFile).toBe('/h/run/ca/org1/servers/intermediate/server.pid');
    expect(() => p.node('peer9.org1.example.com')).toThrow(/no node with host name/);
  });
});
