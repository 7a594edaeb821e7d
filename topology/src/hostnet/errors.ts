/** Errors of the host network (network namespaces, the bridge, partitions). */

/** The host network cannot be created or changed; the message says why and what to do. */
export class HostNetworkError extends Error {
  override readonly name = 'HostNetworkError';
}

/** The topology places nothing on hosts, so there is nothing to cut, heal or delay. */
export class NoHostsError extends HostNetworkError {
  constructor() {
    super(
      'this topology places no organisation on a host (orgs[i].host, ordererOrg.host): everything runs on loopback, so there is no host link to change',
    );
  }
}

/** A host name the topology does not have. */
export class UnknownHostError extends HostNetworkError {
  constructor(
    readonly host: string,
    known: readonly string[],
  ) {
    super(`unknown host "${host}": the topology's hosts are ${known.join(', ')}`);
  }
}

/** The kernel has no netem queueing discipline, so links cannot be delayed here. */
export class DelayUnavailableError extends HostNetworkError {
  constructor(detail: string) {
    super(
      `cannot delay a link: this kernel has no netem queueing discipline (CONFIG_NET_SCH_NETEM; tc said "${detail}"); cut and heal work without it`,
    );
  }
}
