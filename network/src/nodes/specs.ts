/**
 * Turns the topology, the port plan and the CA's paths into the environment of every orderer and
 * peer. This is where node configuration is decided; nothing else sets Fabric options.
 */
import path from 'node:path';
import { binaryPath, nodeHost, organizations, planPorts, type Topology } from '@fabpay/topology';
import type { TopologyPaths } from '@fabpay/ca';
import { nodeFiles, peerSnapshotsDir, type NetworkLayout } from '../layout';
import { LOCAL_HOST } from '../local-host';
import type { ProcessSpec } from '@fabpay/topology';
import { CCAAS_BUILDER_CONFIG_ENV, ccaasBuilderConfig } from '../chaincode/builder-config';
import { withNodeSettings } from './tuning';

/** Everything the network needs to know about one orderer or peer. */
export interface NodeSpec {
  kind: 'orderer' | 'peer';
  host: string;
  org: string;
  mspId: string;
  listen: number;
  /** osnadmin port (orderers) or chaincode listen port (peers). */
  second: number;
  operations: number;
  process: ProcessSpec;
  /** TLS folder: ca.crt, server.crt, server.key. */
  tlsDir: string;
  /**
   * The address it listens on and tools on this machine dial: its host's (topology placement),
   * else 127.0.0.1.
   */
  address: string;
  /** The network namespace of its host; undefined on loopback. */
  netns: string | undefined;
  /**
   * The host name other nodes, profiles and env files name it by: its own host name
   * (peer0.org1.example.com, resolved by the hosts' hosts file) on hosts, else `localhost`.
   */
  advertisedHost: string;
  /**
   * The host name the channel configuration names it by (orderer endpoints, consenters, anchor
   * peers): its own host name on hosts, else 127.0.0.1.
   */
  channelHost: string;
}

/** The addressing of one node: where it listens and which names it is known by. */
function nodeAddressing(
  topology: Topology,
  fqdn: string,
): Pick<NodeSpec, 'address' | 'netns' | 'advertisedHost' | 'channelHost'> {
  const host = nodeHost(topology, fqdn);
  return host
    ? { address: host.address, netns: host.netns, advertisedHost: fqdn, channelHost: fqdn }
    : { address: '127.0.0.1', netns: undefined, advertisedHost: LOCAL_HOST, channelHost: '127.0.0.1' };
}

/**
 * The address a peer gives others (its own address, gossip's internal and external endpoints,
 * bootstrap peers): on loopback `localhost`, the one host name the connection profiles use too
 * (on hosts, its own host name). Discovery
 * hands the external endpoint to clients, and fabric-network (which matches discovered peers to
 * the profile's by URL, and with asLocalhost rewrites any discovered host to `localhost`) then sees
 * each profile peer once, with asLocalhost true or false. Internal and external endpoint must be
 * the same string: the peer gateway keys its endorser connections by the internal endpoint but
 * looks endorsers up by the external one, and on a miss reconnects the whole channel under a
 * global lock on every request (1000+ times in one payment run, when only the external endpoint
 * was localhost). Gossip treats both
 * `127.0.0.1:<port>` and `localhost:<port>` as itself, so the anchor peers of the channel
 * configuration (127.0.0.1) still match. Every peer TLS certificate names localhost.
 */
const advertised = (host: string, port: number): string => `${host}:${port}`;

/** Base environment for Fabric processes: no proxy settings, Fabric's logging spec. */
function baseEnv(topology: Topology, cfgDir: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TMPDIR: process.env.TMPDIR,
    FABRIC_CFG_PATH: cfgDir,
    FABRIC_LOGGING_SPEC: topology.logging,
    // Fabric's default format colours its output, which is noise in log files.
    FABRIC_LOGGING_FORMAT:
      '%{time:2006-01-02 15:04:05.000 MST} %{level:.4s} [%{module}] %{shortfunc} -> %{message}',
  };
}

/** Specs of all orderers and peers, orderers first. */
export function nodeSpecs(topology: Topology, caPaths: TopologyPaths, layout: NetworkLayout): NodeSpec[] {
  const plan = planPorts(topology);
  const specs: NodeSpec[] = [];
  for (const org of organizations(topology)) {
    const ports = plan.orgs.find((o) => o.org === org.name);
    if (!ports) throw new Error(`port plan has no organisation ${org.name}`);
    const orgPaths = caPaths.org(org.name);
    if (org.kind === 'orderer') {
      for (const node of org.nodes) {
        const p = ports.orderers.find((o) => o.host === node.host)!;
        const tls = caPaths.node(node.host).tls;
        const files = nodeFiles(layout, node.host);
        const where = nodeAddressing(topology, node.host);
        const addr = (port: number): string => `${where.address}:${port}`;
        const env = {
          ...baseEnv(topology, layout.ordererConfigDir),
          ORDERER_GENERAL_LISTENADDRESS: where.address,
          ORDERER_GENERAL_LISTENPORT: String(p.listen),
          ORDERER_GENERAL_LOCALMSPID: org.mspId,
          ORDERER_GENERAL_LOCALMSPDIR: caPaths.node(node.host).msp,
          ORDERER_GENERAL_BOOTSTRAPMETHOD: 'none',
          ORDERER_GENERAL_TLS_ENABLED: 'true',
          ORDERER_GENERAL_TLS_PRIVATEKEY: path.join(tls, 'server.key'),
          ORDERER_GENERAL_TLS_CERTIFICATE: path.join(tls, 'server.crt'),
          ORDERER_GENERAL_TLS_ROOTCAS: `[${path.join(tls, 'ca.crt')}]`,
          // Raft traffic shares the main listener and its TLS certificate (the consenter identity).
          ORDERER_GENERAL_CLUSTER_CLIENTCERTIFICATE: path.join(tls, 'server.crt'),
          ORDERER_GENERAL_CLUSTER_CLIENTPRIVATEKEY: path.join(tls, 'server.key'),
          ORDERER_GENERAL_CLUSTER_ROOTCAS: `[${path.join(tls, 'ca.crt')}]`,
          ORDERER_FILELEDGER_LOCATION: path.join(files.data, 'ledger'),
          ORDERER_CONSENSUS_WALDIR: path.join(files.data, 'etcdraft', 'wal'),
          ORDERER_CONSENSUS_SNAPDIR: path.join(files.data, 'etcdraft', 'snapshot'),
          ORDERER_OPERATIONS_LISTENADDRESS: addr(p.operations),
          ORDERER_METRICS_PROVIDER: 'prometheus',
          ORDERER_ADMIN_LISTENADDRESS: addr(p.admin),
          ORDERER_ADMIN_TLS_ENABLED: 'true',
          ORDERER_ADMIN_TLS_PRIVATEKEY: path.join(tls, 'server.key'),
          ORDERER_ADMIN_TLS_CERTIFICATE: path.join(tls, 'server.crt'),
          ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED: 'true',
          ORDERER_ADMIN_TLS_CLIENTROOTCAS: `[${orgPaths.tlsCaCert}]`,
          ORDERER_CHANNELPARTICIPATION_ENABLED: 'true',
        };
        specs.push({
          kind: 'orderer',
          host: node.host,
          org: org.name,
          mspId: org.mspId,
          listen: p.listen,
          second: p.admin,
          operations: p.operations,
          tlsDir: tls,
          ...where,
          process: {
            name: node.host,
            command: binaryPath('orderer'),
            args: [],
            env: withNodeSettings('orderer', env, topology),
            logFile: files.log,
            pidFile: files.pid,
            ...(where.netns ? { netns: where.netns } : {}),
          },
        });
      }
    } else {
      for (const node of org.nodes) {
        const p = ports.peers.find((o) => o.host === node.host)!;
        const tls = caPaths.node(node.host).tls;
        const files = nodeFiles(layout, node.host);
        const where = nodeAddressing(topology, node.host);
        const addr = (port: number): string => `${where.address}:${port}`;
        // Gossip bootstraps from the org's other peers; a single-peer org bootstraps from itself.
        const others = ports.peers
          .filter((q) => q.host !== node.host)
          .map((q) => advertised(nodeAddressing(topology, q.host).advertisedHost, q.listen));
        const self = advertised(where.advertisedHost, p.listen);
        const env = {
          ...baseEnv(topology, layout.peerConfigDir),
          CORE_PEER_ID: node.host,
          CORE_PEER_ADDRESS: self,
          CORE_PEER_LISTENADDRESS: addr(p.listen),
          CORE_PEER_CHAINCODEADDRESS: addr(p.chaincode),
          CORE_PEER_CHAINCODELISTENADDRESS: addr(p.chaincode),
          CORE_PEER_GOSSIP_BOOTSTRAP: (others.length ? others : [self]).join(' '),
          CORE_PEER_GOSSIP_EXTERNALENDPOINT: self,
          CORE_PEER_GOSSIP_ENDPOINT: self,
          CORE_PEER_LOCALMSPID: org.mspId,
          CORE_PEER_MSPCONFIGPATH: caPaths.node(node.host).msp,
          CORE_PEER_FILESYSTEMPATH: files.data,
          CORE_PEER_TLS_ENABLED: 'true',
          CORE_PEER_TLS_CERT_FILE: path.join(tls, 'server.crt'),
          CORE_PEER_TLS_KEY_FILE: path.join(tls, 'server.key'),
          CORE_PEER_TLS_ROOTCERT_FILE: path.join(tls, 'ca.crt'),
          CORE_PEER_LIMITS_CONCURRENCY_GATEWAYSERVICE: String(topology.peer.gatewayConcurrency),
          CORE_LEDGER_STATE_STATEDATABASE: 'goleveldb',
          // Its own snapshot directory (layout.ts says why the sample's shared one is wrong).
          CORE_LEDGER_SNAPSHOTS_ROOTDIR: peerSnapshotsDir(layout, node.host),
          CORE_OPERATIONS_LISTENADDRESS: addr(p.operations),
          CORE_METRICS_PROVIDER: 'prometheus',
          // Read by the ccaas builder (core.yaml propagates it): this peer's own chaincode server.
          [CCAAS_BUILDER_CONFIG_ENV]: ccaasBuilderConfig(
            node.host,
            `${where.netns ? node.host : where.address}:${p.chaincodeServer}`,
          ),
        };
        specs.push({
          kind: 'peer',
          host: node.host,
          org: org.name,
          mspId: org.mspId,
          listen: p.listen,
          second: p.chaincode,
          operations: p.operations,
          tlsDir: tls,
          ...where,
          process: {
            name: node.host,
            command: binaryPath('peer'),
            args: ['node', 'start'],
            env: withNodeSettings('peer', env, topology),
            logFile: files.log,
            pidFile: files.pid,
            ...(where.netns ? { netns: where.netns } : {}),
          },
        });
      }
    }
  }
  return specs;
}
