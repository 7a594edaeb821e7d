/**
 * Calling the payments chaincode with the `peer` CLI as an org admin or a topology user: what the
 * governance steps and the sample flow use, and what a person can repeat by hand with the
 * generated `<org>-admin.env`. Submits are endorsed by a peer of every organisation (that
 * satisfies the channel's default MAJORITY policy and the custody key-level policies, which name
 * the owner's org and a majority of the members) and wait for the commit event.
 */
import path from 'node:path';
import { binaryPath, runningPid } from '@fabpay/topology';
import { chaincodeTarget, peerAdminEnv } from '../admin-cli';
import { peersOf, runningOrderer, type NetworkContext } from '../context';
import type { NodeSpec } from '../nodes/specs';
import { CommandError, run } from '../util/run';

/** Who calls the chaincode: the peer CLI environment and a label for messages. */
export interface ChaincodeCaller {
  /** e.g. `Org1 admin` or `alice (Org1)`. */
  label: string;
  env: NodeJS.ProcessEnv;
}

/** A chaincode call the chaincode (or the peer CLI) refused. */
export class ChaincodeCallError extends Error {
  constructor(
    /** The transaction, e.g. `initGovernance`. */
    readonly fn: string,
    /** The chaincode's error code (`GOVERNANCE_NOT_SET`, `FORBIDDEN`, ...), when it gave one. */
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'ChaincodeCallError';
  }
}

/** A peer of the organisation whose process runs (the first one when none does). */
export function orgPeer(ctx: NetworkContext, org: string): NodeSpec {
  const peers = peersOf(ctx, org);
  const peer = peers.find((p) => runningPid(p.process) !== undefined) ?? peers[0];
  if (!peer) throw new Error(`organisation ${org} has no peers in the topology`);
  return peer;
}

/** The organisation's admin (NodeOU admin identity), against a running peer of that organisation. */
export function orgAdmin(ctx: NetworkContext, org: string): ChaincodeCaller {
  return {
    label: `${org} admin`,
    env: peerAdminEnv(ctx.layout, ctx.caPaths.org(org), orgPeer(ctx, org)),
  };
}

/** A client user of the topology (e.g. alice of Org1), against a running peer of that organisation. */
export function orgUser(ctx: NetworkContext, org: string, user: string): ChaincodeCaller {
  const orgPaths = ctx.caPaths.org(org);
  const msp = orgPaths.users.find((u) => u.enrollmentId === user)?.msp;
  if (!msp) throw new Error(`${org} has no user "${user}" in the topology`);
  return {
    label: `${user} (${org})`,
    env: { ...peerAdminEnv(ctx.layout, orgPaths, orgPeer(ctx, org)), CORE_PEER_MSPCONFIGPATH: msp },
  };
}

/** `--peerAddresses` for a running peer of every organisation. */
function endorsers(ctx: NetworkContext): string[] {
  return ctx.topology.orgs.flatMap((o) => {
    const p = orgPeer(ctx, o.name);
    return [
      '--peerAddresses',
      `${p.address}:${p.listen}`,
      '--tlsRootCertFiles',
      path.join(p.tlsDir, 'ca.crt'),
    ];
  });
}

/**
 * The chaincode's refusal in the peer CLI's output, e.g.
 * `Error: endorsement failure during query. response: status:500 message:"GOVERNANCE_NOT_SET: ..."`.
 */
export function chaincodeRefusal(output: string): { code: string | undefined; text: string } | undefined {
  const m = /message:"((?:[^"\\]|\\.)*)"/.exec(output);
  if (!m) return undefined;
  const text = m[1]!.replace(/\\(.)/g, '$1');
  const code = /^([A-Z][A-Z_]+): /.exec(text)?.[1];
  return { code, text };
}

function callError(fn: string, caller: ChaincodeCaller, err: unknown): Error {
  if (!(err instanceof CommandError)) return err as Error;
  const output = `${err.result.stderr}\n${err.result.stdout}`;
  const refusal = chaincodeRefusal(output);
  if (refusal) return new ChaincodeCallError(fn, refusal.code, `${fn} as ${caller.label}: ${refusal.text}`);
  const line =
    output
      .split('\n')
      .find((l) => l.startsWith('Error: '))
      ?.trim() ?? err.message;
  return new ChaincodeCallError(fn, undefined, `${fn} as ${caller.label}: ${line}`);
}

/** Submits a transaction, endorsed by a peer of every organisation; resolves once it is committed. */
export async function submit(
  ctx: NetworkContext,
  caller: ChaincodeCaller,
  fn: string,
  args: string[],
): Promise<void> {
  const orderer = runningOrderer(ctx);
  try {
    await run(
      binaryPath('peer'),
      [
        'chaincode',
        'invoke',
        '-o',
        `${orderer.address}:${orderer.listen}`,
        '--tls',
        '--cafile',
        path.join(orderer.tlsDir, 'ca.crt'),
        ...chaincodeTarget(ctx),
        ...endorsers(ctx),
        '--waitForEvent',
        '-c',
        JSON.stringify({ function: fn, Args: args }),
      ],
      { env: caller.env },
    );
  } catch (err) {
    throw callError(fn, caller, err);
  }
}

/** Evaluates a query on the caller's peer and parses its JSON result. */
export async function evaluate<T>(
  ctx: NetworkContext,
  caller: ChaincodeCaller,
  fn: string,
  args: string[],
): Promise<T> {
  try {
    const res = await run(
      binaryPath('peer'),
      ['chaincode', 'query', ...chaincodeTarget(ctx), '-c', JSON.stringify({ function: fn, Args: args })],
      { env: caller.env },
    );
    return JSON.parse(res.stdout) as T;
  } catch (err) {
    throw callError(fn, caller, err);
  }
}
