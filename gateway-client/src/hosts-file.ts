/**
 * Host names from a hosts file. A fabpay network whose organisations run on their own hosts
 * (network namespaces) names its peers by host name (peer0.org1.example.com); a client outside
 * those hosts cannot resolve them through the system resolver, so the connection profile names the
 * hosts file the network wrote (`x-fabpay.hostsFile`) and the client dials the address it gives,
 * still checking TLS against the host name.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';

/** The hosts file cannot be read. */
export class HostsFileError extends Error {
  override readonly name = 'HostsFileError';
}

/** Host name -> address, from hosts file text (`address name [name...]`, `#` comments). */
export function parseHostsFile(text: string): Map<string, string> {
  const names = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const [address, ...hostNames] = raw.replace(/#.*/, '').trim().split(/\s+/);
    if (!address || isIP(address) === 0) continue;
    for (const name of hostNames) if (!names.has(name.toLowerCase())) names.set(name.toLowerCase(), address);
  }
  return names;
}

/** Reads and parses a hosts file. */
export function readHostsFile(file: string): Map<string, string> {
  try {
    return parseHostsFile(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new HostsFileError(
      `cannot read the hosts file ${file} the connection profile names (x-fabpay.hostsFile): ${(err as Error).message}`,
    );
  }
}

/**
 * `host:port` with the host replaced by its address when the hosts file names it; also returns
 * the host name as the TLS server name to check. Addresses and unknown names are left alone.
 */
export function resolveAddress(
  address: string,
  hosts: ReadonlyMap<string, string>,
): { address: string; serverName?: string } {
  const at = address.lastIndexOf(':');
  const host = at > 0 ? address.slice(0, at) : address;
  const ip = hosts.get(host.toLowerCase());
  if (!ip || isIP(host) !== 0) return { address };
  return { address: `${ip}${at > 0 ? address.slice(at) : ''}`, serverName: host };
}
