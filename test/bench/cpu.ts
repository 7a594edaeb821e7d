/**
 * CPU time per process group, from /proc/<pid>/stat (utime + stime, in clock ticks) sampled before
 * and after a run, plus this process (process.cpuUsage()) and the whole machine (/proc/stat), so
 * the report can say which group spent the CPU and how much went to processes outside the bench
 * (the machine is shared).
 */
import { readFileSync } from 'node:fs';

/** Linux's USER_HZ; 100 on every mainstream kernel (getconf CLK_TCK). */
const TICKS_PER_SECOND = 100;

export type ProcessGroup = 'orderers' | 'peers' | 'chaincode';

export interface TrackedProcess {
  name: string;
  group: ProcessGroup;
  pid: number;
}

/** CPU seconds of one process (user + system), or undefined if it is gone. */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces; fields after it start past the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state); utime is field 14, stime field 15.
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return (utime + stime) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** Busy and total CPU seconds of the whole machine (all cores) from /proc/stat. */
function machineCpuSeconds(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const total = v.reduce((a, b) => a + b, 0);
  const idle = (v[3] ?? 0) + (v[4] ?? 0); // idle + iowait
  return { busy: (total - idle) / TICKS_PER_SECOND, total: total / TICKS_PER_SECOND };
}

export interface CpuReport {
  /** CPU seconds per group over the run. */
  seconds: Record<ProcessGroup | 'client' | 'otherOnMachine', number>;
  /** Share of the machine's busy CPU time per group (0..1). */
  shareOfBusy: Record<ProcessGroup | 'client' | 'otherOnMachine', number>;
  /** Average cores busy over the run (all processes on the machine), and cores available. */
  machineBusyCores: number;
  cores: number;
  /** Tracked processes whose pid disappeared during the run (restarted or crashed). */
  lost: string[];
}

interface Snapshot {
  procs: Map<number, number>;
  client: NodeJS.CpuUsage;
  machine: { busy: number; total: number };
  wall: number;
}

/** Measures CPU deltas of the tracked processes between start() and stop(). */
export class CpuSampler {
  private start?: Snapshot;

  constructor(private readonly processes: readonly TrackedProcess[]) {}

  private snapshot(): Snapshot {
    const procs = new Map<number, number>();
    for (const p of this.processes) {
      const s = processCpuSeconds(p.pid);
      if (s !== undefined) procs.set(p.pid, s);
    }
    return { procs, client: process.cpuUsage(), machine: machineCpuSeconds(), wall: Date.now() };
  }

  begin(): void {
    this.start = this.snapshot();
  }

  end(): CpuReport {
    const start = this.start;
    if (!start) throw new Error('CpuSampler.end() without begin()');
    const stop = this.snapshot();
    const seconds = { orderers: 0, peers: 0, chaincode: 0, client: 0, otherOnMachine: 0 };
    const lost: string[] = [];
    for (const p of this.processes) {
      const a = start.procs.get(p.pid);
      const b = stop.procs.get(p.pid);
      if (a === undefined || b === undefined) {
        lost.push(p.name);
        continue;
      }
      seconds[p.group] += b - a;
    }
    const cu = process.cpuUsage(start.client);
    seconds.client = (cu.user + cu.system) / 1e6;
    const busy = stop.machine.busy - start.machine.busy;
    const ours = seconds.orderers + seconds.peers + seconds.chaincode + seconds.client;
    seconds.otherOnMachine = Math.max(0, busy - ours);
    const shareOfBusy = { orderers: 0, peers: 0, chaincode: 0, client: 0, otherOnMachine: 0 };
    for (const k of Object.keys(seconds) as (keyof typeof seconds)[]) {
      seconds[k] = round(seconds[k], 2);
      shareOfBusy[k] = busy > 0 ? round(seconds[k] / busy, 3) : 0;
    }
    const wallSeconds = (stop.wall - start.wall) / 1000;
    const cores = Math.round((stop.machine.total - start.machine.total) / Math.max(wallSeconds, 0.001));
    return {
      seconds,
      shareOfBusy,
      machineBusyCores: wallSeconds > 0 ? round(busy / wallSeconds, 2) : 0,
      cores,
      lost,
    };
  }
}

export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
