/**
 * Secret manifests from a local network's CA output (`<run>/ca/...`, ca/src/layout.ts): one MSP
 * and one TLS Secret per node, the org admins' MSP and TLS, each CA server's identity (signing
 * certificate and key, the intermediate's chain, its cluster server configuration) and the root's
 * and intermediate's TLS key pair. They hold private keys, so they are written outside the chart (never
 * packaged with it) with mode 0600, for `kubectl apply -n <namespace> -f`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { planPorts, type Topology } from '@fabpay/topology';
import { caHost, certs, paths, type CaTier, type ServerPaths, type TopologyPaths } from '@fabpay/ca';
import { clusterCaServerConfig } from './ca-config';
import {
  ADMIN_TLS_SECRET_KEYS,
  adminSecretNames,
  CA_CONFIG_KEY,
  caIdentitySecretName,
  caTlsSecretName,
  CA_TIERS_IN_CLUSTER,
  deployedOrgs,
  MSP_SECRET_FILES,
  mspSecretName,
  nodeServiceName,
  TLS_SECRET_KEYS,
} from './names';

/** CA output missing for a Secret: the local network has not been set up (or not fully). */
export class SecretSourceError extends Error {
  override readonly name = 'SecretSourceError';
}

/** One Secret manifest and where its data came from. */
export interface SecretManifest {
  name: string;
  keys: string[];
  /** The directory or file its data was read from. */
  source: string;
  manifest: Record<string, unknown>;
}

/** The CA bootstrap admin's enrollment ID (ca/src/server: the servers are started with `admin`). */
const BOOTSTRAP_USER = 'admin';

/**
 * The CA's signing key: the key in its home's key store that matches its certificate (the TLS
 * CA's store also holds the key of the TLS certificate it issued itself).
 */
function signingKeyFile(server: ServerPaths, what: string): string {
  const cert = readFileSync(server.caCert, 'utf8');
  const keys = existsSync(server.keystore)
    ? readdirSync(server.keystore).filter((f) => f.endsWith('_sk'))
    : [];
  const match = keys
    .map((f) => path.join(server.keystore, f))
    .find((f) => certs.keyMatchesCert(readFileSync(f, 'utf8'), cert));
  if (!match) {
    throw new SecretSourceError(
      `${what}: no key in ${server.keystore} matches ${server.caCert}${keys.length ? '' : ' (the key store is empty or missing)'}`,
    );
  }
  return match;
}

function readAll(files: Array<{ key: string; file: string }>, what: string): Record<string, string> {
  const missing = files.filter((f) => !existsSync(f.file)).map((f) => f.file);
  if (missing.length) {
    throw new SecretSourceError(
      `${what}: missing ${missing.join(', ')}; set up the local network's identities first (\`fabpay-network up\`, or the CA tooling)`,
    );
  }
  return Object.fromEntries(files.map((f) => [f.key, readFileSync(f.file).toString('base64')]));
}

function secret(name: string, data: Record<string, string>, labels: Record<string, string>) {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: { name, labels: { 'app.kubernetes.io/part-of': 'fabpay', ...labels } },
    data,
  };
}

interface SecretsFile {
  bootstrap?: Partial<Record<CaTier, string>>;
  identities?: Record<string, string>;
}

/**
 * Builds every Secret the chart expects from the CA output under `caPaths` (default: the run
 * directory fabpay uses, `$FABPAY_HOME/run/ca`).
 * @throws SecretSourceError naming the files that are missing
 */
export function secretManifests(
  topology: Topology,
  caPaths: TopologyPaths = paths(topology),
): SecretManifest[] {
  const caDir = path.dirname(caPaths.orgs[0]!.dir);
  if (!existsSync(caDir)) {
    throw new SecretSourceError(
      `no CA output in ${caDir}: set up the local network's identities first (\`fabpay-network up\`), or leave out --with-secrets`,
    );
  }
  const out: SecretManifest[] = [];
  const plan = planPorts(topology);
  const add = (name: string, source: string, data: Record<string, string>, org: string): void => {
    out.push({
      name,
      keys: Object.keys(data),
      source,
      manifest: secret(name, data, { 'fabpay.io/org': org }),
    });
  };
  for (const org of deployedOrgs(topology)) {
    const p = caPaths.org(org.name);
    const orgLabel = org.name.toLowerCase();
    const msp = (dir: string) => MSP_SECRET_FILES.map((f) => ({ key: f.key, file: path.join(dir, f.path) }));
    for (const node of org.nodes) {
      const n = caPaths.node(node.host);
      const svc = nodeServiceName(node);
      add(mspSecretName(svc), n.msp, readAll(msp(n.msp), `${node.host} MSP`), orgLabel);
      const tls = TLS_SECRET_KEYS.map((k) => ({ key: k, file: path.join(n.tls, k) }));
      add(`${svc}-tls`, n.tls, readAll(tls, `${node.host} TLS`), orgLabel);
    }
    const admin = adminSecretNames(org.name);
    add(admin.msp, p.adminMsp, readAll(msp(p.adminMsp), `${org.name} admin MSP`), orgLabel);
    const adminTls = ADMIN_TLS_SECRET_KEYS.map((k) => ({ key: k, file: path.join(p.adminTls, k) }));
    add(admin.tls, p.adminTls, readAll(adminTls, `${org.name} admin TLS`), orgLabel);

    if (!existsSync(p.secrets)) {
      throw new SecretSourceError(`${org.name}: missing ${p.secrets} (the CAs' bootstrap secrets)`);
    }
    const stored = JSON.parse(readFileSync(p.secrets, 'utf8')) as SecretsFile;
    const ports = plan.orgs.find((o) => o.org === org.name)!.cas;
    for (const tier of CA_TIERS_IN_CLUSTER) {
      const server = p.servers[tier];
      const what = `${org.name} ${tier} CA identity`;
      const admin = stored.bootstrap?.[tier];
      if (!admin) throw new SecretSourceError(`${p.secrets} has no bootstrap secret for the ${tier} CA`);
      // The root keeps the intermediate's enrollment (so it can re-issue it), as on one machine.
      const child =
        tier === 'root' ? stored.identities?.[`root/${caHost('intermediate', org.domain)}`] : undefined;
      if (tier === 'root' && !child) {
        throw new SecretSourceError(
          `${p.secrets} has no root CA secret for ${caHost('intermediate', org.domain)}`,
        );
      }
      const files = readAll(
        [
          { key: 'ca-cert.pem', file: server.caCert },
          ...(tier === 'intermediate' ? [{ key: 'ca-chain.pem', file: server.caChain }] : []),
        ],
        what,
      );
      const config = clusterCaServerConfig({
        tier,
        org,
        ports: ports[tier],
        admin: { id: BOOTSTRAP_USER, secret: admin },
        ...(child ? { intermediateSecret: child } : {}),
      });
      add(
        caIdentitySecretName(org.name, tier),
        server.home,
        {
          [CA_CONFIG_KEY]: Buffer.from(config).toString('base64'),
          ...files,
          'ca-key.pem': readFileSync(signingKeyFile(server, what)).toString('base64'),
        },
        orgLabel,
      );
    }
    for (const tier of ['root', 'intermediate'] as const) {
      const server = p.servers[tier];
      const data = readAll(
        [
          { key: 'ca.crt', file: p.tlsCaCert },
          { key: 'server.crt', file: server.tlsCert },
          { key: 'server.key', file: server.tlsKey },
        ],
        `${org.name} ${tier} CA TLS`,
      );
      add(caTlsSecretName(org.name, tier), path.dirname(server.tlsCert), data, orgLabel);
    }
  }
  return out;
}

/** The manifests as one multi-document YAML file. */
export function secretsYaml(manifests: SecretManifest[]): string {
  return `# Generated by fabpay-network k8s --with-secrets: private keys. Do not commit; apply with kubectl -n <namespace>.\n${manifests
    .map((m) => `---\n${YAML.stringify(m.manifest, { lineWidth: 0 })}`)
    .join('')}`;
}
