/**
 * ordererChannelInfo against a stub osnadmin that answers as Fabric's does: osnadmin exits 0 and
 * prints the HTTP status and body even for 404, so the status line decides, not the exit code.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ordererChannelInfo } from './channel';
import type { NodeSpec } from '../nodes/specs';

describe('ordererChannelInfo', () => {
  const saved = process.env.FABPAY_BIN_DIR;
  let dir: string;
  const orderer = { host: 'orderer0.example.com', second: 1, tlsDir: '/nonexistent' } as NodeSpec;
  const answer = (text: string): void => {
    const stub = path.join(dir, 'osnadmin');
    writeFileSync(stub, `#!/bin/sh\ncat <<'EOF'\n${text}\nEOF\n`);
    chmodSync(stub, 0o755);
  };

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'fabpay-osnadmin-'));
    mkdirSync(dir, { recursive: true });
    process.env.FABPAY_BIN_DIR = dir;
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.FABPAY_BIN_DIR;
    else process.env.FABPAY_BIN_DIR = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads a joined channel', async () => {
    answer(
      'Status: 200\n{\n\t"name": "payments",\n\t"url": "/participation/v1/channels/payments",\n\t"consensusRelation": "consenter",\n\t"status": "active",\n\t"height": 7\n}',
    );
    await expect(ordererChannelInfo(orderer, 'payments')).resolves.toEqual({
      name: 'payments',
      url: '/participation/v1/channels/payments',
      consensusRelation: 'consenter',
      status: 'active',
      height: 7,
    });
  });

  it('is undefined for a channel the orderer has not joined (404, exit code 0)', async () => {
    answer('Status: 404\n{\n\t"error": "channel does not exist"\n}');
    await expect(ordererChannelInfo(orderer, 'payments')).resolves.toBeUndefined();
  });
});
