import { readFileSync } from 'node:fs';
import { startBurners } from './cpu-burners';
import { processAlive } from '@fabpay/topology';

/** CPU time (user + system, clock ticks) of a process, from /proc. */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(rest[11]) + Number(rest[12]);
}

describe('CPU burners', () => {
  it('burn CPU until stopped, and are gone after stop', async () => {
    const burners = startBurners(2, 60_000);
    try {
      expect(burners.pids).toHaveLength(2);
      await new Promise((r) => setTimeout(r, 1_000));
      for (const pid of burners.pids) {
        expect(processAlive(pid)).toBe(true);
        expect(cpuTicks(pid)).toBeGreaterThan(10); // > 0.1 s of CPU in 1 s
      }
    } finally {
      await burners.stop();
    }
    for (const pid of burners.pids) expect(processAlive(pid)).toBe(false);
  });

  it('end by themselves at their bound', async () => {
    const burners = startBurners(1, 300);
    await new Promise((r) => setTimeout(r, 2_000));
    expect(processAlive(burners.pids[0]!)).toBe(false);
    await burners.stop();
  });

  it('refuse a bad count or bound', () => {
    expect(() => startBurners(-1, 1000)).toThrow('count');
    expect(() => startBurners(1, 0)).toThrow('maxMs');
  });
});
