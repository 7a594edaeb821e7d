import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CpuProfiler, profileOnSignal } from './cpu-profile';

describe('chaincode CPU profiles', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'fabpay-cpuprof-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a DevTools profile of the work between start and stop', async () => {
    const profiler = new CpuProfiler(dir);
    expect(await profiler.stop()).toBeUndefined();
    await profiler.start();
    let x = 0;
    for (let i = 0; i < 2_000_000; i += 1) x += Math.sqrt(i);
    const file = await profiler.stop();
    expect(x).toBeGreaterThan(0);
    const profile = JSON.parse(readFileSync(file!, 'utf8')) as { nodes: unknown[]; samples: unknown[] };
    expect(profile.nodes.length).toBeGreaterThan(1);
    expect(profile.samples.length).toBeGreaterThan(0);
    expect(profiler.running).toBe(false);
  });

  it('does nothing without a directory', () => {
    expect(profileOnSignal(() => undefined, '')).toBeUndefined();
  });
});
