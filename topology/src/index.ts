/**
 * @fabpay/topology: the topology file (schema, validation, defaults), names derived from it, the
 * port plan and the on-disk path rules, and the process control of every server fabpay starts.
 * Shared by ca/ and network/.
 */
export * from './schema';
export * from './load';
export * from './hosts';
export * from './ca-names';
export * from './service-names';
export * from './placement';
export * from './ports';
export * from './paths';
export * from './process';
export * from './edit';
export * from './hostnet';
