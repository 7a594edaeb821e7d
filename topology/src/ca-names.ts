/**
 * Host names of an organisation's three CA servers. They live here, beside the node names
 * (./hosts), because the placement plan puts them in the hosts file; ca/ re-exports them.
 */

/** The CA tiers of every organisation: TLS CA, root CA, intermediate CA. */
export type CaTierName = 'tls' | 'root' | 'intermediate';

/** Host name a tier's CA is known by, e.g. `ica.org1.example.com`. */
export function caHost(tier: CaTierName, domain: string): string {
  const prefix = { tls: 'tlsca', root: 'rca', intermediate: 'ica' }[tier];
  return `${prefix}.${domain}`;
}

/** The host names of all three CAs of an organisation with this domain. */
export function caHostNames(domain: string): string[] {
  return (['tls', 'root', 'intermediate'] as const).map((tier) => caHost(tier, domain));
}
