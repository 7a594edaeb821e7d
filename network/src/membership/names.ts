/**
 * Naming rules of the membership commands: which node a command line means, and which peer
 * `peer add` works on. Pure functions, unit-tested without a network.
 */

/** `peer0.org1` for `peer0.org1.example.com`: the short form the CLI accepts. */
export function shortHost(host: string): string {
  return host.split('.').slice(0, 2).join('.');
}

/** Whether `name` (a full host or its short form, any case) names `host`. */
export function namesHost(host: string, name: string): boolean {
  const n = name.trim().toLowerCase();
  return host.toLowerCase() === n || shortHost(host).toLowerCase() === n;
}

/** A peer named on the command line that the topology does not have. */
export class UnknownPeerError extends Error {
  constructor(name: string, known: string[]) {
    super(`no peer named "${name}" in the topology; peers: ${known.map(shortHost).join(', ') || 'none'}`);
    this.name = 'UnknownPeerError';
  }
}

/** The peer host `name` means (full host or short form). @throws UnknownPeerError */
export function resolvePeerHost(hosts: readonly string[], name: string): string {
  const host = hosts.find((h) => namesHost(h, name));
  if (!host) throw new UnknownPeerError(name, [...hosts]);
  return host;
}

/** Refusal of `peer add` before anything changed. */
export class PeerAddError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PeerAddError';
  }
}

/**
 * The peer number in `--peer peer2` or `--peer peer2.org1.example.com` (the host must be in the
 * org's domain).
 * @throws PeerAddError for anything else.
 */
export function peerIndexOf(name: string, orgDomain: string): number {
  const m = /^peer(\d+)(?:\.(.+))?$/i.exec(name.trim());
  const domain = m?.[2]?.toLowerCase();
  // `peer2.org1.example.com` or its short form `peer2.org1`.
  const ofOrg = domain === undefined || domain === orgDomain || domain === orgDomain.split('.')[0];
  if (!m || !ofOrg) {
    throw new PeerAddError(
      `--peer ${name}: expected a peer name such as peer2 or peer2.${orgDomain} (the org's domain)`,
    );
  }
  return Number(m[1]);
}

/** Which peer `peer add` works on and whether the topology must gain it. */
export interface PeerAddPlan {
  index: number;
  /** True when the topology's `peers` count must grow to include it. */
  addToTopology: boolean;
  /**
   * `named`: `--peer` named it; `unfinished`: a peer of the topology that has not joined the
   * channel (an earlier `peer add` stopped before it joined), finished instead of adding another;
   * `next`: a new peer, the next number.
   */
  why: 'named' | 'unfinished' | 'next';
}

/**
 * Decides which peer `peer add` adds or finishes. `joined[i]` says whether peer i of the org (the
 * topology has `joined.length` peers) has joined the channel. Without `named`, a peer in the
 * topology that has not joined is finished first, so a rerun after an interruption completes the
 * same peer rather than adding another; with it, the named peer is added or finished (idempotent).
 * @throws PeerAddError when the named peer skips a number or the org would exceed `maxPeers`.
 */
export function planPeerAdd(
  org: string,
  joined: readonly boolean[],
  maxPeers: number,
  named?: number,
): PeerAddPlan {
  const count = joined.length;
  if (named !== undefined) {
    if (named < count) return { index: named, addToTopology: false, why: 'named' };
    if (named > count) {
      throw new PeerAddError(
        `peer${named}: ${org} has peers peer0..peer${count - 1}; the next new peer is peer${count} (peers are numbered in order, their ports follow the number)`,
      );
    }
  } else {
    const unfinished = joined.findIndex((j) => !j);
    if (unfinished >= 0) return { index: unfinished, addToTopology: false, why: 'unfinished' };
  }
  if (count >= maxPeers) {
    throw new PeerAddError(`${org} already has ${count} peers, the most an organisation can have here`);
  }
  return { index: count, addToTopology: true, why: named !== undefined ? 'named' : 'next' };
}
