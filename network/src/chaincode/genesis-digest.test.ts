import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GENESIS_ENV } from '@fabpay/chaincode/dist/endorser';
import { contextFor } from '../network';
import { genesisTerms, termsDigest, writeGenesisFiles } from '../governance/terms';
import { chaincodeServerSpec } from './server';

describe("a chaincode server's genesis governance digest", () => {
  const saved = { ...process.env };
  let tmp: string;
  beforeEach(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'fabpay-genesis-'));
    process.env.FABPAY_HOME = path.join(tmp, 'home');
  });
  afterEach(() => {
    process.env = { ...saved };
    rmSync(tmp, { recursive: true, force: true });
  });

  const orgs = (n: number) =>
    Array.from({ length: n }, (_, i) => `  - { name: Org${i + 1}, mspId: Org${i + 1}MSP, peers: 1 }`).join(
      '\n',
    );

  it('stays the one the network was created with after an org joins (no server restarts)', () => {
    const file = path.join(tmp, 'topology.yaml');
    writeFileSync(file, `portBase: 29000\norgs:\n${orgs(2)}\n`);
    const created = contextFor({ topologyFile: file });
    writeGenesisFiles(created.layout, genesisTerms(created.topology));
    const digest = termsDigest(genesisTerms(created.topology));
    // `org add Org3` adds it to the topology file.
    writeFileSync(file, `portBase: 29000\norgs:\n${orgs(3)}\n`);
    const joined = contextFor({ topologyFile: file });
    for (const peer of joined.peers) {
      // The server presents the peer's TLS pair; only the file's presence matters here.
      mkdirSync(peer.tlsDir, { recursive: true });
      writeFileSync(path.join(peer.tlsDir, 'ca.crt'), 'not a certificate');
      expect(chaincodeServerSpec(joined, peer, 'pkg').env?.[GENESIS_ENV]).toBe(digest);
    }
  });
});
