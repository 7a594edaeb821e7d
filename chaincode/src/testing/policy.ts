import { common, msp } from '@hyperledger/fabric-protos';

/**
 * Evaluates a serialized SignaturePolicyEnvelope against the orgs whose
 * peers endorsed (one entry per endorsing peer), with Fabric's cauthdsl
 * semantics: a SignedBy consumes one matching, not yet used endorsement, and
 * an n-out-of keeps the consumption of the sub-policies that passed. Only
 * ROLE principals with role PEER or MEMBER are understood (what the
 * chaincode writes).
 */
export function satisfies(policy: Uint8Array, endorsers: readonly string[]): boolean {
  const envelope = common.SignaturePolicyEnvelope.deserializeBinary(policy);
  const principals = envelope.getIdentitiesList().map((p) => {
    if (p.getPrincipalClassification() !== msp.MSPPrincipal.Classification.ROLE) {
      throw new Error('only ROLE principals are supported');
    }
    return msp.MSPRole.deserializeBinary(p.getPrincipal_asU8()).getMspIdentifier();
  });
  const rule = envelope.getRule();
  if (!rule) {
    return false;
  }
  return evaluate(
    rule,
    principals,
    endorsers,
    endorsers.map(() => false),
  );
}

function evaluate(
  rule: common.SignaturePolicy,
  principals: string[],
  endorsers: readonly string[],
  used: boolean[],
): boolean {
  if (rule.hasSignedBy()) {
    const want = principals[rule.getSignedBy()];
    for (let i = 0; i < endorsers.length; i += 1) {
      if (!used[i] && endorsers[i] === want) {
        used[i] = true;
        return true;
      }
    }
    return false;
  }
  const nOutOf = rule.getNOutOf();
  if (!nOutOf) {
    return false;
  }
  let verified = 0;
  for (const sub of nOutOf.getRulesList()) {
    const trial = [...used];
    if (evaluate(sub, principals, endorsers, trial)) {
      verified += 1;
      trial.forEach((u, i) => (used[i] = u));
    }
  }
  return verified >= nOutOf.getN();
}

/** The channel's default endorsement policy: a majority of the channel's orgs endorsed. */
export function majorityEndorsed(channelOrgs: readonly string[], endorsers: readonly string[]): boolean {
  const distinct = new Set(endorsers.filter((e) => channelOrgs.includes(e)));
  return distinct.size >= Math.floor(channelOrgs.length / 2) + 1;
}
