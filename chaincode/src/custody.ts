import { common, msp } from '@hyperledger/fabric-protos';
import { mspOfOwner } from './acl';
import { PaymentsContext } from './context';
import { majorityOf } from './domain/governance';
import { Account } from '@fabpay/model';

/**
 * Org custody through key-level (state-based) endorsement.
 *
 * Every key that holds or governs an account's money (descriptor, settled
 * balance, limits, day counters, allowances, holds) carries the policy
 *
 *     AND('<owner MSP>.peer', OutOf(majority - 1, '<other member>.peer', ...))
 *
 * Fabric validates a write of such a key against this policy *instead of*
 * the chaincode's, so it names both: the owner's org must endorse (no set of
 * other orgs, whatever chaincode they run, can move a customer's money), and
 * a majority of members must too (the owner's org alone cannot either).
 *
 * The policy is set when a key is created; a later write keeps it. Credits
 * stay blind writes of new keys without a policy of their own, so payments
 * to one account still never conflict and need no endorsement from the
 * payee's org.
 */
export function custodyPolicy(ownerMsp: string, members: string[]): Uint8Array {
  const others = members.filter((m) => m !== ownerMsp);
  // Fabric counts each endorsement once across the whole policy (cauthdsl
  // marks signatures used), so the owner must not also appear inside the
  // majority clause: "owner and a majority" is "owner and (majority - 1) of
  // the others".
  const fromOthers = Math.max(0, majorityOf(members) - (members.includes(ownerMsp) ? 1 : 0));
  const identities = [ownerMsp, ...others].map((mspId) => {
    const role = new msp.MSPRole();
    role.setMspIdentifier(mspId);
    role.setRole(msp.MSPRole.MSPRoleType.PEER);
    const principal = new msp.MSPPrincipal();
    principal.setPrincipalClassification(msp.MSPPrincipal.Classification.ROLE);
    principal.setPrincipal(role.serializeBinary());
    return principal;
  });
  const signedBy = (i: number): common.SignaturePolicy => {
    const p = new common.SignaturePolicy();
    p.setSignedBy(i);
    return p;
  };
  const outOf = (n: number, rules: common.SignaturePolicy[]): common.SignaturePolicy => {
    const nOutOf = new common.SignaturePolicy.NOutOf();
    nOutOf.setN(n);
    nOutOf.setRulesList(rules);
    const p = new common.SignaturePolicy();
    p.setNOutOf(nOutOf);
    return p;
  };
  const rule =
    fromOthers === 0
      ? outOf(1, [signedBy(0)])
      : outOf(2, [
          signedBy(0),
          outOf(
            fromOthers,
            others.map((_, i) => signedBy(i + 1)),
          ),
        ]);
  const envelope = new common.SignaturePolicyEnvelope();
  envelope.setVersion(0);
  envelope.setIdentitiesList(identities);
  envelope.setRule(rule);
  return envelope.serializeBinary();
}

/**
 * Puts the custody policy on a newly created key of `account`, when
 * governance has custody on. Call it only for keys this transaction creates
 * (the policy of an existing key can only be changed by its own policy).
 */
export async function protectNewKey(
  ctx: PaymentsContext,
  account: Pick<Account, 'owner'>,
  type: string,
  attributes: string[],
): Promise<void> {
  const governance = await ctx.governance();
  if (governance.custody) {
    await ctx.state.protect(type, attributes, custodyPolicy(mspOfOwner(account.owner), governance.members));
  }
}
