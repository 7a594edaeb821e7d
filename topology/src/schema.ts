/**
 * The topology file's schema. Every section is an exported zod object schema so
 * other workspaces can extend it (for example `topologyObjectSchema.extend({ channels: ... })`)
 * and still run the cross-field checks with {@link checkTopology}.
 *
 * Error messages are phrased as "expected ..." so the loader can append what it
 * actually found: `orgs[1].peers: expected a whole number from 1 to 8, got "two"`.
 */
import { z } from 'zod';

/** Most orderers a topology may have (Raft clusters beyond 7 buy nothing on one host). */
export const MAX_ORDERERS = 7;
/**
 * Most orderers ever created in one topology (removed ones included): orderer k's ports are
 * O + 10 + 10k .. O + 13 + 10k, so k <= 8 stays inside the orderer org's block of 100.
 */
export const MAX_ORDERER_SLOTS = 9;
/** Most peers per organisation. */
export const MAX_PEERS_PER_ORG = 8;
/** Most peer organisations; bounded by the port plan (one block of 100 ports per organisation). */
export const MAX_PEER_ORGS = 20;

/** A whole number in [min, max] with a message that says exactly that. */
export function wholeNumber(min: number, max: number): z.ZodNumber {
  const error = `expected a whole number from ${min} to ${max}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

/**
 * Organisation names become DNS labels (peer0.<org lowercased>.<domain>) and directory names,
 * so they are restricted to letters, digits and inner hyphens.
 */
export const orgNameSchema = z
  .string({ error: 'expected an organisation name' })
  .regex(/^[A-Za-z](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/, {
    error:
      'expected an organisation name: a letter, then letters, digits or inner hyphens, at most 32 characters',
  });

/** MSP IDs go into channel configuration and file names. */
export const mspIdSchema = z.string({ error: 'expected an MSP ID' }).regex(/^[A-Za-z][A-Za-z0-9._-]{0,63}$/, {
  error: 'expected an MSP ID: a letter, then letters, digits, ".", "_" or "-", at most 64 characters',
});

/** User names are enrollment IDs at the org's CA and wallet labels (file names). */
export const userNameSchema = z
  .string({ error: 'expected a user name' })
  .regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, {
    error: 'expected a user name: a letter, then letters, digits, "_" or "-", at most 64 characters',
  })
  .refine((n) => n.toLowerCase() !== 'admin', {
    error: 'expected a user name other than "admin" (reserved for the CA bootstrap admin)',
  });

/** Attribute names as Fabric CA accepts them; `hf.` is Fabric CA's own reserved namespace. */
export const attributeNameSchema = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9._-]{0,63}$/, {
    error: 'expected an attribute name: a letter, then letters, digits, ".", "_" or "-"',
  })
  .refine((n) => !n.startsWith('hf.'), {
    error: 'expected an attribute name outside the reserved "hf." namespace',
  });

/** DNS domain, lower case, at least one dot not required (e.g. "example.com" or "local"). */
export const domainSchema = z
  .string({ error: 'expected a domain name' })
  .regex(/^(?=.{1,200}$)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/, {
    error: 'expected a lower-case domain name such as example.com',
  });

/**
 * A host of the network (see ./placement): a DNS label, because it names a network namespace and
 * appears in the hosts file; short, because the namespace's link is named after the bridge and it.
 */
export const hostNameSchema = z
  .string({ error: 'expected a host name' })
  .regex(/^[a-z](?:[a-z0-9-]{0,14}[a-z0-9])?$/, {
    error:
      'expected a host name: a lower-case letter, then lower-case letters, digits or inner hyphens, at most 16 characters',
  });

/** A client user of a peer organisation; attributes are registered `:ecert` so they land in the certificate. */
export const userSchema = z.strictObject({
  name: userNameSchema,
  attributes: z
    .record(z.string(), z.string({ error: 'expected a string attribute value' }), {
      error: 'expected a map of attribute names to string values',
    })
    .default({}),
});

/** A peer organisation. */
export const peerOrgSchema = z.strictObject({
  name: orgNameSchema,
  mspId: mspIdSchema,
  peers: wholeNumber(1, MAX_PEERS_PER_ORG).default(2),
  users: z.array(userSchema, { error: 'expected a list of users' }).default([]),
  /**
   * Set by `fabpay-network org remove`: the org left the channel and none of its processes run.
   * It stays in the file so that its port block stays reserved (the orgs after it keep their
   * ports) and `org add <name>` can bring it back with the same CAs and identities.
   */
  removed: z.boolean({ error: 'expected true or false' }).optional(),
  /** The host its CAs, peers and chaincode servers run on (see `hostNetwork`); omitted: loopback. */
  host: hostNameSchema.optional(),
});

/** An orderer's short name, `orderer<k>`. */
export const ordererNameSchema = z.string().regex(/^orderer[0-8]$/, {
  error: 'expected an orderer name such as orderer0',
});

/** The orderer organisation (Raft ordering service). */
export const ordererOrgSchema = z.strictObject({
  name: orgNameSchema.default('OrdererOrg'),
  mspId: mspIdSchema.default('OrdererMSP'),
  /**
   * How many orderers have been created: `orderer0` .. `orderer<n-1>`, each on its own ports.
   * `fabpay-network orderer add` raises it; removed ones are listed in `removed`.
   */
  orderers: wholeNumber(1, MAX_ORDERER_SLOTS).default(3),
  /**
   * Orderers taken out of the Raft cluster by `fabpay-network orderer remove`: they are not
   * started, and their numbers (and ports) are never reused.
   */
  removed: z.array(ordererNameSchema, { error: 'expected a list of orderer names' }).default([]),
  /** The host the org's CAs and its orderers run on (see `hostNetwork`); omitted: loopback. */
  host: hostNameSchema.optional(),
  /** Orderers on another host than `host`, e.g. `{ orderer1: ordering-b }` (a Raft leader's host can then be cut alone). */
  ordererHosts: z
    .record(ordererNameSchema, hostNameSchema, { error: 'expected a map of orderer names to host names' })
    .optional(),
});

/** Default peer organisations: two orgs with two peers each and no extra users. */
export const DEFAULT_ORGS = [
  { name: 'Org1', mspId: 'Org1MSP', peers: 2, users: [] },
  { name: 'Org2', mspId: 'Org2MSP', peers: 2, users: [] },
] as const;

// ---------------------------------------------------------------------------------------------
// Network sections: the channel, the chaincode deployed on it, block cutting and peer tuning.
// They live in this shared schema (not in a network-only copy) so that every tool reading
// topology.yaml accepts the same file. Defaults are tuned for one 2-core machine running
// 3 orderers, 4 peers and 2 chaincode servers; network/README.md ("Defaults") says why.
// ---------------------------------------------------------------------------------------------

/** Channel names as Fabric accepts them (lower case, starting with a letter). */
export const channelNameSchema = z
  .string({ error: 'expected a channel name' })
  .regex(/^[a-z][a-z0-9.-]{0,248}$/, {
    error: 'expected a channel name: lower-case letters, digits, "." and "-", starting with a letter',
  });

export const channelSchema = z.strictObject({
  name: channelNameSchema.default('payments'),
});

/** A Go-style duration such as 250ms or 2s, as configtx.yaml takes it. */
const durationSchema = z.string({ error: 'expected a duration such as 250ms or 2s' }).regex(/^\d+(ms|s)$/, {
  error: 'expected a duration such as 250ms or 2s',
});

export const chaincodeSchema = z.strictObject({
  name: z
    .string({ error: 'expected a chaincode name' })
    .regex(/^[a-zA-Z0-9]+([-_][a-zA-Z0-9]+)*$/, {
      error: 'expected a chaincode name: letters, digits, "-" and "_"',
    })
    .default('payments'),
  version: z
    .string({ error: 'expected a chaincode version' })
    .regex(/^[A-Za-z0-9_.+-]{1,64}$/, { error: 'expected a chaincode version such as 1.0' })
    .default('1.0'),
  /** Chaincode workspace, relative to the repository root; its CCaaS server is `<path>/dist/server.js`. */
  path: z.string({ error: 'expected a path' }).min(1).default('chaincode'),
  /**
   * Signature policy for endorsement, e.g. `OR('Org1MSP.peer','Org2MSP.peer')`, or a channel
   * config policy reference such as `/Channel/Application/Endorsement` (the channel's implicit
   * MAJORITY). Omitted: a majority of the organisations' peers written out,
   * `OutOf(k,'Org1MSP.peer',...)`, which `org add` and `org remove` keep in step with the orgs
   * (network/src/chaincode/endorsement-policy.ts says why it is written out).
   */
  endorsementPolicy: z.string().min(1).optional(),
});

export const batchSchema = z.strictObject({
  /** How long the orderer waits before cutting a block that is not full. */
  timeout: durationSchema.default('250ms'),
  maxMessageCount: wholeNumber(1, 10000).default(500),
  /** Preferred block size in bytes. */
  preferredMaxBytes: wholeNumber(4096, 99 * 1024 * 1024).default(4 * 1024 * 1024),
});

export const peerTuningSchema = z.strictObject({
  /**
   * The peer's gateway concurrency limit (Fabric's default is 500; past it the peer answers
   * "too many requests").
   */
  gatewayConcurrency: wholeNumber(1, 100000).default(2500),
});

/** One process kind's extra environment: upper-case variable names to values. */
const envMapSchema = z.record(
  z.string().regex(/^[A-Z_][A-Z0-9_]{0,127}$/, {
    error: 'expected an environment variable name (upper-case letters, digits, "_")',
  }),
  z.string().max(4096, { error: 'expected a value of at most 4096 characters' }),
);

/**
 * Node settings: extra environment for every orderer, peer and chaincode server, e.g.
 * `peer: { CORE_PEER_VALIDATORPOOLSIZE: "4" }` (Fabric maps core.yaml/orderer.yaml keys to
 * CORE_* / ORDERER_* variables), `GOGC`, or `NODE_OPTIONS` for the chaincode servers. They replace
 * the network's tuned defaults (network/src/nodes/tuning.ts; an empty value removes one);
 * variables that wire the network
 * together (addresses, TLS, MSP, paths) are refused when the network starts. A change takes
 * effect on the next `down` + `up`.
 */
export const nodeEnvSchema = z.strictObject({
  orderer: envMapSchema.default({}),
  peer: envMapSchema.default({}),
  chaincode: envMapSchema.default({}),
});

/**
 * The default logging spec: INFO, except the lines a peer writes for every transaction (gRPC call
 * completed, chaincode finished, transaction sent to the orderer), which cost peer CPU on every
 * payment and say nothing a failure does not log at WARN (`npm run bench`, lever quiet-peers).
 */
export const DEFAULT_LOGGING = 'INFO:comm.grpc.server,endorser,gateway=WARN';

/** Fabric logging spec for every node, e.g. INFO or `INFO:gossip=WARN`. */
export const loggingSchema = z
  .string()
  .regex(/^[A-Za-z0-9:=.,_-]+$/)
  .default(DEFAULT_LOGGING);

// ---------------------------------------------------------------------------------------------
// Governance: the genesis terms `fabpay-network up` writes on the ledger (initGovernance). They are
// stated with organisation names; the network maps them to MSP IDs, and every org's chaincode
// server is configured with the digest of exactly those terms. After genesis, governance changes
// only by proposal (fabpay-network governance set), never by editing this section.
// ---------------------------------------------------------------------------------------------

/** Currency codes as governance names them: three upper-case letters (ISO 4217). */
export const CURRENCY_CODE_PATTERN = /^[A-Z]{3}$/;
/** Bounds the chaincode accepts (chaincode/src/domain/governance.ts parseTerms). */
export const MAX_CLOCK_SKEW_BOUNDS = { min: 1, max: 3600 } as const;
export const MAX_HOLD_BOUNDS = { min: 60, max: 366 * 24 * 3600 } as const;
/** Default bound on a proposal timestamp's distance from the endorser's clock. */
export const DEFAULT_MAX_CLOCK_SKEW_SECONDS = 60;
/** Default longest hold: 7 days. */
export const DEFAULT_MAX_HOLD_SECONDS = 7 * 24 * 3600;
/** Currencies issued by the first organisation when the topology names no issuers. */
export const DEFAULT_ISSUED_CURRENCIES = ['USD', 'EUR'] as const;

const orgListSchema = z.array(z.string({ error: 'expected an organisation name' }), {
  error: 'expected a list of organisation names',
});

export const governanceSchema = z.strictObject({
  /**
   * Currency code -> organisations whose `payments.role=issuer` identities may issue and redeem
   * it. Omitted: USD and EUR, issued by the first organisation.
   */
  issuers: z
    .record(z.string(), orgListSchema, {
      error: 'expected a map of currency codes to lists of organisation names',
    })
    .optional(),
  /**
   * Organisation -> organisations whose customers' accounts its `payments.role=compliance`
   * identities may freeze, unfreeze and limit. Omitted: every organisation for its own customers
   * only. Given: exactly these grants (an organisation not named has none).
   */
  compliance: z
    .record(z.string(), orgListSchema, {
      error: 'expected a map of organisation names to lists of organisation names',
    })
    .optional(),
  maxClockSkewSeconds: wholeNumber(MAX_CLOCK_SKEW_BOUNDS.min, MAX_CLOCK_SKEW_BOUNDS.max).default(
    DEFAULT_MAX_CLOCK_SKEW_SECONDS,
  ),
  maxHoldSeconds: wholeNumber(MAX_HOLD_BOUNDS.min, MAX_HOLD_BOUNDS.max).default(DEFAULT_MAX_HOLD_SECONDS),
  /** Key-level endorsement on account keys: the owner's org must endorse every change. */
  custody: z.boolean({ error: 'expected true or false' }).default(true),
});

/**
 * The network the hosts share (only used when organisations are placed on hosts): a bridge in the
 * machine's own network namespace, with the first address of the subnet, and one network
 * namespace per host, each with one address of the subnet (see ./placement).
 */
export const hostNetworkSchema = z.strictObject({
  /** An IPv4 /24, e.g. 10.77.0.0/24: the bridge is .1, hosts are .10, .11, ... in file order. */
  subnet: z
    .string({ error: 'expected an IPv4 /24 subnet such as 10.77.0.0/24' })
    .regex(/^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}0\/24$/, {
      error: 'expected an IPv4 /24 subnet such as 10.77.0.0/24',
    })
    .default('10.77.0.0/24'),
  /**
   * Name of the bridge; network namespaces are `<bridge>-<host>` and their links `<bridge>h<n>`,
   * so it is at most 10 characters (Linux interface names have 15).
   */
  bridge: z
    .string({ error: 'expected an interface name' })
    .regex(/^[a-z][a-z0-9]{0,9}$/, {
      error:
        'expected a bridge name: a lower-case letter, then lower-case letters or digits, at most 10 characters',
    })
    .default('fabpay0'),
});

/**
 * The whole topology as a plain object schema (no cross-field checks). Extend this, then wrap it
 * with `.superRefine(checkTopology)` to keep the uniqueness rules.
 */
export const topologyObjectSchema = z.strictObject({
  name: z
    .string({ error: 'expected a network name' })
    .regex(/^[a-z][a-z0-9-]{0,31}$/, { error: 'expected a network name: lower-case letters, digits and "-"' })
    .default('fabpay'),
  domain: domainSchema.default('example.com'),
  portBase: wholeNumber(1024, 65000).default(7000),
  ordererOrg: ordererOrgSchema.default({ name: 'OrdererOrg', mspId: 'OrdererMSP', orderers: 3, removed: [] }),
  orgs: z
    .array(peerOrgSchema, { error: 'expected a list of peer organisations' })
    .min(1, { error: 'expected at least one peer organisation' })
    .max(MAX_PEER_ORGS, { error: `expected at most ${MAX_PEER_ORGS} peer organisations` })
    .default(() => DEFAULT_ORGS.map((o) => ({ ...o, users: [] }))),
  channel: channelSchema.default({ name: 'payments' }),
  chaincode: chaincodeSchema.default({ name: 'payments', version: '1.0', path: 'chaincode' }),
  batch: batchSchema.default({ timeout: '250ms', maxMessageCount: 500, preferredMaxBytes: 4 * 1024 * 1024 }),
  peer: peerTuningSchema.default({ gatewayConcurrency: 2500 }),
  logging: loggingSchema,
  nodeEnv: nodeEnvSchema.default({ orderer: {}, peer: {}, chaincode: {} }),
  /** Where hosts live when organisations name one (`orgs[i].host`, `ordererOrg.host`). */
  hostNetwork: hostNetworkSchema.optional(),
  governance: governanceSchema.default({
    maxClockSkewSeconds: DEFAULT_MAX_CLOCK_SKEW_SECONDS,
    maxHoldSeconds: DEFAULT_MAX_HOLD_SECONDS,
    custody: true,
  }),
});

/** The minimal shape {@link checkTopology} needs, so it also works on extended schemas. */
type CheckableTopology = Pick<z.output<typeof topologyObjectSchema>, 'ordererOrg' | 'orgs'> &
  Partial<Pick<z.output<typeof topologyObjectSchema>, 'governance' | 'hostNetwork'>>;

/**
 * Cross-field rules: organisation names (case-insensitively, since they become host names and
 * directories) and MSP IDs are unique across the orderer org and peer orgs; user names are unique
 * per org; attribute names are legal; governance names currency codes and peer organisations.
 */
export function checkTopology(t: CheckableTopology, ctx: z.RefinementCtx): void {
  checkOrderers(t.ordererOrg, ctx);
  checkHosts(t, ctx);
  if (t.orgs.length > 0 && t.orgs.every((o) => o.removed)) {
    ctx.addIssue({
      code: 'custom',
      path: ['orgs'],
      message: 'every organisation is removed; keep at least one',
    });
  }
  const names = new Map<string, string>([[t.ordererOrg.name.toLowerCase(), 'ordererOrg.name']]);
  const mspIds = new Map<string, string>([[t.ordererOrg.mspId, 'ordererOrg.mspId']]);
  t.orgs.forEach((org, i) => {
    const prevName = names.get(org.name.toLowerCase());
    if (prevName) {
      ctx.addIssue({
        code: 'custom',
        path: ['orgs', i, 'name'],
        message: `organisation name "${org.name}" is already used by ${prevName} (names are compared ignoring case)`,
      });
    } else {
      names.set(org.name.toLowerCase(), `orgs[${i}].name`);
    }
    const prevMsp = mspIds.get(org.mspId);
    if (prevMsp) {
      ctx.addIssue({
        code: 'custom',
        path: ['orgs', i, 'mspId'],
        message: `MSP ID "${org.mspId}" is already used by ${prevMsp}`,
      });
    } else {
      mspIds.set(org.mspId, `orgs[${i}].mspId`);
    }
    const users = new Map<string, number>();
    org.users.forEach((user, j) => {
      const prev = users.get(user.name.toLowerCase());
      if (prev !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['orgs', i, 'users', j, 'name'],
          message: `user name "${user.name}" is already used by orgs[${i}].users[${prev}] in ${org.name} (names are compared ignoring case)`,
        });
      } else {
        users.set(user.name.toLowerCase(), j);
      }
      for (const key of Object.keys(user.attributes)) {
        const r = attributeNameSchema.safeParse(key);
        if (!r.success) {
          ctx.addIssue({
            code: 'custom',
            path: ['orgs', i, 'users', j, 'attributes', key],
            message: `attribute name "${key}" is not allowed: ${r.error.issues[0]?.message ?? 'expected a legal attribute name'}`,
          });
        }
      }
    });
  });
  if (t.governance) checkGovernance(t, t.governance, ctx);
}

/** Removed orderers exist and are listed once; 1..MAX_ORDERERS remain. */
function checkOrderers(o: CheckableTopology['ordererOrg'], ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  (o.removed ?? []).forEach((name, i) => {
    const k = Number(name.slice('orderer'.length));
    if (k >= o.orderers) {
      ctx.addIssue({
        code: 'custom',
        path: ['ordererOrg', 'removed', i],
        message: `"${name}" does not exist: the orderers are orderer0..orderer${o.orderers - 1}`,
      });
    } else if (seen.has(name)) {
      ctx.addIssue({
        code: 'custom',
        path: ['ordererOrg', 'removed', i],
        message: `"${name}" is listed twice`,
      });
    }
    seen.add(name);
  });
  const active = o.orderers - seen.size;
  // An orderers count outside 1..MAX_ORDERER_SLOTS already has its own issue.
  if (Number.isInteger(o.orderers) && o.orderers >= 1 && (active < 1 || active > MAX_ORDERERS)) {
    ctx.addIssue({
      code: 'custom',
      path: ['ordererOrg', 'orderers'],
      message: `${active} orderers would run (${o.orderers} created, ${seen.size} removed): a Raft cluster here has 1 to ${MAX_ORDERERS}`,
    });
  }
}

/**
 * Hosts are all or nothing: a process on loopback cannot reach one in a network namespace, so
 * once one organisation names a host, the orderer org and every member org name one.
 */
function checkHosts(t: CheckableTopology, ctx: z.RefinementCtx): void {
  const placed = [t.ordererOrg.host, ...t.orgs.map((o) => o.host)].some((h) => h !== undefined);
  if (!placed) {
    if (t.ordererOrg.ordererHosts && Object.keys(t.ordererOrg.ordererHosts).length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['ordererOrg', 'ordererHosts'],
        message:
          'orderers can only be placed on hosts when the organisations are: set ordererOrg.host and every orgs[i].host',
      });
    }
    if (t.hostNetwork) {
      ctx.addIssue({
        code: 'custom',
        path: ['hostNetwork'],
        message: 'hostNetwork is only used when organisations name a host (ordererOrg.host, orgs[i].host)',
      });
    }
    return;
  }
  const missing = (what: string): string =>
    `${what} names no host, but other organisations do: once one does, the orderer org and every member org must (nothing on a host can reach loopback)`;
  if (t.ordererOrg.host === undefined) {
    ctx.addIssue({ code: 'custom', path: ['ordererOrg', 'host'], message: missing(t.ordererOrg.name) });
  }
  t.orgs.forEach((org, i) => {
    if (org.host === undefined && !org.removed) {
      ctx.addIssue({ code: 'custom', path: ['orgs', i, 'host'], message: missing(org.name) });
    }
  });
  for (const name of Object.keys(t.ordererOrg.ordererHosts ?? {})) {
    const k = Number(name.slice('orderer'.length));
    if (!(k < t.ordererOrg.orderers)) {
      ctx.addIssue({
        code: 'custom',
        path: ['ordererOrg', 'ordererHosts', name],
        message: `"${name}" does not exist: the orderers are orderer0..orderer${t.ordererOrg.orderers - 1}`,
      });
    }
  }
}

/** Governance names peer organisations that exist, at most once per list, and currency codes. */
function checkGovernance(t: CheckableTopology, g: GovernanceSection, ctx: z.RefinementCtx): void {
  const names = t.orgs.map((o) => o.name);
  const unknown = (name: string): string => {
    const sameIgnoringCase = names.find((n) => n.toLowerCase() === name.toLowerCase());
    if (sameIgnoringCase) return `unknown organisation "${name}" (did you mean "${sameIgnoringCase}"?)`;
    if (name.toLowerCase() === t.ordererOrg.name.toLowerCase()) {
      return `"${name}" is the orderer organisation; governance names peer organisations (${names.join(', ')})`;
    }
    return `unknown organisation "${name}": expected one of ${names.join(', ')}`;
  };
  const checkList = (list: string[], path: (string | number)[]): void => {
    const seen = new Set<string>();
    list.forEach((name, j) => {
      if (!names.includes(name)) {
        ctx.addIssue({ code: 'custom', path: [...path, j], message: unknown(name) });
      } else if (seen.has(name)) {
        ctx.addIssue({
          code: 'custom',
          path: [...path, j],
          message: `organisation "${name}" is listed twice`,
        });
      }
      seen.add(name);
    });
  };
  for (const [currency, list] of Object.entries(g.issuers ?? {})) {
    if (!CURRENCY_CODE_PATTERN.test(currency)) {
      ctx.addIssue({
        code: 'custom',
        path: ['governance', 'issuers', currency],
        message: `"${currency}" is not a currency code: expected three upper-case letters (ISO 4217) such as USD`,
      });
    }
    checkList(list, ['governance', 'issuers', currency]);
  }
  for (const [org, list] of Object.entries(g.compliance ?? {})) {
    if (!names.includes(org)) {
      ctx.addIssue({ code: 'custom', path: ['governance', 'compliance', org], message: unknown(org) });
    }
    checkList(list, ['governance', 'compliance', org]);
  }
}

/** Governance with every default resolved, still in organisation names. */
export interface GovernanceSpec {
  /** Currency code -> issuing organisations. */
  issuers: Record<string, string[]>;
  /** Compliance organisation -> organisations whose customers it acts for. */
  compliance: Record<string, string[]>;
  maxClockSkewSeconds: number;
  maxHoldSeconds: number;
  custody: boolean;
}

/**
 * The topology's governance with the defaults that depend on the organisations filled in: issuers
 * default to USD and EUR issued by the first organisation, compliance to every organisation acting
 * for its own customers only.
 */
export function governanceOf(t: Pick<Topology, 'orgs' | 'governance'>): GovernanceSpec {
  const g = t.governance;
  const first = t.orgs[0]?.name;
  const issuers =
    g.issuers ?? Object.fromEntries(DEFAULT_ISSUED_CURRENCIES.map((c) => [c, first ? [first] : []]));
  const compliance = g.compliance ?? Object.fromEntries(t.orgs.map((o) => [o.name, [o.name]]));
  return {
    issuers: Object.fromEntries(Object.entries(issuers).map(([k, v]) => [k, [...v]])),
    compliance: Object.fromEntries(Object.entries(compliance).map(([k, v]) => [k, [...v]])),
    maxClockSkewSeconds: g.maxClockSkewSeconds,
    maxHoldSeconds: g.maxHoldSeconds,
    custody: g.custody,
  };
}

/** The full schema: object shape plus cross-field checks. */
export const topologySchema = topologyObjectSchema.superRefine(checkTopology);

/**
 * A peer organisation as the loader returns it: `slot` is its position in the file (1-based),
 * which fixes its port block and stays put when an org before it is removed.
 */
export type PeerOrgSpec = z.output<typeof peerOrgSchema> & { slot?: number };

/**
 * A validated topology with every default filled in. `orgs` holds the organisations that are
 * members (what every command works with); `removedOrgs` the ones `org remove` took out, kept
 * only so their port blocks stay reserved.
 */
export type Topology = Omit<z.output<typeof topologySchema>, 'orgs'> & {
  orgs: PeerOrgSpec[];
  removedOrgs?: PeerOrgSpec[];
};
/** What a topology file may contain (every field with a default is optional). */
export type TopologyInput = z.input<typeof topologySchema>;
export type OrdererOrgSpec = z.output<typeof ordererOrgSchema>;
export type UserSpec = z.output<typeof userSchema>;
export type GovernanceSection = z.output<typeof governanceSchema>;
