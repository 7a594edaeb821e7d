/**
 * The host name the files generated for people and tools (connection profiles, admin env files)
 * address every node and CA by. Why `localhost` and not `127.0.0.1`: fabric-network's discovery
 * rewrites every discovered host to `localhost` when `asLocalhost` is set (its default) and matches
 * discovered peers to the profile's by URL, so any other name lists each peer twice. Every node and
 * CA TLS certificate names localhost.
 *
 * Peers advertise the same name (./nodes/specs), so with `asLocalhost: false` discovery names
 * them as the profile does too. Orderers are named by the channel configuration's endpoints
 * (127.0.0.1), left unchanged, so with `asLocalhost: false` each orderer is listed twice.
 */
export const LOCAL_HOST = 'localhost';
