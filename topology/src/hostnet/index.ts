/** The host network: namespaces per host on a bridge (./setup) and partitions of it (./links). */
export * from './errors';
export {
  ensureHostNetwork,
  removeHostNetwork,
  requireRoot,
  NETNS_ETC,
  type HostNetworkChanges,
} from './setup';
export { cutHost, healHost, delayHost, hostLinks, hostByName, linkState, type LinkState } from './links';
