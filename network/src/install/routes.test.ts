import { chmodSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { install, InstallError, layoutFor, loadVersions, type InstallEvent } from '.';
import { findGo } from './go-route';
import { hasPinnedBinaries } from './manifest';

/**
 * Route selection, exercised with stand-in executables that print a version
 * the way Fabric's do; the real binaries are covered by toolchain.test.ts.
 */
describe('installer routes', () => {
  let tmp: string;
  const realPath = process.env.PATH;
  beforeEach(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'fabpay-install-'));
  });
  afterEach(() => {
    process.env.PATH = realPath;
    rmSync(tmp, { recursive: true, force: true });
  });

  function fakeRoot(): string {
    const root = path.join(tmp, 'repo');
    mkdirSync(path.join(root, 'network', 'builders', 'ccaas', 'bin'), { recursive: true });
    writeFileSync(path.join(root, 'network', 'builders', 'ccaas', 'bin', 'detect'), '#!/bin/sh\n');
    writeFileSync(
      path.join(root, 'versions.json'),
      JSON.stringify({
        go: { minimum: '1.22' },
        fabric: {
          module: 'example.com/fabric',
          metadataPackage: 'example.com/fabric/common/metadata',
          commands: ['peer', 'osnadmin'],
          pins: [{ version: '9.9.9', commit: 'a'.repeat(40), goModuleVersion: 'v9.9.9' }],
        },
        fabricCa: {
          module: 'example.com/fabric-ca',
          metadataPackage: 'example.com/fabric-ca/lib/metadata',
          commands: ['fabric-ca-server'],
          pins: [{ version: '1.0.0', commit: 'b'.repeat(40), goModuleVersion: 'v1.0.0' }],
        },
      }),
    );
    return root;
  }

  function fakeBinary(dir: string, name: string, version: string): void {
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, name);
    writeFileSync(file, `#!/bin/sh\necho "${name}:"\necho " Version: ${version}"\n`);
    chmodSync(file, 0o755);
  }

  it('rejects a versions.json that does not match the schema, naming the field', () => {
    const file = path.join(tmp, 'versions.json');
    writeFileSync(file, JSON.stringify({ go: { minimum: 'latest' } }));
    expect(() => loadVersions(file)).toThrow(/go\.minimum|fabric/);
  });

  it('recognises binaries that report the pinned version, and refuses other versions', async () => {
    const root = fakeRoot();
    const versions = loadVersions(path.join(root, 'versions.json'));
    const dir = path.join(tmp, 'bin');
    fakeBinary(dir, 'peer', '9.9.9');
    fakeBinary(dir, 'osnadmin', 'n/a');
    const pin = versions.fabric.pins[0]!;
    expect(await hasPinnedBinaries(dir, versions.fabric, pin)).toBe(true);
    fakeBinary(dir, 'peer', '2.5.0');
    expect(await hasPinnedBinaries(dir, versions.fabric, pin)).toBe(false);
  });

  it('adopts pinned binaries found on PATH and links them in, without building', async () => {
    const root = fakeRoot();
    const onPath = path.join(tmp, 'opt', 'bin');
    fakeBinary(onPath, 'peer', '9.9.9');
    fakeBinary(onPath, 'osnadmin', 'n/a');
    fakeBinary(onPath, 'fabric-ca-server', '1.0.0');
    mkdirSync(path.join(tmp, 'opt', 'config'));
    for (const f of ['core.yaml', 'orderer.yaml', 'configtx.yaml'])
      writeFileSync(path.join(tmp, 'opt', 'config', f), `# ${f}\n`);
    process.env.PATH = `${onPath}:${realPath}`;
    const layout = layoutFor(path.join(tmp, 'home'));
    const events: InstallEvent[] = [];
    const result = await install({ root, layout, onEvent: (e) => events.push(e) });
    expect(result.products.map((p) => [p.product, p.version, p.route])).toEqual([
      ['fabric', '9.9.9', 'path'],
      ['fabric-ca', '1.0.0', 'path'],
    ]);
    expect(readFileSync(path.join(layout.configDir, 'core.yaml'), 'utf8')).toBe('# core.yaml\n');
    // A second run finds them installed and does nothing.
    const again = await install({ root, layout });
    expect(again.products.every((p) => p.route === 'present')).toBe(true);
    expect(events.some((e) => e.kind === 'build')).toBe(false);
  });

  it('stops with an error naming what is missing when no route is possible', async () => {
    const root = fakeRoot();
    // No go on PATH, and the pins have no release archive.
    process.env.PATH = '/nonexistent';
    expect(await findGo('1.22')).toEqual({ ok: false, why: 'the Go toolchain (`go`) is not on PATH' });
    const err = await install({ root, layout: layoutFor(path.join(tmp, 'home')) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InstallError);
    expect((err as Error).message).toMatch(
      /cannot install fabric \(9\.9\.9\): no route worked\.\n.*go route: the Go toolchain \(`go`\) is not on PATH/,
    );
  });
});
