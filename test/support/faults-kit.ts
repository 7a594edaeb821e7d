/**
 * Fault helpers beyond a node's SIGKILL (payments-kit.ts): stalling a node with SIGSTOP and
 * resuming it, SIGKILLing an organisation's chaincode servers and starting them again through the
 * network API, the client's busiest gateway peer, and healing all of it in afterAll.
 *
 * Everything waits by polling with a bound that names what it waits for.
 */
import { deploy, queryCommitted, status, type NetworkContext, type NodeSpec } from '@fabpay/network';
import { processAlive, processState, signalRecorded, type VerifiableRecord } from '@fabpay/topology';
import { networkOptions } from './live-network';
import { eventually, healNetwork, type Party } from './payments-kit';

/** The ready endpoint of the party's pool carrying the most calls right now, as a peer of the topology. */
export function busiestGatewayPeer(ctx: NetworkContext, party: Party): { peer: NodeSpec; inFlight: number } {
  const endpoints = party.client.status().endpoints.filter((e) => e.state === 'ready');
  const busiest = [...endpoints].sort((a, b) => b.inFlight - a.inFlight)[0];
  if (!busiest) throw new Error(`${party.label}'s client has no ready endpoint`);
  const peer = ctx.peers.find((p) => p.host === busiest.name);
  if (!peer) throw new Error(`endpoint ${busiest.name} is not a peer of the topology`);
  return { peer, inFlight: busiest.inFlight };
}

/** Processes stopped with SIGSTOP and not resumed yet, by pid (afterAll resumes them). */
const stopped = new Map<number, VerifiableRecord>();

/**
 * SIGSTOPs a running node (it keeps its sockets, answers nothing); returns its pid. The signal is
 * sent only while the PID still is the recorded process (topology's process control).
 */
export function pauseNode(node: NodeSpec): number {
  const state = processState(node.process);
  if (state.status !== 'running') throw new Error(`${node.host} is not running, nothing to stop`);
  if (!signalRecorded(state.record, 'SIGSTOP')) throw new Error(`${node.host} exited before SIGSTOP`);
  stopped.set(state.record.pid, state.record);
  return state.record.pid;
}

/** SIGCONTs a process stopped by {@link pauseNode} (if it is still that process). */
export function resumeProcess(pid: number): void {
  const record = stopped.get(pid);
  stopped.delete(pid);
  if (record) signalRecorded(record, 'SIGCONT');
}

/** A fixed pause: the length of a fault (never a wait for a condition). */
export const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The pids of an organisation's chaincode servers (one per peer), from the network's status; a
 * server that is not running has none, so fewer pids than peers means one is down.
 */
export async function chaincodeServerPids(org: string): Promise<number[]> {
  const entries = (await status(networkOptions())).processes.filter(
    (p) => p.kind === 'chaincode' && p.org === org,
  );
  if (entries.length === 0) throw new Error(`the network's status lists no chaincode server of ${org}`);
  return entries.flatMap((e) => (e.pid !== undefined ? [e.pid] : []));
}

/**
 * SIGKILLs chaincode servers of an organisation, by the pids {@link chaincodeServerPids} found
 * before the load started (the status query takes a while), and waits until all are gone.
 */
export async function killChaincodeServers(org: string, pids: readonly number[]): Promise<void> {
  for (const pid of pids) {
    if (!processAlive(pid))
      throw new Error(`${org}'s chaincode server (pid ${pid}) is not running, nothing to kill`);
  }
  for (const pid of pids) process.kill(pid, 'SIGKILL');
  await eventually(
    `${org}'s chaincode servers (pids ${pids.join(', ')}) to exit`,
    () => (pids.some(processAlive) ? undefined : true),
    {
      timeoutMs: 15_000,
      intervalMs: 50,
    },
  );
}

/**
 * Starts every chaincode server that is not running, as the network started them: `deploy` of the
 * committed version (the same package, so the same package ID; nothing to install, approve or
 * commit) starts a missing server and waits until the chaincode answers on every peer.
 */
export async function restartChaincodeServers(ctx: NetworkContext): Promise<void> {
  const committed = await queryCommitted(ctx);
  if (!committed) throw new Error('no chaincode is committed on the channel');
  const result = await deploy({ ...networkOptions(), version: committed.version });
  if (result.changed || result.sequence !== committed.sequence)
    throw new Error(
      `restarting the chaincode servers changed the definition: ${JSON.stringify(committed)} -> ${result.version} (sequence ${result.sequence})`,
    );
}

/**
 * {@link healNetwork}, after resuming anything still stopped and restarting any chaincode server
 * that is down: every node and chaincode server running, every peer at the same height.
 */
export async function healAll(ctx: NetworkContext): Promise<void> {
  for (const pid of [...stopped.keys()]) resumeProcess(pid);
  const servers = (await status(networkOptions())).processes.filter((p) => p.kind === 'chaincode');
  if (servers.some((s) => !s.running)) await restartChaincodeServers(ctx);
  await healNetwork(ctx);
}
