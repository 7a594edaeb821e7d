/**
 * The chaincode's endorsement policy: which one a definition is approved and committed with, and
 * how a committed definition's policy is compared with it.
 *
 * By default the majority of the channel's orgs, written out: `OutOf(k, 'Org1MSP.peer', ...)`
 * with k = floor(n / 2) + 1. That is the rule of the channel's implicit `MAJORITY Endorsement`
 * (each org's own Endorsement policy is `OR('<msp>.peer')`, configtx.ts), but a validating peer
 * evaluates an implicit-meta policy once per org's sub-policy, verifying every endorsement each
 * time, and the written-out one once: on the bench about 1 ms of peer CPU per payment (README,
 * "Performance"). Written out, the policy names the orgs, so `org add` and `org remove` redefine
 * the chaincode (deployChaincode compares the committed policy with this one).
 */
import { common, msp, peer } from '@hyperledger/fabric-protos';
import type { Topology } from '@fabpay/topology';
import { quorum } from '../membership/rules';

/** A policy reference to a channel config policy (`--channel-config-policy`) starts with this. */
export const CHANNEL_POLICY_PREFIX = '/Channel/';

/** What a chaincode definition is approved and committed with. */
export interface WantedPolicy {
  /** A signature policy (peer CLI syntax) or a channel config policy reference. */
  readonly policy: string;
  /** The peer CLI flags that set it on a definition. */
  readonly flags: readonly string[];
  /** The policy in the canonical form {@link describeValidationParameter} renders committed ones in. */
  readonly canonical: string | undefined;
}

/** `OutOf(k, '<msp>.peer', ...)`: more than half of the orgs, each by one of its peers. */
export function majorityPolicy(mspIds: readonly string[]): string {
  if (mspIds.length === 0) throw new Error('an endorsement policy needs at least one organisation');
  // More than half, as a Raft quorum counts votes.
  return `OutOf(${quorum(mspIds.length)},${mspIds.map((m) => `'${m}.peer'`).join(',')})`;
}

/** The topology's `chaincode.endorsementPolicy`, or the majority of its orgs written out. */
export function wantedPolicy(topology: Topology): WantedPolicy {
  const policy = topology.chaincode.endorsementPolicy ?? majorityPolicy(topology.orgs.map((o) => o.mspId));
  if (policy.startsWith(CHANNEL_POLICY_PREFIX)) {
    return { policy, flags: ['--channel-config-policy', policy], canonical: `channel:${policy}` };
  }
  return { policy, flags: ['--signature-policy', policy], canonical: canonicalSignaturePolicy(policy) };
}

// ------------------------------------------------------------------------------------------------
// Canonical form: OutOf(n,<rule>,...) with principals as '<msp>.<role>', for both sides.
// ------------------------------------------------------------------------------------------------

const ROLE_NAMES: Record<number, string> = {
  [msp.MSPRole.MSPRoleType.MEMBER]: 'member',
  [msp.MSPRole.MSPRoleType.ADMIN]: 'admin',
  [msp.MSPRole.MSPRoleType.CLIENT]: 'client',
  [msp.MSPRole.MSPRoleType.PEER]: 'peer',
  [msp.MSPRole.MSPRoleType.ORDERER]: 'orderer',
};

/**
 * A committed definition's validation parameter (`protos.ApplicationPolicy`, base64 as
 * `querycommitted -O json` prints it) in canonical form; undefined for a shape it does not know
 * (then nothing is compared and nothing redefined).
 */
export function describeValidationParameter(base64: string): string | undefined {
  try {
    const ap = peer.ApplicationPolicy.deserializeBinary(Buffer.from(base64, 'base64'));
    if (ap.getTypeCase() === peer.ApplicationPolicy.TypeCase.CHANNEL_CONFIG_POLICY_REFERENCE) {
      return `channel:${ap.getChannelConfigPolicyReference()}`;
    }
    const envelope = ap.getSignaturePolicy();
    const rule = envelope?.getRule();
    if (!envelope || !rule) return undefined;
    const principals = envelope.getIdentitiesList().map((p) => {
      if (p.getPrincipalClassification() !== msp.MSPPrincipal.Classification.ROLE) return undefined;
      const role = msp.MSPRole.deserializeBinary(p.getPrincipal_asU8());
      const name = ROLE_NAMES[role.getRole()];
      return name ? `'${role.getMspIdentifier()}.${name}'` : undefined;
    });
    const render = (r: common.SignaturePolicy): string | undefined => {
      if (r.getTypeCase() === common.SignaturePolicy.TypeCase.SIGNED_BY) return principals[r.getSignedBy()];
      const outOf = r.getNOutOf();
      if (!outOf) return undefined;
      const rules = outOf.getRulesList().map(render);
      return rules.every((x) => x !== undefined) ? `OutOf(${outOf.getN()},${rules.join(',')})` : undefined;
    };
    return render(rule);
  } catch {
    return undefined;
  }
}

/**
 * A signature policy in the peer CLI's syntax (`AND`, `OR`, `OutOf`, quoted `'<msp>.<role>'`) in
 * canonical form (AND of n = OutOf(n), OR = OutOf(1)); undefined when it does not parse.
 */
export function canonicalSignaturePolicy(text: string): string | undefined {
  let at = 0;
  const skip = () => {
    while (/\s/.test(text[at] ?? '')) at += 1;
  };
  const expr = (): string | undefined => {
    skip();
    const quote = text[at];
    if (quote === "'" || quote === '"') {
      const end = text.indexOf(quote, at + 1);
      if (end < 0) return undefined;
      const principal = text.slice(at + 1, end);
      at = end + 1;
      return /^[A-Za-z0-9.-]+\.(member|admin|client|peer|orderer)$/.test(principal)
        ? `'${principal}'`
        : undefined;
    }
    const m = /^(AND|OR|OutOf)\s*\(/i.exec(text.slice(at));
    if (!m) return undefined;
    at += m[0].length;
    const op = m[1]!.toUpperCase();
    let n: number | undefined;
    if (op === 'OUTOF') {
      skip();
      const num = /^\d+/.exec(text.slice(at));
      if (!num) return undefined;
      n = Number(num[0]);
      at += num[0].length;
      skip();
      if (text[at] !== ',') return undefined;
      at += 1;
    }
    const args: string[] = [];
    for (;;) {
      const arg = expr();
      if (arg === undefined) return undefined;
      args.push(arg);
      skip();
      if (text[at] === ',') {
        at += 1;
        continue;
      }
      if (text[at] === ')') {
        at += 1;
        break;
      }
      return undefined;
    }
    const k = op === 'AND' ? args.length : op === 'OR' ? 1 : n!;
    return `OutOf(${k},${args.join(',')})`;
  };
  const out = expr();
  skip();
  return out !== undefined && at === text.length ? out : undefined;
}
