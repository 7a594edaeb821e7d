/**
 * Fabric's own tools against the running network, through the generated files only, as an
 * operator would use them (network/README.md, "Using Fabric's own tools"):
 *
 * - the `peer` CLI: source `<org>-admin.env` and run the commands of its comment, as written;
 * - fabric-network (a dev dependency of test/ only): the connection profile and a wallet directory,
 *   unmodified, with discovery `asLocalhost` true (its default) and false;
 * - fabric-ca-client: register and enroll a new user at the CA the profile's
 *   `certificateAuthorities` names, as the registrar identity the profile points to;
 * - and fabpay's own CLI, which finds the running network's profile and identity store by itself.
 */
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import FabricCAServices from 'fabric-ca-client';
import { Gateway, Wallets, type Network } from 'fabric-network';
import { adminEnvFile, connectionProfileFile, evaluateAs, orgAdmin } from '@fabpay/network';
import { repoRoot } from '@fabpay/topology';
import { liveNetwork, TEST_HOME } from '../support/live-network';

/** The parts of the generated profile this suite reads. */
interface Profile {
  organizations: Record<string, { mspid: string; certificateAuthorities?: string[] }>;
  certificateAuthorities: Record<
    string,
    {
      url: string;
      caName: string;
      tlsCACerts: { pem: string[]; path: string };
      'x-fabpay-registrar': { wallet: string; label: string };
    }
  >;
  'x-fabpay': { wallet: string };
}

interface Account {
  accountId: string;
  owner: string;
}

/** A channel endpoint's URL: fabric-common sets `endpoint.url`, its type declarations omit it. */
const urlOf = (e: { endpoint: unknown }): string => (e.endpoint as { url: string }).url;

const unique = (prefix: string): string => `${prefix}-${Date.now().toString(36)}-${process.pid}`;

describe("Fabric's own tools with the generated files", () => {
  const ctx = liveNetwork();
  const channel = ctx.topology.channel.name;
  const chaincode = ctx.topology.chaincode.name;
  const profileFile = connectionProfileFile(ctx, 'Org1');
  const profile = JSON.parse(readFileSync(profileFile, 'utf8')) as Profile & Record<string, unknown>;
  const peerUrls = ctx.peers.map((p) => `grpcs://localhost:${p.listen}`).sort();

  it('peer CLI: the invoke in the admin env file commits when run as written', async () => {
    const text = readFileSync(adminEnvFile(ctx, 'Org1'), 'utf8');
    // The comment's pasteable lines are the ones after "#   " (see network/src/admin-env.ts).
    const script = text
      .split('\n')
      .filter((l) => l.startsWith('#   '))
      .map((l) => l.slice(4))
      .join('\n');
    expect(script).toMatch(/peer chaincode invoke -o "\$ORDERER_ADDRESS" --tls --cafile "\$ORDERER_CA"/);
    // A clean environment: only what a shell has before sourcing the file.
    const res = await promisify(execFile)('bash', ['-euc', script], {
      env: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: process.env.HOME },
      timeout: 90_000,
    });
    expect(res.stderr).toMatch(/Chaincode invoke successful/);
    const lastLine = res.stdout.trim().split('\n').pop() ?? '';
    const account = JSON.parse(lastLine) as Account;
    expect(account.accountId).toMatch(/^admin-\d+-\d+$/);
    // Committed: another organisation's peer has it too.
    const seen = await evaluateAs<Account>(ctx, orgAdmin(ctx, 'Org2'), 'getAccount', [account.accountId]);
    expect(seen.accountId).toBe(account.accountId);
  });

  it("the README's npx commands run this checkout's CLIs (never a registry lookup)", async () => {
    // `npm run setup` links the workspaces' bins after building them: npm skips a bin whose
    // target does not exist yet, and on a fresh clone dist/ is built only after `npm install`.
    for (const [bin, usage] of [
      ['fabpay-network', /Usage: fabpay-network/],
      ['fabpay', /Usage: fabpay/],
      ['fabpay-ca', /Usage: fabpay-ca/],
    ] as const) {
      const res = await promisify(execFile)('npx', ['--no', '--', bin, '--help'], {
        cwd: repoRoot(),
        timeout: 60_000,
      });
      expect(res.stdout).toMatch(usage);
    }
  });

  it('fabpay CLI: finds the running network by itself, says what it picked, and submits', async () => {
    // As `npx fabpay` would run, on the sources (tests never use a stale dist/), with only
    // FABPAY_HOME pointing at the test network (a quick-start network is found from the repo).
    const tsx = path.join(repoRoot(), 'node_modules', '.bin', 'tsx');
    const cli = path.join(repoRoot(), 'gateway-client', 'src', 'cli.ts');
    const fabpay = (args: string[]) =>
      promisify(execFile)(tsx, [cli, ...args], {
        cwd: os.tmpdir(),
        env: { PATH: process.env.PATH, HOME: process.env.HOME, FABPAY_HOME: TEST_HOME },
        timeout: 90_000,
      });
    const account = unique('cli');
    const opened = await fabpay(['account', 'open', account, 'EUR', '--identity', 'bob']);
    const profile = connectionProfileFile(ctx, 'Org1');
    expect(opened.stderr).toContain(`using the local network's connection profile ${profile} (Org1)`);
    expect(opened.stderr).toContain(`using Org1's identity store ${ctx.caPaths.org('Org1').walletDir}`);
    expect(opened.stderr).toMatch(/committed in block \d+/);
    const balance = await fabpay(['--json', 'balance', account, '--identity', 'bob']);
    expect(JSON.parse(balance.stdout)).toMatchObject({ accountId: account, available: '0' });
  });

  describe('fabric-network with the profile and a wallet, unmodified', () => {
    const gateways: Gateway[] = [];
    afterAll(() => gateways.forEach((g) => g.disconnect()));

    async function connect(asLocalhost: boolean): Promise<Network> {
      const wallet = await Wallets.newFileSystemWallet(profile['x-fabpay'].wallet);
      const gateway = new Gateway();
      gateways.push(gateway);
      await gateway.connect(profile, {
        wallet,
        identity: 'alice',
        discovery: { enabled: true, asLocalhost },
      });
      return gateway.getNetwork(channel);
    }

    it('asLocalhost true (the default): submits, commits, and lists each peer and orderer once', async () => {
      const network = await connect(true);
      const id = unique('fabric-network');
      const opened = JSON.parse(
        (await network.getContract(chaincode).submitTransaction('openAccount', id, 'EUR', '')).toString(),
      ) as Account;
      expect(opened.accountId).toBe(id);
      const read = JSON.parse(
        (await network.getContract(chaincode).evaluateTransaction('getAccount', id)).toString(),
      ) as Account;
      expect(read).toEqual(opened);
      const endorsers = network.getChannel().getEndorsers();
      expect(endorsers.map(urlOf).sort()).toEqual(peerUrls);
      expect(network.getChannel().getCommitters().map(urlOf).sort()).toEqual(
        ctx.orderers.map((o) => `grpcs://localhost:${o.listen}`).sort(),
      );
    });

    it('asLocalhost false: each peer once; orderers also by their channel-config address; submits', async () => {
      const network = await connect(false);
      expect(network.getChannel().getEndorsers().map(urlOf).sort()).toEqual(peerUrls);
      // What network/README.md states: discovery names orderers as the channel configuration does
      // (127.0.0.1), next to the profile's localhost entries. If this changes, update the README.
      const ordererUrls = ctx.orderers.flatMap((o) => [
        `grpcs://127.0.0.1:${o.listen}`,
        `grpcs://localhost:${o.listen}`,
      ]);
      expect(network.getChannel().getCommitters().map(urlOf).sort()).toEqual(ordererUrls.sort());
      const id = unique('no-localhost');
      await network.getContract(chaincode).submitTransaction('openAccount', id, 'EUR', '');
      const read = JSON.parse(
        (await network.getContract(chaincode).evaluateTransaction('getAccount', id)).toString(),
      ) as Account;
      expect(read.accountId).toBe(id);
    });
  });

  it("fabric-ca-client: registers and enrolls a new user at the profile's CA as its registrar", async () => {
    const caKey = profile.organizations.Org1?.certificateAuthorities?.[0];
    expect(caKey).toBeDefined();
    const caInfo = profile.certificateAuthorities[caKey!]!;
    const ca = new FabricCAServices(
      caInfo.url,
      { trustedRoots: caInfo.tlsCACerts.pem, verify: true },
      caInfo.caName,
    );
    const where = caInfo['x-fabpay-registrar'];
    const registrarWallet = await Wallets.newFileSystemWallet(where.wallet);
    const registrarIdentity = await registrarWallet.get(where.label);
    expect(registrarIdentity).toBeDefined();
    const registrar = await registrarWallet
      .getProviderRegistry()
      .getProvider(registrarIdentity!.type)
      .getUserContext(registrarIdentity!, where.label);

    const id = unique('ca-user');
    const secret = await ca.register({ enrollmentID: id, role: 'client', affiliation: '' }, registrar);
    const enrollment = await ca.enroll({ enrollmentID: id, enrollmentSecret: secret });
    const cert = new X509Certificate(enrollment.certificate);
    expect(cert.subject).toContain(`CN=${id}`);
    const intermediate = new X509Certificate(
      readFileSync(ctx.caPaths.org('Org1').servers.intermediate.caCert),
    );
    expect(cert.checkIssued(intermediate)).toBe(true);
    expect(cert.verify(intermediate.publicKey)).toBe(true);
  });
});
