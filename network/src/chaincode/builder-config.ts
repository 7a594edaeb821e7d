/**
 * The contract between a peer and the ccaas external builder (network/builders/ccaas/bin/build):
 * Fabric's own ccaas builder convention, where every string field of a package's connection.json
 * is a Go template filled from the JSON object in the peer's `CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG`.
 * fabpay's packages name `{{.chaincode_address}}`, and each peer's environment gives its own
 * chaincode server's address, so one package (one package ID) serves every peer of an org.
 * No imports: node specs and the chaincode code both use it.
 */

/** The environment variable the builder reads the template values from. */
export const CCAAS_BUILDER_CONFIG_ENV = 'CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG';
/** The key of the peer's own chaincode server address in that configuration. */
export const CHAINCODE_ADDRESS_KEY = 'chaincode_address';
/** `{{.chaincode_address}}`: the connection.json address every peer resolves to its own server. */
export const CHAINCODE_ADDRESS_TEMPLATE = `{{.${CHAINCODE_ADDRESS_KEY}}}`;

/**
 * One peer's builder configuration: its own chaincode server address and its name (`peername`,
 * the key Fabric's samples template with).
 */
export function ccaasBuilderConfig(peerHost: string, chaincodeServerAddress: string): string {
  return JSON.stringify({ peername: peerHost, [CHAINCODE_ADDRESS_KEY]: chaincodeServerAddress });
}
