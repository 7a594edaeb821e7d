import net from 'node:net';
import { canConnect, waitForPort } from './tcp';

/** A loopback port nobody listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

describe('waitForPort', () => {
  it('waits until the port is opened (connection refused until then)', async () => {
    const port = await closedPort();
    expect(await canConnect(port)).toBe(false);
    const server = net.createServer((s) => s.destroy());
    setTimeout(() => server.listen(port, '127.0.0.1'), 300);
    try {
      const t = Date.now();
      await waitForPort('a late listener', port, { timeoutMs: 5_000 });
      expect(Date.now() - t).toBeGreaterThanOrEqual(250);
    } finally {
      server.close();
    }
  });

  it('gives up at once when the process behind the port has exited', async () => {
    const port = await closedPort();
    const t = Date.now();
    await expect(
      waitForPort('a dead server', port, {
        timeoutMs: 5_000,
        stillRunning: () => {
          throw new Error('the server exited');
        },
      }),
    ).rejects.toThrow('the server exited');
    expect(Date.now() - t).toBeLessThan(1_000);
  });

  it('times out naming the endpoint', async () => {
    const port = await closedPort();
    await expect(waitForPort('nothing', port, { timeoutMs: 300 })).rejects.toThrow(
      `waiting for nothing to accept connections on 127.0.0.1:${port}`,
    );
  });
});
