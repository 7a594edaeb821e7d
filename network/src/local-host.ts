/**
 * The host name the files generated for people and tools (connection profiles, admin env files)
 * address every node and CA by. Why `localhost` and not `127.0.0.1`: fabric-network's discovery
 * rewrites every discovered host to `localhost` when `asLocalhost` is set (its default) and matches
 * discovered peers to the profile's by URL, so any other name lists each peer twice. Every node and
 * CA TLS certificate names localhost.
 *
 * With `asLocalhost: false` discovery uses the peers' own gossip endpoints (127.0.0.1), so each
 * peer is then listed twice. Peers advertising `localhost` would fix that, but in a trial the peer
 * gateways then endorsed a 500-payment run about half as fast (many "Endorse call timed out"), for
 * a reason not yet found; the node addresses stay 127.0.0.1 until that is understood.
 */
export const LOCAL_HOST = 'localhost';
