import net from 'node:net';
import { mkdirSync } from 'node:fs';
import type { NetworkContext } from '../context';
import { nodeFiles } from '../layout';
import { httpGet } from '../util/http';
import { canConnect, waitForPort } from '../util/tcp';
import { waitFor } from '../util/wait';
import { killProcess, logTail, runningPid, startProcess, stopProcess } from '@fabpay/topology';
import type { NodeSpec } from './specs';

/** Thrown when a port the network needs is taken by another process. */
export class PortInUseError extends Error {
  constructor(
    readonly port: number,
    readonly owner: string,
  ) {
    super(
      `port ${port} (${owner}) is already in use by another process; stop it or choose another portBase in the topology`,
    );
    this.name = 'PortInUseError';
  }
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * Fails with {@link PortInUseError} naming the first of the node's ports that is taken. A node on
 * a host listens in the host's namespace, where this process cannot bind: there a port counts as
 * taken when something answers on it.
 */
export async function checkPorts(node: NodeSpec): Promise<void> {
  const ports: [number, string][] = [
    [node.listen, 'listen'],
    [node.second, node.kind === 'orderer' ? 'admin' : 'chaincode'],
    [node.operations, 'operations'],
  ];
  for (const [port, role] of ports) {
    const free = node.netns ? !(await canConnect(port, 2_000, node.address)) : await portFree(port);
    if (!free) throw new PortInUseError(port, `${node.host} ${role}`);
  }
}

/** Health of a node from its operations endpoint: `ok`, or what /healthz says is failing. */
export async function nodeHealth(node: NodeSpec): Promise<{ ok: boolean; detail: string }> {
  try {
    const res = await httpGet(`http://${node.address}:${node.operations}/healthz`, undefined, 2000);
    return { ok: res.status === 200, detail: res.status === 200 ? 'ok' : res.body.trim() };
  } catch (err) {
    return { ok: false, detail: (err as Error).message };
  }
}

/** Starts one node unless it is running, then waits for its /healthz. */
export async function startNode(ctx: NetworkContext, node: NodeSpec): Promise<boolean> {
  if (runningPid(node.process) !== undefined) return false;
  await checkPorts(node);
  mkdirSync(nodeFiles(ctx.layout, node.host).data, { recursive: true });
  startProcess(node.process);
  return true;
}

/**
 * Waits until the node is ready for use: healthy on its operations port (/healthz), then
 * accepting connections on the gRPC listeners clients use: the listen port and, for an orderer,
 * the admin (channel participation) port. /healthz alone is not enough: it can answer before the
 * other listeners are open. Fails with the tail of its log, at once if the process exits.
 */
export async function waitHealthy(node: NodeSpec, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  await waitOperationsHealthy(node, timeoutMs);
  const listeners: [number, string][] = [[node.listen, 'listen']];
  if (node.kind === 'orderer') listeners.push([node.second, 'admin']);
  for (const [port, role] of listeners) {
    await waitForPort(`${node.host}'s ${role} endpoint`, port, {
      timeoutMs: Math.max(1_000, deadline - Date.now()),
      address: node.address,
      stillRunning: () => {
        if (runningPid(node.process) === undefined) {
          throw new Error(`${node.host} exited; its log ends:\n${logTail(node.process.logFile)}`);
        }
      },
      describeLast: () => `${node.host} log ends:\n${logTail(node.process.logFile)}`,
    });
  }
}

async function waitOperationsHealthy(node: NodeSpec, timeoutMs: number): Promise<void> {
  let last = '';
  await waitFor(
    `${node.host} to report healthy on ${node.address}:${node.operations}/healthz`,
    async () => {
      if (runningPid(node.process) === undefined) {
        throw new Error(`${node.host} exited; its log ends:\n${logTail(node.process.logFile)}`);
      }
      const h = await nodeHealth(node);
      last = h.detail;
      return h.ok ? true : undefined;
    },
    {
      timeoutMs,
      describeLast: () => `last answer: ${last}\n${node.host} log ends:\n${logTail(node.process.logFile)}`,
    },
  );
}

export function stopNode(node: NodeSpec): Promise<boolean> {
  return stopProcess(node.process);
}

/** SIGKILLs a node (fault injection). Returns the killed pid. */
export function crashNode(node: NodeSpec): Promise<number | undefined> {
  return killProcess(node.process);
}
