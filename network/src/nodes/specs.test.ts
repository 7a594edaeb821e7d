import path from 'node:path';
import { parseTopology } from '@fabpay/topology';
import { paths } from '@fabpay/ca';
import { networkLayout } from '../layout';
import { nodeSpecs } from './specs';

describe('peer node configuration', () => {
  it("gives every peer its own ledger snapshot directory, under its node directory (never core.yaml's shared default)", () => {
    const env = { FABPAY_HOME: '/tmp/fabpay-specs-home' };
    const topology = parseTopology({ portBase: 9000 });
    const layout = networkLayout(env);
    const peers = nodeSpecs(topology, paths(topology, env), layout).filter((n) => n.kind === 'peer');
    expect(peers.length).toBeGreaterThan(1);
    const dirs = peers.map((p) => p.process.env?.CORE_LEDGER_SNAPSHOTS_ROOTDIR);
    for (const [i, p] of peers.entries()) {
      expect(dirs[i]).toBe(path.join(layout.nodesDir, p.host, 'snapshots'));
    }
    expect(new Set(dirs).size).toBe(peers.length);
  });
});

describe('nodes on hosts', () => {
  const env = { FABPAY_HOME: '/tmp/fabpay-specs-home' };
  const topology = parseTopology({
    portBase: 9000,
    hostNetwork: { subnet: '10.9.8.0/24', bridge: 'fpx' },
    ordererOrg: { host: 'ordering', orderers: 1 },
    orgs: [
      { name: 'Org1', mspId: 'Org1MSP', peers: 2, host: 'bank1' },
      { name: 'Org2', mspId: 'Org2MSP', peers: 1, host: 'bank2' },
    ],
  });
  const specs = nodeSpecs(topology, paths(topology, env), networkLayout(env));
  const byHost = (h: string) => specs.find((s) => s.host === h)!;

  it('run in their host, listen on its address and are named by their host names, never 127.0.0.1', () => {
    const orderer = byHost('orderer0.example.com');
    expect(orderer).toMatchObject({
      address: '10.9.8.10',
      netns: 'fpx-ordering',
      advertisedHost: 'orderer0.example.com',
      channelHost: 'orderer0.example.com',
    });
    expect(orderer.process.netns).toBe('fpx-ordering');
    const peer = byHost('peer1.org1.example.com');
    expect(peer.process.netns).toBe('fpx-bank1');
    expect(peer.process.env).toMatchObject({
      CORE_PEER_LISTENADDRESS: '10.9.8.11:9120',
      CORE_PEER_ADDRESS: 'peer1.org1.example.com:9120',
      CORE_PEER_GOSSIP_ENDPOINT: 'peer1.org1.example.com:9120',
      CORE_PEER_GOSSIP_EXTERNALENDPOINT: 'peer1.org1.example.com:9120',
      CORE_PEER_GOSSIP_BOOTSTRAP: 'peer0.org1.example.com:9110',
      CORE_OPERATIONS_LISTENADDRESS: '10.9.8.11:9122',
    });
    // The peer dials its own chaincode server by its host name (the server's TLS certificate is the peer's).
    expect(JSON.parse(peer.process.env!.CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG ?? '{}')).toMatchObject({
      peername: 'peer1.org1.example.com',
    });
    expect(peer.process.env!.CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG).toContain('peer1.org1.example.com:9123');
    const everyValue = specs.flatMap((s) => Object.values(s.process.env ?? {}));
    expect(everyValue.filter((v) => typeof v === 'string' && /127\.0\.0\.1|localhost/.test(v))).toEqual([]);
  });
});
