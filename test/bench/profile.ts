/**
 * `npm run bench -- --profile`: CPU profiles of every peer, orderer and chaincode server during
 * one uniform run, and their top consumers.
 *
 * The network is restarted with profiling on (node settings, levers.ts): Fabric's pprof endpoint
 * on peers (`peer.profile`) and orderers (`General.Profile`), each on a port of its own choosing
 * (127.0.0.1:0, found afterwards from the listening sockets of its pid), and the chaincode
 * servers' own profiler (FABPAY_CPU_PROFILE_DIR, started and stopped with SIGUSR2). The files stay
 * in `<bench home>/profiles/<tag>/`; `go tool pprof -top` (when Go is installed) and a summary of
 * the Chrome DevTools profiles give the top consumers.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { binaryPath } from '@fabpay/topology';
import type { LeverOld } from './levers';
import type { TrackedProcess } from './cpu';

/** Node settings that turn profiling on, writing chaincode profiles into `dir`. */
export function profilingSettings(dir: string): LeverOld {
  return {
    nodeEnv: {
      peer: { CORE_PEER_PROFILE_ENABLED: 'true', CORE_PEER_PROFILE_LISTENADDRESS: '127.0.0.1:0' },
      orderer: { ORDERER_GENERAL_PROFILE_ENABLED: 'true', ORDERER_GENERAL_PROFILE_ADDRESS: '127.0.0.1:0' },
      chaincode: { FABPAY_CPU_PROFILE_DIR: dir },
    },
  };
}

/** Listening TCP addresses of a process (from `ss -ltnp`). */
function listeningAddresses(pid: number): string[] {
  const out = execFileSync('ss', ['-ltnpH'], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((l) => l.includes(`pid=${pid},`))
    .map((l) => l.trim().split(/\s+/)[3] ?? '')
    .filter(Boolean);
}

/**
 * The pprof endpoint of a Fabric process: the one listening address that answers
 * /debug/pprof/ (its other ports are gRPC or operations endpoints).
 */
async function pprofAddress(pid: number): Promise<string | undefined> {
  for (const address of listeningAddresses(pid)) {
    try {
      const res = await fetch(`http://${address}/debug/pprof/`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return address;
    } catch {
      // gRPC over TLS or another protocol: not this one.
    }
  }
  return undefined;
}

/** A profile being taken; `finish` waits for it and returns what was written. */
export interface ProfileCapture {
  finish(): Promise<ProfileFiles>;
}

export interface ProfileFiles {
  dir: string;
  /** Go pprof files by process name. */
  pprof: Record<string, string>;
  /** Chrome DevTools CPU profiles of the chaincode servers. */
  chaincode: string[];
}

/**
 * Starts profiles of every tracked process into `dir`: the Go processes for `seconds` (pprof's
 * own timer), the chaincode servers until `finish`. The servers write where they were started
 * to (`chaincodeDir`, their FABPAY_CPU_PROFILE_DIR); `finish` moves what they wrote into `dir`.
 */
export async function startProfiles(
  processes: readonly TrackedProcess[],
  dir: string,
  seconds: number,
  log: (line: string) => void,
  chaincodeDir = dir,
): Promise<ProfileCapture> {
  mkdirSync(dir, { recursive: true });
  const chaincode = processes.filter((p) => p.group === 'chaincode');
  for (const p of chaincode) process.kill(p.pid, 'SIGUSR2');
  const pending: Promise<[string, string] | undefined>[] = [];
  for (const p of processes.filter((x) => x.group !== 'chaincode')) {
    const address = await pprofAddress(p.pid);
    if (!address) {
      log(`[bench] profile: ${p.name} has no pprof endpoint (was the network restarted with --profile?)`);
      continue;
    }
    pending.push(
      (async (): Promise<[string, string] | undefined> => {
        const res = await fetch(`http://${address}/debug/pprof/profile?seconds=${seconds}`, {
          signal: AbortSignal.timeout((seconds + 30) * 1000),
        });
        if (!res.ok) return undefined;
        const file = path.join(dir, `${p.name}.pprof`);
        writeFileSync(file, Buffer.from(await res.arrayBuffer()));
        return [p.name, file];
      })(),
    );
  }
  return {
    async finish() {
      const pprof = Object.fromEntries(
        (await Promise.all(pending)).filter((x): x is [string, string] => x !== undefined),
      );
      const before = new Set(readdirSync(chaincodeDir));
      for (const p of chaincode) process.kill(p.pid, 'SIGUSR2');
      // The servers write their profile asynchronously after the signal.
      const until = Date.now() + 15_000;
      let written: string[] = [];
      while (Date.now() < until) {
        written = readdirSync(chaincodeDir).filter((f) => f.endsWith('.cpuprofile') && !before.has(f));
        if (written.length >= chaincode.length) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      if (chaincodeDir !== dir) {
        for (const f of written) renameSync(path.join(chaincodeDir, f), path.join(dir, f));
      }
      return { dir, pprof, chaincode: written.map((f) => path.join(dir, f)) };
    },
  };
}

/** One line of a top list: share of the sampled CPU, and the function. */
export interface TopEntry {
  share: number;
  name: string;
}

/**
 * Frames that only pass calls on (gRPC serving, interceptors, generated handlers, the scheduler):
 * left out of the top list so it names the work.
 */
const GO_WRAPPERS =
  /google\.golang\.org\/grpc\.|grpclogging|comm\.NewGRPCServerFromListener|initializeServerConfig|node\.serve\.|fabric-protos-go|^runtime\.(goexit|main|mcall|park_m|schedule|systemstack)/;

/** Cumulative top of a Go profile by `go tool pprof -top -cum`, or undefined without Go. */
export function goTop(binary: 'peer' | 'orderer', file: string, count: number): TopEntry[] | undefined {
  let text: string;
  try {
    text = execFileSync(
      'go',
      ['tool', 'pprof', '-top', '-cum', `-nodecount=${count}`, binaryPath(binary), file],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
  } catch {
    return undefined;
  }
  const out: TopEntry[] = [];
  for (const line of text.split('\n')) {
    // flat flat% sum% cum cum% name
    const m = /^\s*\S+\s+\S+%\s+\S+%\s+\S+\s+([\d.]+)%\s+(.+)$/.exec(line);
    if (m && !GO_WRAPPERS.test(m[2]!)) out.push({ share: Number(m[1]) / 100, name: m[2]! });
  }
  return out.slice(0, count);
}

interface DevToolsProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a DevTools frame's code comes from: an npm package, a Node internal, or this repository. */
function moduleOf(url: string, fn: string): string {
  if (!url) return fn || '(native)';
  // The innermost package: fabric-shim's own copy of @grpc/grpc-js is grpc, not fabric-shim.
  const pkg = /.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const ours = /\/(chaincode|model)\/(?:dist|src)\//.exec(url);
  return ours ? `@fabpay/${ours[1]}` : url;
}

/**
 * Busy CPU of DevTools profiles by module (self time) and by function (inclusive), as shares of
 * the busy (non-idle) samples.
 */
export function devToolsTop(
  files: readonly string[],
  count: number,
): { byModule: TopEntry[]; inclusive: TopEntry[] } {
  const self = new Map<string, number>();
  const incl = new Map<string, number>();
  let busy = 0;
  for (const file of files) {
    const p = JSON.parse(readFileSync(file, 'utf8')) as DevToolsProfile;
    const byId = new Map(p.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    p.samples.forEach((id, i) => {
      const node = byId.get(id);
      const dt = p.timeDeltas[i] ?? 0;
      if (!node || node.callFrame.functionName === '(idle)') return;
      busy += dt;
      const mod = moduleOf(node.callFrame.url, node.callFrame.functionName);
      self.set(mod, (self.get(mod) ?? 0) + dt);
      const seen = new Set<string>();
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
        const f = byId.get(at)!.callFrame;
        if (!f.url) continue;
        const name = `${f.functionName || '(anonymous)'} (${moduleOf(f.url, '')}:${f.lineNumber + 1})`;
        if (seen.has(name)) continue;
        seen.add(name);
        incl.set(name, (incl.get(name) ?? 0) + dt);
      }
    });
  }
  const top = (m: Map<string, number>): TopEntry[] =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([name, t]) => ({ share: busy > 0 ? Math.round((t / busy) * 1000) / 1000 : 0, name }));
  return { byModule: top(self), inclusive: top(incl) };
}

/** The top consumers of every profile taken, for the JSON summary (and the README). */
export function profileSummary(files: ProfileFiles, count = 25): Record<string, unknown> {
  const go: Record<string, TopEntry[] | string> = {};
  for (const [name, file] of Object.entries(files.pprof)) {
    const kind = name.startsWith('orderer') ? 'orderer' : 'peer';
    go[name] = goTop(kind, file, count) ?? `go is not installed: read ${file} with go tool pprof`;
  }
  return {
    dir: files.dir,
    note: 'Go shares are cumulative (a function and what it calls) of the sampled CPU; chaincode shares are of the busy samples',
    fabric: go,
    chaincode: files.chaincode.length > 0 ? devToolsTop(files.chaincode, count) : null,
  };
}
