/**
 * When `orderer add` and `orderer remove` may change the Raft cluster, decided from what was
 * observed (topology file, channel config, each orderer's answer) before anything changes. Pure:
 * no I/O, so every refusal is unit-tested.
 *
 * The rules follow Raft and Fabric's etcdraft:
 * - the consenter set changes by one node per config update (Fabric refuses more);
 * - the config update itself is ordered by the current cluster, so a quorum of the current
 *   consenters must answer;
 * - Fabric refuses a change after which the live consenters are fewer than the new cluster's
 *   quorum (`UnacceptableQuorumLoss`): adding to 3 with one down (2 live, 4 need 3), removing one of
 *   3 healthy ones while another is down;
 * - removing one of 2 consenters is refused here although Fabric allows it: the removal commits
 *   only with both, and when the one removed is the leader the survivor must then elect itself
 *   from a configuration the old leader may not have replicated; a 1-node cluster tolerates no
 *   fault. Add an orderer first.
 */
import { MAX_ORDERERS, MAX_ORDERER_SLOTS } from '@fabpay/topology';

/** Votes a cluster of `n` needs to commit anything. */
export const quorum = (n: number): number => Math.floor(n / 2) + 1;

/** One orderer slot as observed. */
export interface ObservedOrderer {
  /** Short name, `orderer<k>`. */
  name: string;
  /** In the topology's `removed` list. */
  removed: boolean;
  /** In the channel config's consenter set. */
  consenter: boolean;
  /** Its address is in the orderer org's OrdererEndpoints (where peers and clients send). */
  endpoint: boolean;
  /** Its process runs. */
  running: boolean;
  /** It has joined the channel (its channel participation API lists it). */
  joined: boolean;
  /** It answers as an active consenter of the channel (what can vote now). */
  alive: boolean;
}

/** What the membership commands saw before deciding. */
export interface ClusterView {
  /** `ordererOrg.orderers`: slots created so far (removed ones included). */
  slots: number;
  /** Every slot `orderer0..orderer<slots-1>`, in order. */
  orderers: ObservedOrderer[];
  /** Consenters in the channel config that no slot of the topology accounts for (`host:port`). */
  strangers: string[];
}

/** A refusal: nothing was changed, and `reason` says why in a sentence. */
export type Refusal = { action: 'refuse'; reason: string };

export type AddDecision =
  | Refusal
  | { action: 'nothing'; name: string; reason: string }
  /**
   * `fresh`: a new slot (the topology gains it); otherwise an earlier add is finished. Each flag
   * is a step still to do: `consenter` (config update), `join`, `endpoint` (config update, once
   * joined: peers send transactions to every OrdererEndpoint, and one that has not joined the
   * channel refuses them).
   */
  | { action: 'add'; name: string; fresh: boolean; consenter: boolean; join: boolean; endpoint: boolean };

export type RemoveDecision =
  | Refusal
  | { action: 'nothing'; name: string; reason: string }
  | {
      action: 'remove';
      name: string;
      /** Steps still to do: out of the OrdererEndpoints first (peers stop sending to it), then the consenter set. */
      endpoint: boolean;
      consenter: boolean;
      topology: boolean;
      stop: boolean;
      /** Said to the operator, changes nothing (e.g. a 2-node cluster tolerates no fault). */
      warnings: string[];
    };

const slotName = (k: number): string => `orderer${k}`;
const active = (v: ClusterView): ObservedOrderer[] => v.orderers.filter((o) => !o.removed);
const consenterCount = (v: ClusterView): number =>
  v.orderers.filter((o) => o.consenter).length + v.strangers.length;
const names = (os: readonly ObservedOrderer[]): string => os.map((o) => o.name).join(', ') || 'none';

/** Fails when the current cluster cannot order a config update: fewer than a quorum answer. */
function currentQuorumProblem(v: ClusterView, what: string): Refusal | undefined {
  const n = consenterCount(v);
  const live = v.orderers.filter((o) => o.consenter && o.alive);
  if (live.length >= quorum(n)) return undefined;
  const down = v.orderers.filter((o) => o.consenter && !o.alive);
  return {
    action: 'refuse',
    reason: `refusing to ${what}: the channel's Raft cluster has no quorum now (${live.length} of ${n} consenters answer, ${quorum(n)} needed; not answering: ${[...names(down).split(', '), ...v.strangers].filter((s) => s !== 'none').join(', ')}); start them first`,
  };
}

/** Finds the slot by name, or explains which names exist. */
function slotOf(v: ClusterView, name: string): ObservedOrderer | Refusal {
  const found = v.orderers.find((o) => o.name === name);
  if (found) return found;
  return {
    action: 'refuse',
    reason: `unknown orderer "${name}": the topology's orderers are ${names(active(v))}${v.orderers.some((o) => o.removed) ? ` (removed: ${names(v.orderers.filter((o) => o.removed))})` : ''}`,
  };
}

/**
 * Decides `orderer add [name]`. Without a name: finishes an earlier add that was interrupted (an
 * orderer in the topology that is not yet a consenter, or not yet joined), else adds the next
 * slot. With a name: that orderer (the next slot, or one already in the topology: then only what
 * is missing is done, and nothing when it is a joined consenter).
 */
export function decideAdd(v: ClusterView, name?: string): AddDecision {
  const incomplete = (o: ObservedOrderer): boolean =>
    !o.removed && (!o.consenter || !o.joined || !o.endpoint);
  let target: ObservedOrderer | undefined;
  if (name !== undefined) {
    if (name === slotName(v.slots)) target = undefined;
    else {
      const slot = slotOf(v, name);
      if ('action' in slot) {
        return {
          action: 'refuse',
          reason: `${slot.reason}; the next new orderer is ${slotName(v.slots)}`,
        };
      }
      if (slot.removed) {
        return {
          action: 'refuse',
          reason: `${name} was removed and its number is never reused; \`orderer add\` adds ${slotName(v.slots)}`,
        };
      }
      if (!incomplete(slot)) {
        return {
          action: 'nothing',
          name,
          reason: `${name} is already a consenter, has joined the channel and is an OrdererEndpoint`,
        };
      }
      target = slot;
    }
  } else {
    target = v.orderers.find(incomplete);
  }
  if (target) {
    const steps = {
      action: 'add' as const,
      name: target.name,
      fresh: false,
      consenter: !target.consenter,
      join: !target.joined,
      endpoint: !target.endpoint,
    };
    return (target.consenter ? undefined : addQuorumProblem(v, target.name)) ?? steps;
  }
  const next = slotName(v.slots);
  if (v.slots + 1 > MAX_ORDERER_SLOTS) {
    return {
      action: 'refuse',
      reason: `refusing to add an orderer: ${v.slots} have been created, the most a topology may ever create is ${MAX_ORDERER_SLOTS} (each keeps its ports for good)`,
    };
  }
  if (active(v).length + 1 > MAX_ORDERERS) {
    return {
      action: 'refuse',
      reason: `refusing to add an orderer: ${active(v).length} are active, a Raft cluster here has at most ${MAX_ORDERERS}`,
    };
  }
  return (
    addQuorumProblem(v, next) ?? {
      action: 'add',
      name: next,
      fresh: true,
      consenter: true,
      join: true,
      endpoint: true,
    }
  );
}

/** Adding one consenter must leave the live consenters a quorum of the grown cluster. */
function addQuorumProblem(v: ClusterView, name: string): Refusal | undefined {
  const current = currentQuorumProblem(v, `add ${name}`);
  if (current) return current;
  const n = consenterCount(v);
  const live = v.orderers.filter((o) => o.consenter && o.alive).length;
  // Growing 1 -> 2 loses quorum until the new node joins whatever we do (Fabric accepts it too).
  if (n + 1 > 2 && live < quorum(n + 1)) {
    const down = v.orderers.filter((o) => o.consenter && !o.alive);
    return {
      action: 'refuse',
      reason: `refusing to add ${name}: ${n + 1} consenters need ${quorum(n + 1)} to commit, but only ${live} answer now (not answering: ${names(down)}), so the channel would stop until ${name} caught up; start them first`,
    };
  }
  return undefined;
}

/**
 * Decides `orderer remove <name>`. A second run of a finished removal does nothing; a removal
 * interrupted after the config update (or after the topology edit) finishes what is left.
 */
export function decideRemove(v: ClusterView, name: string): RemoveDecision {
  const slot = slotOf(v, name);
  if ('action' in slot) return slot;
  if (slot.removed && !slot.consenter && !slot.endpoint && !slot.running) {
    return {
      action: 'nothing',
      name,
      reason: `${name} is already removed (not a consenter, not an OrdererEndpoint, not running)`,
    };
  }
  const warnings: string[] = [];
  if (slot.consenter) {
    const n = consenterCount(v);
    if (n <= 1) {
      return {
        action: 'refuse',
        reason: `refusing to remove ${name}: it is the channel's only consenter; a channel needs at least one`,
      };
    }
    if (n === 2) {
      return {
        action: 'refuse',
        reason: `refusing to remove ${name}: it is one of 2 consenters; the removal needs both to commit, and the one left would tolerate no fault (if ${name} leads, the survivor must elect itself from a configuration it may not have yet). Add an orderer first, then remove ${name}`,
      };
    }
    const current = currentQuorumProblem(v, `remove ${name}`);
    if (current) return current;
    const remaining = v.orderers.filter((o) => o.consenter && o.name !== name);
    const live = remaining.filter((o) => o.alive);
    if (live.length < quorum(n - 1)) {
      return {
        action: 'refuse',
        reason: `refusing to remove ${name}: the ${n - 1} consenters left need ${quorum(n - 1)} to keep a quorum, but only ${live.length} of them answer (not answering: ${names(remaining.filter((o) => !o.alive))}); start them first`,
      };
    }
    if (n - 1 === 2) {
      warnings.push(`${n - 1} consenters will be left: the cluster then tolerates no orderer fault`);
    }
  } else if (!slot.removed && active(v).length <= 1) {
    return { action: 'refuse', reason: `refusing to remove ${name}: it is the topology's only orderer` };
  }
  return {
    action: 'remove',
    name,
    endpoint: slot.endpoint,
    consenter: slot.consenter,
    topology: !slot.removed,
    stop: slot.running,
    warnings,
  };
}
