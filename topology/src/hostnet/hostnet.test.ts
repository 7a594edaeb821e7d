import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseTopology } from '../load';
import { hostNetworkPlan } from '../placement';
import {
  cutHost,
  delayHost,
  ensureHostNetwork,
  healHost,
  hostLinks,
  HostNetworkError,
  NETNS_ETC,
  NoHostsError,
  removeHostNetwork,
  UnknownHostError,
} from './index';
import { namespaces } from './ip';

// A subnet and bridge of this test run's own (the live suites use 10.<port base>...).
const n = 100 + (process.pid % 150);
const topology = parseTopology({
  hostNetwork: { subnet: `10.252.${n}.0/24`, bridge: `fpu${n}` },
  ordererOrg: { host: 'ordering', orderers: 1 },
  orgs: [{ name: 'Org1', mspId: 'Org1MSP', peers: 1, host: 'bank1' }],
});
const plan = hostNetworkPlan(topology)!;
const bank1 = plan.hosts.find((h) => h.name === 'bank1')!;

/** Whether this process (outside every host) can open a TCP connection to address:port. */
function connects(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: address, port });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(1_000, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

describe('the host network (needs root: network namespaces and a bridge)', () => {
  const isRoot = process.getuid?.() === 0;
  let server: ChildProcess | undefined;

  afterAll(async () => {
    server?.kill('SIGKILL');
    if (isRoot) await removeHostNetwork(topology);
  });

  it('refuses without root, creating nothing', async () => {
    const spy = jest.spyOn(process, 'getuid').mockReturnValue(1000);
    try {
      await expect(ensureHostNetwork(topology)).rejects.toThrow(
        /places organisations on hosts, which are network namespaces joined by a bridge: creating them needs root/,
      );
    } finally {
      spy.mockRestore();
    }
    expect((await namespaces()).filter((ns) => ns.startsWith(`${plan.bridge}-`))).toEqual([]);
  });

  it('does nothing for a loopback topology and refuses partitions there', async () => {
    const loopback = parseTopology({});
    await expect(ensureHostNetwork(loopback)).resolves.toBeUndefined();
    await expect(cutHost(loopback, 'bank1')).rejects.toThrow(NoHostsError);
  });

  it('creates the namespaces, links, addresses and hosts files once; a second run changes nothing', async () => {
    expect(isRoot).toBe(true);
    const first = await ensureHostNetwork(topology);
    expect(first!.created).toEqual([
      `bridge ${plan.bridge}`,
      `namespace ${plan.bridge}-ordering`,
      `link ${plan.bridge}h0 (ordering ${plan.hosts[0]!.address})`,
      `hosts file of ${plan.bridge}-ordering`,
      `namespace ${plan.bridge}-bank1`,
      `link ${plan.bridge}h1 (bank1 ${bank1.address})`,
      `hosts file of ${plan.bridge}-bank1`,
    ]);
    expect((await ensureHostNetwork(topology))!.created).toEqual([]);
    expect(readFileSync(path.join(NETNS_ETC, bank1.netns, 'hosts'), 'utf8')).toContain(
      `${bank1.address} bank1 tlsca.org1.example.com rca.org1.example.com ica.org1.example.com peer0.org1.example.com`,
    );
  });

  it('reaches a process in a host at its address; a cut stops that, a heal restores it', async () => {
    const port = 40_000 + n;
    server = spawn('ip', [
      'netns',
      'exec',
      bank1.netns,
      process.execPath,
      '-e',
      `require('net').createServer((s) => s.end()).listen(${port}, '${bank1.address}')`,
    ]);
    for (let i = 0; i < 50 && !(await connects(bank1.address, port)); i++) await sleep(100);
    expect(await connects(bank1.address, port)).toBe(true);
    // The name resolves inside the host through its hosts file.
    const resolved = await new Promise<string>((resolve) => {
      const p = spawn('ip', ['netns', 'exec', bank1.netns, 'getent', 'hosts', 'peer0.org1.example.com']);
      let out = '';
      p.stdout.on('data', (d: Buffer) => (out += d.toString()));
      p.on('close', () => resolve(out.trim()));
    });
    expect(resolved.split(/\s+/)[0]).toBe(bank1.address);

    expect(await cutHost(topology, 'bank1')).toBe(true);
    expect(await cutHost(topology, 'bank1')).toBe(false);
    expect(await connects(bank1.address, port)).toBe(false);
    expect((await hostLinks(topology)).map((l) => [l.host, l.up])).toEqual([
      ['ordering', true],
      ['bank1', false],
    ]);
    // A new run of ensure keeps a cut link cut (it only creates what is missing).
    await ensureHostNetwork(topology);
    expect(await connects(bank1.address, port)).toBe(false);
    expect(await healHost(topology, 'bank1')).toBe(true);
    expect(await healHost(topology, 'bank1')).toBe(false);
    for (let i = 0; i < 30 && !(await connects(bank1.address, port)); i++) await sleep(100);
    expect(await connects(bank1.address, port)).toBe(true);
  });

  it('refuses unknown hosts and bad delays before changing anything', async () => {
    await expect(cutHost(topology, 'bank9')).rejects.toThrow(UnknownHostError);
    await expect(delayHost(topology, 'bank1', -1)).rejects.toThrow(/whole number of milliseconds/);
    await expect(delayHost(topology, 'bank1', 1.5)).rejects.toThrow(/whole number of milliseconds/);
    const links = await hostLinks(topology);
    expect(links.every((l) => l.up && l.delayMs === 0)).toBe(true);
  });

  it('delays a link with netem where the kernel has it, else says so', async () => {
    try {
      await delayHost(topology, 'bank1', 40);
      expect((await hostLinks(topology)).find((l) => l.host === 'bank1')!.delayMs).toBe(40);
      await delayHost(topology, 'bank1', 0);
    } catch (e) {
      expect(e).toBeInstanceOf(HostNetworkError);
      expect((e as Error).message).toMatch(/no netem queueing discipline/);
    }
    expect((await hostLinks(topology)).find((l) => l.host === 'bank1')!.delayMs).toBe(0);
  });

  it('removes everything on remove, and a second remove finds nothing', async () => {
    const removed = await removeHostNetwork(topology);
    expect(removed).toEqual([
      `namespace ${plan.bridge}-ordering`,
      `namespace ${plan.bridge}-bank1`,
      `bridge ${plan.bridge}`,
    ]);
    expect(await removeHostNetwork(topology)).toEqual([]);
    expect(existsSync(path.join(NETNS_ETC, bank1.netns))).toBe(false);
  });
});
