import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { run } from '../util/run';
import type { Pin, Product } from './versions';

/**
 * Installs a pin from its official release archive: the route for machines
 * without Go but with access to the release downloads. The archives carry
 * bin/ and, for Fabric, config/ with the sample configuration.
 */
export async function installFromArchive(opts: {
  product: Product;
  pin: Pin;
  binDir: string;
  configDir?: string;
}): Promise<void> {
  const { product, pin, binDir, configDir } = opts;
  if (!pin.releaseArchive) {
    throw new Error(`${product.module} ${pin.version} has no release archive`);
  }
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `release archives are pinned for linux-amd64, this machine is ${process.platform}-${process.arch}`,
    );
  }
  const response = await fetch(pin.releaseArchive);
  if (!response.ok) {
    throw new Error(`download of ${pin.releaseArchive} failed: HTTP ${response.status}`);
  }
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'fabpay-archive-'));
  try {
    const archive = path.join(tmp, 'release.tar.gz');
    writeFileSync(archive, Buffer.from(await response.arrayBuffer()));
    await run('tar', ['-xzf', archive, '-C', tmp]);
    mkdirSync(binDir, { recursive: true });
    for (const command of product.commands) {
      const source = path.join(tmp, 'bin', command);
      if (!existsSync(source)) {
        throw new Error(`${pin.releaseArchive} has no bin/${command}`);
      }
      cpSync(source, path.join(binDir, command));
      chmodSync(path.join(binDir, command), 0o755);
    }
    if (configDir) {
      mkdirSync(configDir, { recursive: true });
      for (const file of ['core.yaml', 'orderer.yaml', 'configtx.yaml']) {
        cpSync(path.join(tmp, 'config', file), path.join(configDir, file));
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
