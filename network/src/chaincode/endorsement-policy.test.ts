import { common, msp, peer } from '@hyperledger/fabric-protos';
import { parseTopologyYaml } from '@fabpay/topology';
import {
  canonicalSignaturePolicy,
  describeValidationParameter,
  majorityPolicy,
  wantedPolicy,
} from './endorsement-policy';
import { redefinitionReasons, type Committed } from './lifecycle';

type RoleType = msp.MSPRole.MSPRoleTypeMap[keyof msp.MSPRole.MSPRoleTypeMap];

/** An ApplicationPolicy as the peer stores it: OutOf(n) over signed-by rules of role principals. */
function signaturePolicyBase64(n: number, principals: [string, RoleType][]): string {
  const envelope = new common.SignaturePolicyEnvelope();
  envelope.setIdentitiesList(
    principals.map(([mspId, role]) => {
      const r = new msp.MSPRole();
      r.setMspIdentifier(mspId);
      r.setRole(role);
      const p = new msp.MSPPrincipal();
      p.setPrincipalClassification(msp.MSPPrincipal.Classification.ROLE);
      p.setPrincipal(r.serializeBinary());
      return p;
    }),
  );
  const outOf = new common.SignaturePolicy.NOutOf();
  outOf.setN(n);
  outOf.setRulesList(
    principals.map((_, i) => {
      const s = new common.SignaturePolicy();
      s.setSignedBy(i);
      return s;
    }),
  );
  const rule = new common.SignaturePolicy();
  rule.setNOutOf(outOf);
  envelope.setRule(rule);
  const ap = new peer.ApplicationPolicy();
  ap.setSignaturePolicy(envelope);
  return Buffer.from(ap.serializeBinary()).toString('base64');
}

/** A topology of `orgs` peer orgs (Org1MSP, ...), one peer each, with `policy` as its chaincode's. */
function topologyOf(orgs: number, policy?: string) {
  return parseTopologyYaml(
    [
      'name: t',
      'ordererOrg: { name: O, mspId: OMSP, orderers: 1 }',
      'orgs:',
      ...Array.from({ length: orgs }, (_, i) => `  - { name: Org${i + 1}, mspId: Org${i + 1}MSP, peers: 1 }`),
      ...(policy ? [`chaincode: { endorsementPolicy: "${policy}" }`] : []),
    ].join('\n'),
  );
}

const PEER = msp.MSPRole.MSPRoleType.PEER;

describe('the chaincode endorsement policy', () => {
  it('is a majority of the orgs written out, each by one of its peers', () => {
    expect(majorityPolicy(['A'])).toBe("OutOf(1,'A.peer')");
    expect(majorityPolicy(['A', 'B'])).toBe("OutOf(2,'A.peer','B.peer')");
    expect(majorityPolicy(['A', 'B', 'C'])).toBe("OutOf(2,'A.peer','B.peer','C.peer')");
    expect(majorityPolicy(['A', 'B', 'C', 'D'])).toBe("OutOf(3,'A.peer','B.peer','C.peer','D.peer')");
    expect(() => majorityPolicy([])).toThrow(/at least one organisation/);
  });

  const topology = (policy?: string) => topologyOf(3, policy);

  it("defaults to the majority of the topology's orgs, else takes the topology's policy", () => {
    expect(wantedPolicy(topology())).toEqual({
      policy: "OutOf(2,'Org1MSP.peer','Org2MSP.peer','Org3MSP.peer')",
      flags: ['--signature-policy', "OutOf(2,'Org1MSP.peer','Org2MSP.peer','Org3MSP.peer')"],
      canonical: "OutOf(2,'Org1MSP.peer','Org2MSP.peer','Org3MSP.peer')",
    });
    expect(wantedPolicy(topology("AND('Org1MSP.peer','Org2MSP.peer')"))).toMatchObject({
      flags: ['--signature-policy', "AND('Org1MSP.peer','Org2MSP.peer')"],
      canonical: "OutOf(2,'Org1MSP.peer','Org2MSP.peer')",
    });
    expect(wantedPolicy(topology('/Channel/Application/Endorsement'))).toEqual({
      policy: '/Channel/Application/Endorsement',
      flags: ['--channel-config-policy', '/Channel/Application/Endorsement'],
      canonical: 'channel:/Channel/Application/Endorsement',
    });
  });

  it('puts signature policies in one canonical form, or none when they do not parse', () => {
    expect(canonicalSignaturePolicy("OR('A.peer', 'B.peer')")).toBe("OutOf(1,'A.peer','B.peer')");
    expect(canonicalSignaturePolicy(`AND("A.member", OR('B.admin','C.client'))`)).toBe(
      "OutOf(2,'A.member',OutOf(1,'B.admin','C.client'))",
    );
    expect(canonicalSignaturePolicy(" OutOf( 2 , 'org.one.peer','B.peer','C.peer' ) ")).toBe(
      "OutOf(2,'org.one.peer','B.peer','C.peer')",
    );
    for (const bad of [
      "OR('A.peer'",
      "XOR('A.peer')",
      "OR('A.boss')",
      "OutOf(x,'A.peer')",
      "OR('A.peer') x",
    ]) {
      expect(canonicalSignaturePolicy(bad)).toBeUndefined();
    }
  });

  it('reads a committed validation parameter into the same form', () => {
    expect(
      describeValidationParameter(
        signaturePolicyBase64(2, [
          ['Org1MSP', PEER],
          ['Org2MSP', PEER],
        ]),
      ),
    ).toBe(wantedPolicy(topology("AND('Org1MSP.peer','Org2MSP.peer')")).canonical);
    expect(
      describeValidationParameter(signaturePolicyBase64(1, [['A', msp.MSPRole.MSPRoleType.ADMIN]])),
    ).toBe("OutOf(1,'A.admin')");
    const ref = new peer.ApplicationPolicy();
    ref.setChannelConfigPolicyReference('/Channel/Application/Endorsement');
    expect(describeValidationParameter(Buffer.from(ref.serializeBinary()).toString('base64'))).toBe(
      'channel:/Channel/Application/Endorsement',
    );
    expect(describeValidationParameter('not protobuf!')).toBeUndefined();
  });
});

describe('when a committed definition is redefined', () => {
  const twoOrgs = topologyOf(2);
  const approvedByBoth = { Org1MSP: true, Org2MSP: true };
  const TWO = "OutOf(2,'Org1MSP.peer','Org2MSP.peer')";
  /** A committed definition at sequence 3 with these approvals and (when given) policy. */
  const committedWith = (approvals: Record<string, boolean>, policy?: string): Committed => ({
    sequence: 3,
    version: '1.0',
    approvals,
    ...(policy !== undefined ? { policy } : {}),
  });

  it('not when it has the topology’s policy and every org approved it', () => {
    expect(redefinitionReasons(twoOrgs, committedWith(approvedByBoth, TWO), true)).toEqual([]);
  });

  it("when its policy names other orgs than the topology's (org add, org remove) or is the channel's", () => {
    const three = committedWith(approvedByBoth, "OutOf(2,'Org1MSP.peer','Org2MSP.peer','Org3MSP.peer')");
    expect(redefinitionReasons(twoOrgs, three, false)).toEqual([
      "its endorsement policy is OutOf(2,'Org1MSP.peer','Org2MSP.peer','Org3MSP.peer'), not OutOf(2,'Org1MSP.peer','Org2MSP.peer')",
    ]);
    const implicit = { ...three, policy: 'channel:/Channel/Application/Endorsement' };
    expect(redefinitionReasons(twoOrgs, implicit, false)).toHaveLength(1);
  });

  it('when an org has not approved it, only when following the membership', () => {
    const committed = committedWith({ Org1MSP: true }, TWO);
    expect(redefinitionReasons(twoOrgs, committed, false)).toEqual([]);
    expect(redefinitionReasons(twoOrgs, committed, true)).toEqual(['Org2MSP did not approve sequence 3']);
  });

  it('not over a policy it cannot read', () => {
    expect(redefinitionReasons(twoOrgs, committedWith(approvedByBoth), true)).toEqual([]);
  });
});
