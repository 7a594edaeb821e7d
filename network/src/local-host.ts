/**
 * The host name the files generated for people and tools (connection profiles, admin env files)
 * address every node and CA by. Why `localhost` and not `127.0.0.1`: fabric-network's discovery
 * rewrites every discovered host to `localhost` when `asLocalhost` is set (its default) and matches
 * discovered peers to the profile's by URL, so any other name lists each peer twice. Peers
 * advertise the same name to discovery (./nodes/specs), which keeps `asLocalhost: false` free of
 * duplicates as well. Every node and CA TLS certificate names localhost.
 */
export const LOCAL_HOST = 'localhost';
