/**
 * The MSP config.yaml that turns on NodeOUs: an identity's role (client, peer, admin, orderer)
 * comes from the OU fabric-ca puts in its certificate (`--id.type`).
 *
 * No `Certificate:` field is given: with it, Fabric would only accept certificates issued by
 * exactly that CA, and naming the root there would reject every certificate the intermediate
 * issues. Without it, any CA of the MSP (root or intermediate) may be the issuer.
 */
export const NODE_OU_CONFIG = `NodeOUs:
  Enable: true
  ClientOUIdentifier:
    OrganizationalUnitIdentifier: client
  PeerOUIdentifier:
    OrganizationalUnitIdentifier: peer
  AdminOUIdentifier:
    OrganizationalUnitIdentifier: admin
  OrdererOUIdentifier:
    OrganizationalUnitIdentifier: orderer
`;
