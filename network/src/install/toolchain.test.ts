import path from 'node:path';
import { repoRoot } from '@fabpay/topology';
import { defaultLayout, loadVersions, readManifest } from '.';
import { caSmokeTest, checkBinaryVersions } from './toolchain-check';

// These tests need the toolchain that `npm test` installs first (npm run setup).
const { binDir } = defaultLayout();
const versions = loadVersions(path.join(repoRoot(), 'versions.json'));

describe('installed Fabric toolchain', () => {
  it('installed a pinned version of each product', () => {
    const manifest = readManifest(binDir);
    expect(versions.fabric.pins.map((p) => p.version)).toContain(manifest.fabric?.version);
    expect(versions.fabricCa.pins.map((p) => p.version)).toContain(manifest['fabric-ca']?.version);
  });

  it('has every binary, each reporting its pinned version', async () => {
    const checks = await checkBinaryVersions(binDir);
    const expected = [...versions.fabric.commands, ...versions.fabricCa.commands].sort();
    expect(checks.map((c) => c.command).sort()).toEqual(expected);
    for (const check of checks) {
      expect({ command: check.command, reported: check.reported }).toEqual({
        command: check.command,
        reported: check.expected,
      });
    }
  });

  it('starts a real fabric-ca-server, enrolls its admin with fabric-ca-client, and stops it', async () => {
    const result = await caSmokeTest(binDir);
    expect(result.enrolledCertificate).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(result.port).not.toBe(result.operationsPort);
    // Nothing left running: signal 0 to the server's pid must fail.
    expect(() => process.kill(result.serverPid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
  });
});
