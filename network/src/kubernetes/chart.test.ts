import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import {
  defaultTopologyFile,
  loadTopology,
  parseTopologyYaml,
  planPorts,
  repoRoot,
  type Topology,
} from '@fabpay/topology';
import { caHosts, caName, nodeHosts, paths, serverConfigYaml } from '@fabpay/ca';
import { defaultLayout, loadVersions } from '../install';
import type { NodeSpec } from '../nodes/specs';
import { generateChart } from './chart';
import { clusterEnv, KubernetesConfigError } from './env';
import {
  caIdentitySecretName,
  caServiceName,
  chaincodeServiceName,
  deployedOrgs,
  expectedSecrets,
  nodeServiceName,
} from './names';
import { secretManifests, secretsYaml, SecretSourceError } from './secrets';
import { validateChart, type ChartValidation } from './validate';
import { writeKubernetesChart, type WriteChartResult } from './write';

/**
 * The chart of a topology, rendered and validated by the real tools `npm run setup` installs
 * (helm lint --strict, helm template, kubeconform -strict against the offline Kubernetes schemas),
 * then checked object by object against the topology: exactly the Secrets, ports and host names
 * it implies. Missing tools fail the test (validateChart throws); nothing here is skipped.
 */

const NAMESPACE = 'payments-ns';

// A second shape: one orderer (another removed), three orgs of which one was removed, one peer in
// an org (gossip bootstraps from itself), another portBase.
const FIXTURE = `
name: k8sfixture
domain: bank.test
portBase: 20000
ordererOrg: { name: Ordering, mspId: OrderingMSP, orderers: 2, removed: [orderer0] }
orgs:
  - { name: Alpha, mspId: AlphaMSP, peers: 1 }
  - { name: Beta, mspId: BetaMSP, peers: 3, removed: true }
  - { name: Gamma, mspId: GammaMSP, peers: 2 }
channel: { name: settlement }
chaincode: { name: payments, version: '2.1', path: chaincode }
`;

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
}
interface Container {
  name: string;
  env?: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef: { name: string; key: string } } }>;
  ports: Array<{ name: string; containerPort: number }>;
  readinessProbe?: Record<string, { port: string; path?: string }>;
  livenessProbe?: Record<string, { port: string; path?: string }>;
}
interface PodSpec {
  containers: Container[];
  volumes: Array<{ secret?: { secretName: string; items?: Array<{ key: string }> } }>;
}

const podOf = (o: K8sObject): PodSpec => (o.spec as { template: { spec: PodSpec } }).template.spec;
const byKind = (objs: K8sObject[], kind: string): K8sObject[] => objs.filter((o) => o.kind === kind);
const names = (objs: K8sObject[]): string[] => objs.map((o) => o.metadata.name).sort();

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'fabpay-k8s-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function renderAndValidate(
  topology: Topology,
  label: string,
  genesisBlock?: string,
): Promise<{ written: WriteChartResult; validation: ChartValidation; objects: K8sObject[] }> {
  const written = writeKubernetesChart({
    topology,
    out: path.join(tmp, label),
    sampleConfigDir: defaultLayout().configDir,
    ...(genesisBlock ? { genesisBlock } : {}),
  });
  const validation = await validateChart(written.chartDir, { namespace: NAMESPACE });
  const objects = YAML.parseAllDocuments(validation.rendered)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => !!o);
  return { written, validation, objects };
}

function checkAgainstTopology(topology: Topology, objects: K8sObject[], v: ChartValidation): void {
  // The validators' verdicts.
  expect(v.lint.output).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
  expect(v.kubeconform.output).toContain(
    `Summary: ${objects.length} resources found in 1 file - Valid: ${objects.length}, Invalid: 0, Errors: 0, Skipped: 0`,
  );

  const plan = planPorts(topology);
  const orgs = deployedOrgs(topology);
  const nodes = orgs.flatMap((o) => o.nodes);
  const peers = nodes.filter((n) => n.kind === 'peer');

  // One StatefulSet and one headless Service of the same name per orderer and peer.
  const statefulSets = byKind(objects, 'StatefulSet');
  expect(names(statefulSets)).toEqual(nodes.map(nodeServiceName).sort());
  const services = new Map(byKind(objects, 'Service').map((s) => [s.metadata.name, s]));
  for (const node of nodes) {
    expect(services.get(nodeServiceName(node))?.spec?.clusterIP).toBe('None');
  }
  // A Deployment (and Service) per peer's chaincode server and per CA server; nothing else.
  const cas = orgs.flatMap((o) =>
    (['tls', 'root', 'intermediate'] as const).map((t) => caServiceName(o.name, t)),
  );
  expect(names(byKind(objects, 'Deployment'))).toEqual([...peers.map(chaincodeServiceName), ...cas].sort());
  expect([...services.keys()].sort()).toEqual(
    [...nodes.map(nodeServiceName), ...peers.map(chaincodeServiceName), ...cas].sort(),
  );
  // Ledger volumes: a claim template per node, a claim per CA.
  for (const s of statefulSets) {
    expect((s.spec as { volumeClaimTemplates: unknown[] }).volumeClaimTemplates).toHaveLength(1);
  }
  expect(names(byKind(objects, 'PersistentVolumeClaim'))).toEqual(cas.map((c) => `${c}-data`).sort());

  // Ports: exactly the port plan's, on the Service and the container, probes on operations.
  const expectPorts = (name: string, want: Record<string, number>, probePath?: string): void => {
    const svcPorts = (services.get(name)?.spec as { ports: Array<{ name: string; port: number }> }).ports;
    expect(Object.fromEntries(svcPorts.map((p) => [p.name, p.port]))).toEqual(want);
    const workload = objects.find(
      (o) => o.kind !== 'Service' && o.metadata.name === name && o.spec?.template,
    )!;
    const container = podOf(workload).containers[0]!;
    expect(Object.fromEntries(container.ports.map((p) => [p.name, p.containerPort]))).toEqual(want);
    for (const probe of [container.readinessProbe, container.livenessProbe]) {
      const action = probePath ? probe?.httpGet : probe?.tcpSocket;
      expect(action?.port).toBe(probePath ? 'operations' : 'chaincode');
      if (probePath) expect(action?.path).toBe(probePath);
    }
  };
  for (const org of plan.orgs.filter((o) => orgs.some((x) => x.name === o.org))) {
    for (const tier of ['tls', 'root', 'intermediate'] as const) {
      expectPorts(caServiceName(org.org, tier), { ...org.cas[tier] }, '/healthz');
    }
    for (const o of org.orderers) {
      const node = nodes.find((n) => n.host === o.host)!;
      expectPorts(
        nodeServiceName(node),
        { listen: o.listen, admin: o.admin, operations: o.operations },
        '/healthz',
      );
    }
    for (const p of org.peers) {
      const node = nodes.find((n) => n.host === p.host)!;
      expectPorts(
        nodeServiceName(node),
        { listen: p.listen, chaincode: p.chaincode, operations: p.operations },
        '/healthz',
      );
      expectPorts(chaincodeServiceName(node), { chaincode: p.chaincodeServer });
    }
  }

  // Secrets: the workloads reference exactly the expected ones, by name and key.
  const expected = expectedSecrets(topology).referenced;
  const referenced = new Map<string, Set<string>>();
  const note = (name: string, key?: string): void => {
    const keys = referenced.get(name) ?? new Set<string>();
    if (key) keys.add(key);
    referenced.set(name, keys);
  };
  for (const w of objects.filter((o) => o.kind === 'StatefulSet' || o.kind === 'Deployment')) {
    const pod = podOf(w);
    for (const vol of pod.volumes) {
      if (vol.secret) {
        note(vol.secret.secretName);
        for (const item of vol.secret.items ?? []) note(vol.secret.secretName, item.key);
      }
    }
    for (const e of pod.containers.flatMap((c) => c.env ?? [])) {
      if (e.valueFrom) note(e.valueFrom.secretKeyRef.name, e.valueFrom.secretKeyRef.key);
    }
  }
  expect([...referenced.keys()].sort()).toEqual(expected.map((s) => s.name).sort());
  for (const s of expected) {
    for (const key of referenced.get(s.name)!) expect(s.keys).toContain(key);
  }

  // Each CA server runs as the CA that issued the local MSPs: its signing certificate and key (and
  // the intermediate's chain) and its generated server configuration from its identity Secret,
  // and the intermediate never enrolls at the root again.
  for (const org of orgs) {
    for (const tier of ['tls', 'root', 'intermediate'] as const) {
      const svc = caServiceName(org.name, tier);
      const pod = podOf(byKind(objects, 'Deployment').find((d) => d.metadata.name === svc)!);
      const ca = pod.containers[0]! as Container & {
        args?: string[];
        volumeMounts: Array<{ name: string; mountPath: string; subPath?: string }>;
      };
      const identity = expected.find((x) => x.name === caIdentitySecretName(org.name, tier))!;
      const volume = (pod.volumes as Array<{ name: string; secret?: { secretName: string } }>).find(
        (v) => v.secret?.secretName === identity.name,
      )!;
      const mounts = ca.volumeMounts.filter((m) => m.name === volume.name);
      const dir = mounts.find((m) => !m.subPath)!.mountPath;
      const env = Object.fromEntries(ca.env!.map((e) => [e.name, e.value]));
      const files = ['FABRIC_CA_SERVER_CA_CERTFILE', 'FABRIC_CA_SERVER_CA_KEYFILE'];
      if (tier === 'intermediate') files.push('FABRIC_CA_SERVER_CA_CHAINFILE');
      for (const f of files) {
        expect(path.dirname(env[f]!)).toBe(dir);
        expect(identity.keys).toContain(path.basename(env[f]!));
      }
      // fabric-ca-server reads fabric-ca-server-config.yaml from its home (the volume).
      expect(mounts.find((m) => m.subPath)).toEqual({
        name: volume.name,
        mountPath: `${env.FABRIC_CA_SERVER_HOME}/fabric-ca-server-config.yaml`,
        subPath: 'fabric-ca-server-config.yaml',
        readOnly: true,
      });
      expect(identity.keys).toContain('fabric-ca-server-config.yaml');
      expect(ca.args).toEqual(['start']);
      expect(Object.keys(env).filter((k) => /PARENT|INTERMEDIATE/.test(k))).toEqual([]);
    }
  }

  // Host names: every address a workload dials is the short name of a Service of this release
  // (resolved in the release's namespace), on one of its ports, and a name the TLS certificate
  // served there carries, as the CA tooling's own CSR hosts say; nothing names this machine.
  // (Fabric's sample core.yaml and orderer.yaml, shipped as they are, keep their own defaults,
  // which the environment overrides: they are left out here.)
  const sampleFiles = new Set(['peer-config', 'orderer-config']);
  const rendered = JSON.stringify(objects.filter((o) => !sampleFiles.has(o.metadata.name)));
  // A CA's CSR hosts name loopback, as on one machine (in a pod, the pod itself): names a
  // certificate carries, not addresses anyone dials.
  const csrHosts = /"FABRIC_CA_SERVER_CSR_HOSTS","value":"[^"]*"/g;
  expect(rendered.replace(csrHosts, '').includes('127.0.0.1')).toBe(false);
  expect(rendered.includes(repoRoot())).toBe(false);
  expect(rendered.includes('.svc')).toBe(false);
  // What each Service's TLS server presents: a node's own pair (its chaincode server presents its
  // peer's), a CA server's pair from the org's TLS CA, and the TLS CA's own, which it issues
  // itself at first start for its FABRIC_CA_SERVER_CSR_HOSTS.
  const certHosts = new Map<string, string[]>();
  for (const node of nodes) {
    certHosts.set(nodeServiceName(node), nodeHosts(node));
    if (node.kind === 'peer') certHosts.set(chaincodeServiceName(node), nodeHosts(node));
  }
  for (const org of orgs) {
    for (const tier of ['root', 'intermediate'] as const) {
      certHosts.set(caServiceName(org.name, tier), caHosts(tier, org));
    }
    const tlsCa = podOf(
      byKind(objects, 'Deployment').find((d) => d.metadata.name === caServiceName(org.name, 'tls'))!,
    ).containers[0]!.env!.find((e) => e.name === 'FABRIC_CA_SERVER_CSR_HOSTS')!.value!;
    expect(tlsCa.split(',')).toEqual(caHosts('tls', org));
    certHosts.set(caServiceName(org.name, 'tls'), tlsCa.split(','));
  }
  // host:port anywhere (not an image tag, a URL's user part or a log format's %{time:2006-...}).
  const dialed = [...rendered.matchAll(/(?<![\w./@{-])([a-z][a-z0-9-]*):(\d+)(?![\d.-])/g)].map(
    ([, host, port]) => ({ host: host!, port: Number(port) }),
  );
  expect(dialed.length).toBeGreaterThan(0);
  const configtxText = byKind(objects, 'ConfigMap').find((c) => c.metadata.name === 'channel-config')!.data![
    'configtx.yaml'
  ]!;
  for (const [, host, port] of configtxText.matchAll(/Host: (\S+)\n\s*Port: (\d+)/g)) {
    dialed.push({ host: host!, port: Number(port) });
  }
  for (const { host, port } of dialed) {
    const ports = (services.get(host)?.spec as { ports: Array<{ port: number }> } | undefined)?.ports;
    expect({ host, port, service: ports?.map((p) => p.port).includes(port) }).toEqual({
      host,
      port,
      service: true,
    });
    expect({ host, inCertificate: certHosts.get(host)?.includes(host) }).toEqual({
      host,
      inCertificate: true,
    });
  }
  // Each peer: its own address, gossip from the org's other peers, its own chaincode server.
  for (const org of orgs.filter((o) => o.kind === 'peer')) {
    for (const node of org.nodes) {
      const p = plan.orgs.flatMap((o) => o.peers).find((x) => x.host === node.host)!;
      const env = Object.fromEntries(
        podOf(statefulSets.find((s) => s.metadata.name === nodeServiceName(node))!).containers[0]!.env!.map(
          (e) => [e.name, e.value],
        ),
      );
      const own = `${nodeServiceName(node)}:${p.listen}`;
      expect(env.CORE_PEER_ADDRESS).toBe(own);
      expect(env.CORE_PEER_GOSSIP_EXTERNALENDPOINT).toBe(own);
      const others = org.nodes.filter((n) => n.host !== node.host);
      const bootstrap = others.map((n) => {
        const q = plan.orgs.flatMap((o) => o.peers).find((x) => x.host === n.host)!;
        return `${nodeServiceName(n)}:${q.listen}`;
      });
      expect(env.CORE_PEER_GOSSIP_BOOTSTRAP).toBe((bootstrap.length ? bootstrap : [own]).join(' '));
      expect(JSON.parse(env.CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG!)).toEqual({
        peername: node.host,
        chaincode_address: `${chaincodeServiceName(node)}:${p.chaincodeServer}`,
      });
    }
  }
  // The channel's configtx.yaml: consenters and anchor peers at their Service names.
  const configtx = YAML.parse(
    byKind(objects, 'ConfigMap').find((c) => c.metadata.name === 'channel-config')!.data!['configtx.yaml']!,
  ) as {
    Profiles: Record<
      string,
      {
        Orderer: { EtcdRaft: { Consenters: Array<{ Host: string; Port: number }> } };
        Application: {
          Organizations: Array<{ ID: string; AnchorPeers: Array<{ Host: string; Port: number }> }>;
        };
      }
    >;
  };
  const profile = Object.values(configtx.Profiles)[0]!;
  const ordererPlan = plan.orgs[0]!.orderers;
  expect(profile.Orderer.EtcdRaft.Consenters).toEqual(
    ordererPlan.map((o) => ({
      Host: `${nodeServiceName(nodes.find((n) => n.host === o.host)!)}`,
      Port: o.listen,
      ClientTLSCert: expect.any(String),
      ServerTLSCert: expect.any(String),
    })),
  );
  expect(profile.Application.Organizations.map((o) => [o.ID, o.AnchorPeers[0]!.Host])).toEqual(
    orgs.filter((o) => o.kind === 'peer').map((o) => [o.mspId, `${nodeServiceName(o.nodes[0]!)}`]),
  );
  // core.yaml comes with the image's ccaas builder.
  const core = YAML.parse(
    byKind(objects, 'ConfigMap').find((c) => c.metadata.name === 'peer-config')!.data!['core.yaml']!,
  ) as {
    chaincode: { externalBuilders: Array<{ path: string }> };
  };
  expect(core.chaincode.externalBuilders.map((b) => b.path)).toEqual(['/opt/hyperledger/ccaas_builder']);
}

describe('Kubernetes chart (helm lint, helm template, kubeconform)', () => {
  it("renders the repository's topology.yaml, valid, with exactly the objects, secrets, ports and host names it implies", async () => {
    const topology = loadTopology(defaultTopologyFile());
    const { written, validation, objects } = await renderAndValidate(topology, 'repo');
    expect(written.counts).toEqual({
      Service: 20,
      StatefulSet: 7,
      Deployment: 13,
      PersistentVolumeClaim: 9,
      ConfigMap: 3,
    });
    checkAgainstTopology(topology, objects, validation);
    expect(readFileSync(path.join(written.chartDir, 'Chart.yaml'), 'utf8')).toMatch(/appVersion: 3\.1\.5/);

    // The chaincode image the chart runs: a Dockerfile beside the chart, built from the repository
    // root with the lockfile (every workspace's package.json, so npm ci accepts it), running the
    // entry values.yaml names. (No Docker engine here: it is generated, not built.)
    const dockerfile = readFileSync(written.chaincodeDockerfile, 'utf8');
    expect(path.dirname(path.dirname(written.chaincodeDockerfile))).toBe(path.dirname(written.chartDir));
    const root = JSON.parse(readFileSync(path.join(repoRoot(), 'package.json'), 'utf8')) as {
      workspaces: string[];
    };
    for (const w of root.workspaces) expect(dockerfile).toContain(`COPY ${w}/package.json ${w}/`);
    expect(dockerfile).toMatch(/RUN npm ci .*--workspace chaincode/);
    expect(dockerfile).toContain('RUN npx tsc -b chaincode');
    const values = YAML.parse(readFileSync(path.join(written.chartDir, 'values.yaml'), 'utf8')) as {
      chaincode: { entry: string };
      images: { chaincode: { repository: string; tag: string } };
    };
    expect(dockerfile).toContain(`CMD ["node", "${values.chaincode.entry}"]`);
    expect(dockerfile).toContain(
      `docker build -f ${written.chaincodeDockerfile} -t ${values.images.chaincode.repository}:${values.images.chaincode.tag} .`,
    );
    expect(dockerfile).toMatch(/^FROM node:22-bookworm-slim AS build$/m);
    expect(readFileSync(`${written.chaincodeDockerfile}.dockerignore`, 'utf8')).toMatch(
      /^\*\*\/node_modules$/m,
    );
  });

  it('renders a fixture with removed orderers and orgs, a single-peer org and another port base, shipping a genesis block', async () => {
    const topology = parseTopologyYaml(FIXTURE);
    const block = path.join(tmp, 'genesis.block');
    const bytes = Buffer.from([0, 1, 2, 250, 255, 10, 13, 0]);
    writeFileSync(block, bytes);
    const { objects, validation } = await renderAndValidate(topology, 'fixture', block);
    checkAgainstTopology(topology, objects, validation);
    expect(names(byKind(objects, 'StatefulSet'))).toEqual([
      'orderer1',
      'peer0-alpha',
      'peer0-gamma',
      'peer1-gamma',
    ]);
    // The Secrets this topology implies, spelt out: per deployed org its three CAs' identities and
    // the root's and intermediate's TLS pairs, per node its MSP and TLS; the removed org and orderer
    // have none.
    const ca = (org: string) =>
      ['tls', 'root', 'intermediate'].flatMap((t) =>
        t === 'tls' ? [`${org}-tls-ca-identity`] : [`${org}-${t}-ca-identity`, `${org}-${t}-ca-tls`],
      );
    const node = (n: string) => [`${n}-msp`, `${n}-tls`];
    expect(
      expectedSecrets(topology)
        .referenced.map((x) => x.name)
        .sort(),
    ).toEqual(
      [
        ...ca('ordering'),
        ...node('orderer1'),
        ...ca('alpha'),
        ...node('peer0-alpha'),
        ...ca('gamma'),
        ...node('peer0-gamma'),
        ...node('peer1-gamma'),
      ].sort(),
    );
    const genesis = byKind(objects, 'ConfigMap').find((c) => c.metadata.name === 'channel-genesis')!;
    expect(Buffer.from(genesis.binaryData!['genesis.block']!, 'base64')).toEqual(bytes);
  });

  it('writes every Secret the chart expects from CA output, valid for kubeconform, and names what is missing', async () => {
    const topology = parseTopologyYaml(FIXTURE);
    const home = path.join(tmp, 'home');
    const caPaths = paths(topology, { FABPAY_HOME: home });
    const put = (file: string): void => {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, `-----BEGIN TEST-----\n${path.basename(file)}\n-----END TEST-----\n`);
    };
    const mspFiles = [
      'config.yaml',
      'cacerts/ca.pem',
      'intermediatecerts/ca.pem',
      'tlscacerts/ca.pem',
      'signcerts/cert.pem',
      'keystore/priv_sk',
    ];
    for (const org of caPaths.orgs) {
      for (const n of org.nodes) {
        for (const f of mspFiles) put(path.join(n.msp, f));
        for (const f of ['ca.crt', 'server.crt', 'server.key']) put(path.join(n.tls, f));
      }
      for (const f of mspFiles) put(path.join(org.adminMsp, f));
      for (const f of ['ca.crt', 'client.crt', 'client.key']) put(path.join(org.adminTls, f));
      // Each CA home: its certificate, its signing key in the key store beside another key (the TLS
      // CA keeps its own TLS key there), the intermediate's chain.
      for (const tier of ['tls', 'root', 'intermediate'] as const) {
        const server = org.servers[tier];
        mkdirSync(server.keystore, { recursive: true });
        const key = path.join(server.keystore, 'b_sk');
        execFileSync(
          'openssl',
          [
            'req',
            '-x509',
            '-newkey',
            'ec',
            '-pkeyopt',
            'ec_paramgen_curve:prime256v1',
            '-nodes',
            '-keyout',
            key,
            '-out',
            server.caCert,
            '-subj',
            `/CN=${tier}.${org.org}`,
            '-days',
            '1',
          ],
          { stdio: 'ignore' },
        );
        const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
        writeFileSync(
          path.join(server.keystore, 'a_sk'),
          other.privateKey.export({ type: 'pkcs8', format: 'pem' }),
        );
        if (tier === 'intermediate') put(server.caChain);
      }
      for (const tier of ['root', 'intermediate'] as const) {
        put(org.servers[tier].tlsCert);
        put(org.servers[tier].tlsKey);
      }
      const domain = org.nodes[0]?.host.split('.').slice(1).join('.') ?? 'bank.test';
      writeFileSync(
        org.secrets,
        JSON.stringify({
          bootstrap: { tls: 't', root: 'r', intermediate: 'i' },
          identities: { [`root/ica.${org.kind === 'orderer' ? 'bank.test' : domain}`]: 'p' },
        }),
      );
    }
    const manifests = secretManifests(topology, caPaths);
    const { referenced, admin } = expectedSecrets(topology);
    expect(manifests.map((m) => m.name).sort()).toEqual([...referenced, ...admin].map((s) => s.name).sort());
    for (const s of [...referenced, ...admin]) {
      expect(manifests.find((m) => m.name === s.name)!.keys.sort()).toEqual([...s.keys].sort());
    }
    // A CA identity: the key that matches the certificate, and the cluster's server configuration,
    // which keeps the local CA's signing profiles and bootstrap admin, signs with the mounted
    // certificate and key, and has no parent server to enroll at.
    const data = (name: string, key: string): string =>
      Buffer.from(
        (manifests.find((m) => m.name === name)!.manifest.data as Record<string, string>)[key]!,
        'base64',
      ).toString();
    const gamma = caPaths.org('Gamma');
    for (const tier of ['tls', 'root', 'intermediate'] as const) {
      const name = caIdentitySecretName('Gamma', tier);
      expect(data(name, 'ca-key.pem')).toBe(
        readFileSync(path.join(gamma.servers[tier].keystore, 'b_sk'), 'utf8'),
      );
      expect(data(name, 'ca-cert.pem')).toBe(readFileSync(gamma.servers[tier].caCert, 'utf8'));
      const config = YAML.parse(data(name, 'fabric-ca-server-config.yaml')) as {
        signing: unknown;
        ca: { certfile: string; keyfile: string; chainfile: string };
        registry: { identities: Array<{ name: string; pass: string }> };
        intermediate?: unknown;
        address: string;
        port: number;
        csr: { hosts: string[] };
      };
      const local = YAML.parse(
        serverConfigYaml({
          tier,
          org: 'Gamma',
          domain: 'gamma.bank.test',
          address: '127.0.0.1',
          listenPort: 1,
          operationsPort: 2,
          adminId: 'admin',
          adminSecret: 'x',
        }),
      ) as { signing: unknown };
      expect(config.signing).toEqual(local.signing);
      expect(config.registry.identities[0]).toMatchObject({
        name: 'admin',
        pass: { tls: 't', root: 'r', intermediate: 'i' }[tier],
      });
      expect(config.intermediate).toBeUndefined();
      expect(config.address).toBe('0.0.0.0');
      expect(config.port).toBe(planPorts(topology).orgs.find((o) => o.org === 'Gamma')!.cas[tier].listen);
      expect(config.csr.hosts).toEqual(caHosts(tier, { name: 'Gamma', domain: 'gamma.bank.test' }));
      expect(config.ca).toEqual({
        name: caName(tier, 'Gamma'),
        certfile: '/etc/hyperledger/fabric-ca-server/identity/ca-cert.pem',
        keyfile: '/etc/hyperledger/fabric-ca-server/identity/ca-key.pem',
        chainfile: tier === 'intermediate' ? '/etc/hyperledger/fabric-ca-server/identity/ca-chain.pem' : '',
        reenrollIgnoreCertExpiry: false,
      });
    }
    expect(data(caIdentitySecretName('Gamma', 'root'), 'fabric-ca-server-config.yaml')).toMatch(
      /name: ica\.gamma\.bank\.test\n\s+pass: p/,
    );

    const file = path.join(tmp, 'secrets.yaml');
    writeFileSync(file, secretsYaml(manifests));
    const written = writeKubernetesChart({
      topology,
      out: path.join(tmp, 'with-secrets'),
      sampleConfigDir: defaultLayout().configDir,
    });
    const v = await validateChart(written.chartDir, { namespace: NAMESPACE, extraManifests: [file] });
    expect(v.kubeconform.output).toMatch(/Invalid: 0, Errors: 0, Skipped: 0/);
    expect(v.kubeconform.output).toContain(`found in 2 files`);

    rmSync(path.join(gamma.servers.intermediate.keystore, 'b_sk'));
    expect(() => secretManifests(topology, caPaths)).toThrow(
      /Gamma intermediate CA identity: no key in .*keystore matches .*ca-cert\.pem/,
    );
    rmSync(caPaths.node('peer1.gamma.bank.test').tls, { recursive: true });
    expect(() => secretManifests(topology, caPaths)).toThrow(SecretSourceError);
    expect(() => secretManifests(topology, caPaths)).toThrow(
      /peer1\.gamma\.bank\.test TLS: missing .*ca\.crt/,
    );
  });

  it('gives chaincode servers the topology’s chaincode node settings, and refuses their wiring', () => {
    const chart = (extra: string) =>
      generateChart({
        topology: parseTopologyYaml(`${FIXTURE}nodeEnv:\n  chaincode:\n${extra}`),
        sampleConfigDir: defaultLayout().configDir,
        versions: loadVersions(path.join(repoRoot(), 'versions.json')),
      });
    const text = [...chart('    FABPAY_CHAINCODE_DISPATCH: contract\n').files]
      .filter(([name]) => name.includes('chaincode-'))
      .map(([, body]) => String(body))
      .join('\n');
    expect(text).toMatch(/name: FABPAY_CHAINCODE_DISPATCH\s+value: "?contract"?/);
    expect(text).toMatch(/name: CHAINCODE_ID/);
    expect(() => chart('    CHAINCODE_ID: mine\n')).toThrow(/nodeEnv\.chaincode\.CHAINCODE_ID/);
  });

  it('refuses a node setting that names this machine and that it cannot translate', () => {
    const spec = {
      kind: 'peer',
      host: 'peer0.org1.example.com',
      org: 'Org1',
      listen: 7110,
      second: 7111,
      operations: 7112,
      process: { env: { CORE_SOMETHING_NEW_PATH: '/home/me/.fabric/run/x' } },
    } as unknown as NodeSpec;
    const at = { address: (h: string, p: number) => `${h}:${p}`, chaincodeServer: (h: string) => `${h}:1` };
    expect(() => clusterEnv(spec, at, [spec])).toThrow(KubernetesConfigError);
    expect(() => clusterEnv(spec, at, [spec])).toThrow(/CORE_SOMETHING_NEW_PATH/);
  });
});
