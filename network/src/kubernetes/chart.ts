/**
 * The Helm chart of a topology: one StatefulSet and headless Service per orderer and peer (a
 * PersistentVolumeClaim template for the ledger), one Deployment and Service per peer's chaincode
 * server (reached over CCaaS), a Deployment, Service and PersistentVolumeClaim per CA server, and
 * ConfigMaps for core.yaml, orderer.yaml and the channel's configtx.yaml (and its genesis block when
 * one is given). MSP and TLS material is referenced by Secret name (names.ts); the chart never
 * contains a key.
 *
 * Each object is generated from the topology (not looped over in Go templates), so what the chart
 * renders is what this module says; Helm only fills in the namespace, images, storage sizes and
 * chaincode package IDs from values.yaml. Ports are the port plan's (topology/src/ports.ts), the
 * same numbers as on one machine, so a port means the same thing everywhere.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { planPorts, type Topology } from '@fabpay/topology';
import { paths as caPathsOf, caHosts, caName, type CaTier } from '@fabpay/ca';
import { networkLayout } from '../layout';
import { nodeSpecs, type NodeSpec } from '../nodes/specs';
import { peerCoreYaml } from '../nodes/config-files';
import { CHANNEL_PROFILE, channelProfile, type ConfigtxAddressing } from '../channel/configtx';
import { genesisDigest } from '../governance/terms';
import type { Versions } from '../install/versions';
import { clusterEnv, MOUNTS, type ClusterAddressing } from './env';
import { CA_CONFIG_FILE, CA_MOUNTS, clusterCaFiles } from './ca-config';
import { chaincodeImageEntry } from './chaincode-image';
import { withNodeSettings } from '../nodes/tuning';
import {
  adminSecretNames,
  CA_CONFIG_KEY,
  caIdentitySecretName,
  caServiceName,
  caTlsSecretName,
  chaincodeServiceName,
  CA_TIERS_IN_CLUSTER,
  deployedOrgs,
  expectedSecrets,
  MSP_SECRET_FILES,
  mspSecretName,
  nodeServiceName,
  tlsSecretName,
} from './names';

/** The chart's name in Chart.yaml. */
export const CHART_NAME = 'fabpay-network';
/** Where Fabric's peer image keeps its chaincode-as-a-service builder (Fabric 2.4 and later). */
export const IMAGE_CCAAS_BUILDER = '/opt/hyperledger/ccaas_builder';
/** The environment variable the chaincode server reads the genesis governance digest from. */
const GENESIS_ENV = 'FABPAY_GOVERNANCE_GENESIS_SHA256';

export interface ChartOptions {
  topology: Topology;
  /** Fabric's sample configuration (core.yaml, orderer.yaml): the installer's config directory. */
  sampleConfigDir: string;
  /** versions.json: the image tags come from each product's first (release) pin. */
  versions: Versions;
  /** A channel genesis block to ship in a ConfigMap (files/genesis.block). */
  genesisBlock?: Buffer;
}

/** One object the chart renders, for listings and tests. */
export interface ChartObject {
  kind: string;
  name: string;
  /** The template file it is in. */
  template: string;
}

/** A generated chart: its files (path relative to the chart directory) and the objects it renders. */
export interface Chart {
  name: string;
  version: string;
  files: Map<string, string | Buffer>;
  objects: ChartObject[];
  images: { peer: string; orderer: string; ca: string; chaincode: string };
}

/**
 * The host name workloads dial a Service at: its short name, which the pod's DNS search path
 * resolves within the release's namespace. Short, so that the TLS certificates the CA tooling
 * issues before any namespace is chosen can carry it (ca/src/tls-hosts.ts); every object of the
 * chart is in the release's namespace.
 */
export function serviceHost(service: string): string {
  return service;
}

const PROBE_TIMING = {
  readiness: { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
  liveness: { initialDelaySeconds: 30, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 6 },
};

/** Readiness and liveness on a Fabric operations endpoint's /healthz. */
function healthProbes(portName: string): Record<string, unknown> {
  const httpGet = { path: '/healthz', port: portName, scheme: 'HTTP' };
  return {
    readinessProbe: { httpGet, ...PROBE_TIMING.readiness },
    livenessProbe: { httpGet, ...PROBE_TIMING.liveness },
  };
}

function labels(component: string, instance: string, org?: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': 'fabpay',
    'app.kubernetes.io/instance': '{{ .Release.Name }}',
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/part-of': 'fabpay',
    'fabpay.io/instance': instance,
    ...(org ? { 'fabpay.io/org': org.toLowerCase() } : {}),
  };
}

const selector = (instance: string): Record<string, string> => ({
  'app.kubernetes.io/name': 'fabpay',
  'app.kubernetes.io/instance': '{{ .Release.Name }}',
  'fabpay.io/instance': instance,
});

const image = (key: string): string =>
  `{{ .Values.images.${key}.repository }}:{{ .Values.images.${key}.tag }}`;
const pullPolicy = '{{ .Values.images.pullPolicy }}';

/** A Secret volume with the MSP files at their MSP paths. */
function mspVolume(name: string, secret: string): Record<string, unknown> {
  return {
    name,
    secret: {
      secretName: secret,
      defaultMode: 0o400,
      items: MSP_SECRET_FILES.map((f) => ({ key: f.key, path: f.path })),
    },
  };
}

const secretVolume = (name: string, secret: string): Record<string, unknown> => ({
  name,
  secret: { secretName: secret, defaultMode: 0o400 },
});

function yamlDocs(docs: unknown[]): string {
  return docs
    .map((d) => `---\n${YAML.stringify(d, { lineWidth: 0, aliasDuplicateObjects: false })}`)
    .join('');
}

/** A chaincode server's environment: its wiring, then the topology's chaincode node settings. */
function chaincodeEnv(
  topology: Pick<Topology, 'nodeEnv'>,
  wiring: Array<[string, string]>,
): Array<{ name: string; value: string }> {
  const all = withNodeSettings('chaincode', Object.fromEntries(wiring), topology);
  return env(Object.entries(all).map(([k, v]): [string, string] => [k, v ?? '']));
}

const env = (pairs: Array<[string, string]>): Array<{ name: string; value: string }> =>
  pairs.map(([name, value]) => ({ name, value }));

function nodeObjects(
  spec: NodeSpec,
  all: NodeSpec[],
  at: ClusterAddressing,
  peerPorts: { chaincode: number } | undefined,
): unknown[] {
  const svc = nodeServiceName({
    kind: spec.kind,
    name: spec.host.split('.')[0]!,
    org: spec.org,
  });
  const component = spec.kind;
  const ports =
    spec.kind === 'orderer'
      ? [
          { name: 'listen', port: spec.listen },
          { name: 'admin', port: spec.second },
          { name: 'operations', port: spec.operations },
        ]
      : [
          { name: 'listen', port: spec.listen },
          { name: 'chaincode', port: peerPorts?.chaincode ?? spec.second },
          { name: 'operations', port: spec.operations },
        ];
  const meta = { name: svc, labels: labels(component, svc, spec.org) };
  const service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta,
    spec: {
      // Headless: the name resolves to the pod itself, which is what gossip and Raft want.
      clusterIP: 'None',
      publishNotReadyAddresses: true,
      selector: selector(svc),
      ports: ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.name, protocol: 'TCP' })),
    },
  };
  const configMap = spec.kind === 'peer' ? 'peer-config' : 'orderer-config';
  const statefulSet = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: meta,
    spec: {
      serviceName: svc,
      replicas: 1,
      podManagementPolicy: 'Parallel',
      selector: { matchLabels: selector(svc) },
      template: {
        metadata: { labels: labels(component, svc, spec.org) },
        spec: {
          containers: [
            {
              name: component,
              image: image(component),
              imagePullPolicy: pullPolicy,
              ...(spec.kind === 'peer' ? { command: ['peer', 'node', 'start'] } : { command: ['orderer'] }),
              env: env(clusterEnv(spec, at, all)),
              ports: ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: 'TCP' })),
              ...healthProbes('operations'),
              volumeMounts: [
                { name: 'config', mountPath: MOUNTS.config, readOnly: true },
                { name: 'msp', mountPath: MOUNTS.msp, readOnly: true },
                { name: 'tls', mountPath: MOUNTS.tls, readOnly: true },
                { name: 'ledger', mountPath: MOUNTS.data },
              ],
            },
          ],
          volumes: [
            { name: 'config', configMap: { name: configMap } },
            mspVolume('msp', mspSecretName(svc)),
            secretVolume('tls', tlsSecretName(svc)),
          ],
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: 'ledger', labels: labels(component, svc, spec.org) },
          spec: {
            accessModes: ['ReadWriteOnce'],
            resources: { requests: { storage: `{{ .Values.storage.${component} }}` } },
          },
        },
      ],
    },
  };
  return [service, statefulSet];
}

function chaincodeObjects(
  spec: NodeSpec,
  digest: string,
  port: number,
  topology: Pick<Topology, 'nodeEnv'>,
): unknown[] {
  const peerSvc = nodeServiceName({ kind: 'peer', name: spec.host.split('.')[0]!, org: spec.org });
  const svc = chaincodeServiceName({ name: spec.host.split('.')[0]!, org: spec.org });
  const meta = { name: svc, labels: labels('chaincode', svc, spec.org) };
  const orgKey = spec.org.toLowerCase();
  const tcp = { tcpSocket: { port: 'chaincode' } };
  return [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta,
      spec: {
        selector: selector(svc),
        ports: [{ name: 'chaincode', port, targetPort: 'chaincode', protocol: 'TCP' }],
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta,
      spec: {
        replicas: 1,
        selector: { matchLabels: selector(svc) },
        template: {
          metadata: { labels: labels('chaincode', svc, spec.org) },
          spec: {
            containers: [
              {
                name: 'chaincode',
                image: image('chaincode'),
                imagePullPolicy: pullPolicy,
                command: ['node', '{{ .Values.chaincode.entry }}'],
                // The topology's node settings for chaincode servers after the wiring, as on one machine.
                env: chaincodeEnv(topology, [
                  ['NODE_ENV', 'production'],
                  ['CHAINCODE_SERVER_ADDRESS', `0.0.0.0:${port}`],
                  // The org's package ID, known once the chaincode is packaged (same for every peer of the org).
                  ['CHAINCODE_ID', `{{ index .Values.chaincode.packageIds \`${orgKey}\` }}`],
                  // It presents its peer's TLS key pair, as on one machine (network/README, Defaults).
                  ['CHAINCODE_TLS_CERT_FILE', `${MOUNTS.tls}/server.crt`],
                  ['CHAINCODE_TLS_KEY_FILE', `${MOUNTS.tls}/server.key`],
                  [GENESIS_ENV, digest],
                ]),
                ports: [{ name: 'chaincode', containerPort: port, protocol: 'TCP' }],
                // A gRPC server without an HTTP endpoint: accepting connections is its health.
                readinessProbe: { ...tcp, ...PROBE_TIMING.readiness },
                livenessProbe: { ...tcp, ...PROBE_TIMING.liveness },
                volumeMounts: [{ name: 'tls', mountPath: MOUNTS.tls, readOnly: true }],
              },
            ],
            volumes: [secretVolume('tls', tlsSecretName(peerSvc))],
          },
        },
      },
    },
  ];
}

/**
 * A CA server: its own identity (signing certificate and key, the intermediate's chain, and its
 * generated server configuration) from its identity Secret, so it is the CA that issued the MSPs
 * in the other Secrets and the channel configuration; its database on its own volume.
 */
function caObjects(
  org: { name: string; domain: string },
  tier: CaTier,
  ports: { listen: number; operations: number },
): unknown[] {
  const svc = caServiceName(org.name, tier);
  const meta = { name: svc, labels: labels(`${tier}-ca`, svc, org.name) };
  const caFiles = clusterCaFiles(tier);
  const tierEnv = env([
    ['FABRIC_CA_SERVER_HOME', CA_MOUNTS.home],
    ['FABRIC_CA_SERVER_ADDRESS', '0.0.0.0'],
    ['FABRIC_CA_SERVER_PORT', String(ports.listen)],
    ['FABRIC_CA_SERVER_OPERATIONS_LISTENADDRESS', `0.0.0.0:${ports.operations}`],
    ['FABRIC_CA_SERVER_CA_NAME', caName(tier, org.name)],
    // The hosts of every certificate of this CA server (the TLS CA issues its own TLS
    // certificate for them at first start), as the CA tooling gives them on one machine.
    ['FABRIC_CA_SERVER_CSR_HOSTS', caHosts(tier, org).join(',')],
    ['FABRIC_CA_SERVER_TLS_ENABLED', 'true'],
    ['FABRIC_CA_SERVER_CA_CERTFILE', caFiles.cert],
    ['FABRIC_CA_SERVER_CA_KEYFILE', caFiles.key],
    ...(caFiles.chain ? [['FABRIC_CA_SERVER_CA_CHAINFILE', caFiles.chain] as [string, string]] : []),
  ]);
  const identity = caIdentitySecretName(org.name, tier);
  const mounts: unknown[] = [
    { name: 'home', mountPath: CA_MOUNTS.home },
    // fabric-ca-server reads its configuration from its home (a file given with -c would make the
    // read-only Secret directory its home).
    { name: 'identity', mountPath: CA_CONFIG_FILE, subPath: CA_CONFIG_KEY, readOnly: true },
    { name: 'identity', mountPath: CA_MOUNTS.identity, readOnly: true },
  ];
  const volumes: unknown[] = [
    { name: 'home', persistentVolumeClaim: { claimName: `${svc}-data` } },
    secretVolume('identity', identity),
  ];
  if (tier !== 'tls') {
    // The root and intermediate serve TLS with certificates from the org's TLS CA; the TLS CA
    // issues its own.
    tierEnv.push(
      ...env([
        ['FABRIC_CA_SERVER_TLS_CERTFILE', `${CA_MOUNTS.tls}/server.crt`],
        ['FABRIC_CA_SERVER_TLS_KEYFILE', `${CA_MOUNTS.tls}/server.key`],
      ]),
    );
    mounts.push({ name: 'tls', mountPath: CA_MOUNTS.tls, readOnly: true });
    volumes.push(secretVolume('tls', caTlsSecretName(org.name, tier)));
  }
  // No `-b`: the bootstrap admin is in the configuration. No `-u`: the intermediate has its
  // certificate and chain, so it never enrolls at the root again.
  const args = ['start'];
  return [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta,
      spec: {
        selector: selector(svc),
        ports: [
          { name: 'listen', port: ports.listen, targetPort: 'listen', protocol: 'TCP' },
          { name: 'operations', port: ports.operations, targetPort: 'operations', protocol: 'TCP' },
        ],
      },
    },
    {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: `${svc}-data`, labels: labels(`${tier}-ca`, svc, org.name) },
      spec: {
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: '{{ .Values.storage.ca }}' } },
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta,
      spec: {
        replicas: 1,
        // One writer of the CA's SQLite database on a ReadWriteOnce volume.
        strategy: { type: 'Recreate' },
        selector: { matchLabels: selector(svc) },
        template: {
          metadata: { labels: labels(`${tier}-ca`, svc, org.name) },
          spec: {
            containers: [
              {
                name: 'ca',
                image: image('ca'),
                imagePullPolicy: pullPolicy,
                command: ['fabric-ca-server'],
                args,
                env: tierEnv,
                ports: [
                  { name: 'listen', containerPort: ports.listen, protocol: 'TCP' },
                  { name: 'operations', containerPort: ports.operations, protocol: 'TCP' },
                ],
                ...healthProbes('operations'),
                volumeMounts: mounts,
              },
            ],
            volumes,
          },
        },
      },
    },
  ];
}

function chartYaml(version: string, appVersion: string): string {
  return YAML.stringify({
    apiVersion: 'v2',
    name: CHART_NAME,
    description:
      'A fabpay Hyperledger Fabric network (Raft orderers, peer orgs, tiered Fabric CAs, the payments chaincode as a service), generated from a topology file by `fabpay-network k8s`',
    type: 'application',
    version,
    appVersion,
    keywords: ['hyperledger-fabric', 'payments', 'fabpay'],
    home: 'https://hyperledger-fabric.readthedocs.io/',
    maintainers: [{ name: 'fabpay' }],
    icon: 'https://www.hyperledger.org/hubfs/hyperledgerfavicon.png',
  });
}

function valuesYaml(t: Topology, images: Chart['images'], orgs: string[]): string {
  const tag = (i: string): string => i.slice(i.lastIndexOf(':') + 1);
  const repo = (i: string): string => i.slice(0, i.lastIndexOf(':'));
  return `# Generated by \`fabpay-network k8s\` from the topology "${t.name}". Regenerate rather than edit:
# object names, ports and host names come from the topology; only these values are Helm's.

# Nodes and CAs dial each other by their Services' short names (peer0-org1), resolved within the
# release's namespace: the names the TLS certificates carry. Install every object in one namespace.

images:
  pullPolicy: IfNotPresent
  peer:
    repository: ${repo(images.peer)}
    tag: "${tag(images.peer)}"
  orderer:
    repository: ${repo(images.orderer)}
    tag: "${tag(images.orderer)}"
  ca:
    repository: ${repo(images.ca)}
    tag: "${tag(images.ca)}"
  # Built from the Dockerfile \`fabpay-network k8s\` writes beside the chart (chaincode/Dockerfile).
  chaincode:
    repository: ${repo(images.chaincode)}
    tag: "${tag(images.chaincode)}"

# Ledger and CA volumes (the cluster's default StorageClass).
storage:
  peer: 10Gi
  orderer: 10Gi
  ca: 1Gi

chaincode:
  entry: ${chaincodeImageEntry(t)}
  # Each org's chaincode package ID (\`<name>_<version>:<sha256>\`), known once the package is
  # built and installed; the chaincode servers start with it.
  packageIds:
${orgs.map((o) => `    ${o}: ""`).join('\n')}
`;
}

function notesTxt(t: Topology): string {
  const { referenced } = expectedSecrets(t);
  return `fabpay network "${t.name}" in namespace {{ .Release.Namespace }}.

Nothing starts until these Secrets exist in the namespace (\`fabpay-network k8s --with-secrets\`
writes them from a local network's CA output):
${referenced.map((s) => `  ${s.name}: ${s.keys.join(', ')}`).join('\n')}

Then join the orderers to the channel with osnadmin (genesis block: ConfigMap channel-genesis, or
configtxgen with ConfigMap channel-config) and the peers with \`peer channel join\`.
`;
}

/**
 * Generates the chart for a topology. Pure apart from reading Fabric's sample core.yaml and
 * orderer.yaml.
 * @throws KubernetesNameError when a name cannot be a Kubernetes object name
 * @throws KubernetesConfigError when a node setting has no in-cluster value
 */
export function generateChart(opts: ChartOptions): Chart {
  const { topology, versions } = opts;
  const caPaths = caPathsOf(topology);
  const orgs = deployedOrgs(topology);
  const deployedNames = new Set(orgs.map((o) => o.name));
  const specs = nodeSpecs(topology, caPaths, networkLayout()).filter((s) => deployedNames.has(s.org));
  const plan = planPorts(topology);
  const hostService = new Map<string, string>();
  for (const org of orgs) for (const n of org.nodes) hostService.set(n.host, nodeServiceName(n));
  const svcOf = (host: string): string => {
    const s = hostService.get(host);
    if (!s) throw new Error(`no Kubernetes service for ${host}`);
    return s;
  };
  const peerPortsOf = (host: string) =>
    plan.orgs.flatMap((o) => o.peers).find((p) => p.host === host) ??
    (() => {
      throw new Error(`the port plan has no peer ${host}`);
    })();
  const at: ClusterAddressing = {
    address: (host, port) => `${serviceHost(svcOf(host))}:${port}`,
    chaincodeServer: (host) => {
      const node = orgs.flatMap((o) => o.nodes).find((n) => n.host === host)!;
      return `${serviceHost(chaincodeServiceName(node))}:${peerPortsOf(host).chaincodeServer}`;
    },
  };

  const fabricPin = versions.fabric.pins[0]!;
  const caPin = versions.fabricCa.pins[0]!;
  const images = {
    peer: `hyperledger/fabric-peer:${fabricPin.version}`,
    orderer: `hyperledger/fabric-orderer:${fabricPin.version}`,
    ca: `hyperledger/fabric-ca:${caPin.version}`,
    chaincode: `fabpay/${topology.chaincode.name}-chaincode:${topology.chaincode.version}`,
  };

  const files = new Map<string, string | Buffer>();
  const objects: ChartObject[] = [];
  const addTemplate = (file: string, docs: unknown[]): void => {
    files.set(`templates/${file}`, `# Generated by fabpay-network k8s. Do not edit.\n${yamlDocs(docs)}`);
    for (const d of docs as Array<{ kind: string; metadata: { name: string } }>) {
      objects.push({ kind: d.kind, name: d.metadata.name, template: `templates/${file}` });
    }
  };

  const digest = genesisDigest(topology);
  for (const spec of specs) {
    const svc = svcOf(spec.host);
    const peerPorts = spec.kind === 'peer' ? peerPortsOf(spec.host) : undefined;
    addTemplate(`${spec.kind}-${svc}.yaml`, nodeObjects(spec, specs, at, peerPorts));
    if (spec.kind === 'peer') {
      addTemplate(
        `chaincode-${svc}.yaml`,
        chaincodeObjects(spec, digest, peerPortsOf(spec.host).chaincodeServer, topology),
      );
    }
  }
  for (const org of orgs) {
    const ports = plan.orgs.find((o) => o.org === org.name)!.cas;
    for (const tier of CA_TIERS_IN_CLUSTER) {
      addTemplate(`ca-${caServiceName(org.name, tier)}.yaml`, caObjects(org, tier, ports[tier]));
    }
  }

  // Fabric's sample configuration as the nodes' base, as on one machine; shipped as chart files
  // so Helm never reads them as templates.
  files.set('files/core.yaml', peerCoreYaml(opts.sampleConfigDir, IMAGE_CCAAS_BUILDER));
  files.set('files/orderer.yaml', readFileSync(path.join(opts.sampleConfigDir, 'orderer.yaml'), 'utf8'));
  const fileConfigMap = (name: string, key: string, purpose: string) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, labels: labels('config', name), annotations: { purpose } },
    data: { [key]: `__FILE__${key}` },
  });
  // The channel's configtx.yaml for the cluster: Service DNS names, and MSP and TLS files where
  // the Secrets are unpacked next to it (crypto/<secret>/<file>), for configtxgen.
  const crypto = (secret: string, file: string): string => `crypto/${secret}/${file}`;
  const addressing: ConfigtxAddressing = {
    host: (node) => serviceHost(svcOf(node.host)),
    mspDir: (org) => crypto(adminSecretNames(org).msp, ''),
    tlsCert: (node) => crypto(tlsSecretName(svcOf(node.host)), 'server.crt'),
  };
  const capability = fabricPin.channelCapability ?? 'V3_0';
  const deployedTopology = { ...topology, orgs: topology.orgs.filter((o) => !o.removed) };
  const configtx = YAML.stringify(
    {
      Profiles: {
        [CHANNEL_PROFILE]: channelProfile(deployedTopology, caPaths, specs, addressing, capability),
      },
    },
    { lineWidth: 0 },
  );
  const configMaps: unknown[] = [
    fileConfigMap('peer-config', 'core.yaml', "Fabric's sample core.yaml with the image's ccaas builder"),
    fileConfigMap('orderer-config', 'orderer.yaml', "Fabric's sample orderer.yaml"),
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'channel-config',
        labels: labels('config', 'channel-config'),
        annotations: {
          purpose: `configtx.yaml of channel ${topology.channel.name} (profile ${CHANNEL_PROFILE}); MSP and TLS paths are crypto/<secret name>/<key path>`,
        },
      },
      data: { 'configtx.yaml': configtx },
    },
  ];
  if (opts.genesisBlock) {
    files.set('files/genesis.block', opts.genesisBlock);
    configMaps.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'channel-genesis',
        labels: labels('config', 'channel-genesis'),
        annotations: { purpose: `genesis block of channel ${topology.channel.name}` },
      },
      binaryData: { 'genesis.block': '__BINARY__genesis.block' },
    });
  }
  const configText = yamlDocs(configMaps)
    .replace(/"?__FILE__([\w.]+)"?/g, (_m, f: string) => `|{{- .Files.Get "files/${f}" | nindent 4 }}`)
    .replace(/"?__BINARY__([\w.]+)"?/g, (_m, f: string) => `{{ .Files.Get "files/${f}" | b64enc }}`);
  files.set('templates/configmaps.yaml', `# Generated by fabpay-network k8s. Do not edit.\n${configText}`);
  for (const d of configMaps as Array<{ kind: string; metadata: { name: string } }>) {
    objects.push({ kind: d.kind, name: d.metadata.name, template: 'templates/configmaps.yaml' });
  }

  const chartVersion = '0.1.0';
  files.set('Chart.yaml', chartYaml(chartVersion, fabricPin.version));
  files.set(
    'values.yaml',
    valuesYaml(
      topology,
      images,
      orgs.filter((o) => o.kind === 'peer').map((o) => o.name.toLowerCase()),
    ),
  );
  files.set('templates/NOTES.txt', notesTxt(topology));
  files.set('.helmignore', '# Generated by fabpay-network k8s.\n.git/\n*.tmp\n');
  return { name: CHART_NAME, version: chartVersion, files, objects, images };
}
