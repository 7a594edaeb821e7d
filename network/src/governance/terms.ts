/**
 * Governance terms from the topology, and edits to them, as the chaincode reads them. The
 * chaincode's own parseTerms, termsDigest and canonicalJson do the normalising and hashing, so the
 * digest every chaincode server is started with (FABPAY_GOVERNANCE_GENESIS_SHA256) is byte for
 * byte the one the chaincode computes for the genesis it is asked to write.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { governanceOf, TopologyError, type Topology } from '@fabpay/topology';
import type { Governance, GovernanceTerms } from '@fabpay/chaincode';
import { parseTerms, termsDigest } from '@fabpay/chaincode/dist/domain/governance';
import { canonicalJson } from '@fabpay/chaincode/dist/canonical';
import { CURRENCIES } from '@fabpay/chaincode/dist/currencies';
import { governanceFiles, type NetworkLayout } from '../layout';

export type { Governance, GovernanceTerms };
export { canonicalJson, termsDigest };

/** Normalises terms the way the chaincode does (sorted lists, no empty grants); throws its INVALID_ARGUMENT. */
export function normaliseTerms(terms: GovernanceTerms): GovernanceTerms {
  return parseTerms(JSON.stringify(terms));
}

/**
 * The genesis governance the topology states, in MSP IDs: every peer organisation is a member;
 * issuers and compliance grants map organisation names to MSP IDs (defaults from
 * `governanceOf`). Currency codes must be in the chaincode's currency table.
 * @param source names the topology in errors, like the topology loader does.
 * @throws TopologyError naming the governance field.
 */
export function genesisTerms(topology: Topology, source = 'topology'): GovernanceTerms {
  const spec = governanceOf(topology);
  const mspOf = (name: string): string => topology.orgs.find((o) => o.name === name)?.mspId ?? name;
  // An org that `org remove` took out is no member: the section may still name it.
  const members = (names: string[]): string[] =>
    names.filter((n) => topology.orgs.some((o) => o.name === n)).map(mspOf);
  const table = Object.keys(CURRENCIES).sort();
  const issues = Object.keys(spec.issuers)
    .filter((c) => !Object.prototype.hasOwnProperty.call(CURRENCIES, c))
    .map((c) => ({
      path: `governance.issuers.${c}`,
      message: `currency ${c} is not in the chaincode's currency table (${table.join(', ')})`,
    }));
  if (issues.length > 0) throw new TopologyError(source, issues);
  const raw: GovernanceTerms = {
    members: topology.orgs.map((o) => o.mspId),
    issuers: Object.fromEntries(Object.entries(spec.issuers).map(([c, orgs]) => [c, members(orgs)])),
    compliance: Object.fromEntries(
      Object.entries(spec.compliance)
        .filter(([org]) => members([org]).length > 0)
        .map(([org, orgs]) => [mspOf(org), members(orgs)]),
    ),
    maxClockSkewSeconds: spec.maxClockSkewSeconds,
    maxHoldSeconds: spec.maxHoldSeconds,
    custody: spec.custody,
  };
  try {
    return normaliseTerms(raw);
  } catch (e) {
    throw new TopologyError(source, [{ path: 'governance', message: (e as Error).message }]);
  }
}

/** SHA-256 (hex) of the topology's genesis terms: every chaincode server's FABPAY_GOVERNANCE_GENESIS_SHA256. */
export function genesisDigest(topology: Topology, source?: string): string {
  return termsDigest(genesisTerms(topology, source));
}

/**
 * The genesis terms this network was created with (`<run>/network/governance/genesis.json`), or
 * undefined before `up` wrote them. Once written they are the record: the topology changes with
 * `org add`/`org remove`, the genesis does not.
 */
export function recordedGenesis(layout: NetworkLayout): GovernanceTerms | undefined {
  const files = governanceFiles(layout);
  if (!existsSync(files.terms)) return undefined;
  return normaliseTerms(JSON.parse(readFileSync(files.terms, 'utf8')) as GovernanceTerms);
}

/**
 * The network's genesis terms: as recorded when it was created, else as the topology states
 * them. Every chaincode server is configured with their digest, and `up` writes them (initGovernance).
 */
export function networkGenesis(layout: NetworkLayout, topology: Topology, source?: string): GovernanceTerms {
  return recordedGenesis(layout) ?? genesisTerms(topology, source);
}

/** Writes `<run>/network/governance/genesis.{json,sha256}` and returns what it wrote. */
export function writeGenesisFiles(
  layout: NetworkLayout,
  terms: GovernanceTerms,
): { terms: string; digest: string; sha256: string } {
  const files = governanceFiles(layout);
  const sha256 = termsDigest(terms);
  mkdirSync(files.dir, { recursive: true });
  writeFileSync(files.terms, `${JSON.stringify(JSON.parse(canonicalJson(terms)), null, 2)}\n`);
  writeFileSync(files.digest, `${sha256}\n`);
  return { terms: files.terms, digest: files.digest, sha256 };
}

/** The terms of an effective governance (without version and time). */
export function termsOf(g: Governance | GovernanceTerms): GovernanceTerms {
  const { version: _v, updatedAt: _u, ...terms } = g as Governance;
  return terms;
}

/** Whether two sets of terms are the same once normalised. */
export function sameTerms(a: GovernanceTerms, b: GovernanceTerms): boolean {
  return canonicalJson(normaliseTerms(termsOf(a))) === canonicalJson(normaliseTerms(termsOf(b)));
}

/** The top-level fields two sets of terms differ in, each value as canonical JSON. */
export function termDifferences(
  a: GovernanceTerms,
  b: GovernanceTerms,
): { field: string; a: string; b: string }[] {
  const x = normaliseTerms(termsOf(a)) as unknown as Record<string, unknown>;
  const y = normaliseTerms(termsOf(b)) as unknown as Record<string, unknown>;
  return Object.keys(y)
    .sort()
    .map((field) => ({ field, a: canonicalJson(x[field]), b: canonicalJson(y[field]) }))
    .filter((d) => d.a !== d.b);
}

/** What changes from one set of terms to another, one phrase per top-level field. */
export function describeChanges(from: GovernanceTerms, to: GovernanceTerms): string[] {
  return termDifferences(from, to).map((d) => `${d.field}: ${d.a} -> ${d.b}`);
}

// ------------------------------------------------------------------------------------------------
// Edits: what `fabpay-network governance set` builds from the current terms.
// ------------------------------------------------------------------------------------------------

/** Changes to apply on top of terms; organisations by topology name or MSP ID. */
export interface GovernanceEdits {
  custody?: boolean;
  maxClockSkewSeconds?: number;
  maxHoldSeconds?: number;
  /** Currency -> issuing organisations; an empty list removes the currency's grant. */
  issuers?: Record<string, string[]>;
  /** Compliance organisation -> organisations it acts for; an empty list removes the grant. */
  compliance?: Record<string, string[]>;
}

/** The MSP ID of an organisation given by topology name (any case) or MSP ID. */
export function mspIdOf(topology: Pick<Topology, 'orgs'>, org: string): string {
  const found =
    topology.orgs.find((o) => o.mspId === org) ??
    topology.orgs.find((o) => o.name.toLowerCase() === org.toLowerCase());
  if (!found) {
    const known = topology.orgs.map((o) => `${o.name} (${o.mspId})`).join(', ');
    throw new Error(`unknown organisation "${org}": expected one of ${known}`);
  }
  return found.mspId;
}

/** Applies edits to terms (a copy); organisations are mapped to MSP IDs. Not yet normalised. */
export function editTerms(
  topology: Pick<Topology, 'orgs'>,
  base: GovernanceTerms,
  edits: GovernanceEdits,
): GovernanceTerms {
  const terms = JSON.parse(JSON.stringify(termsOf(base))) as GovernanceTerms;
  if (edits.custody !== undefined) terms.custody = edits.custody;
  if (edits.maxClockSkewSeconds !== undefined) terms.maxClockSkewSeconds = edits.maxClockSkewSeconds;
  if (edits.maxHoldSeconds !== undefined) terms.maxHoldSeconds = edits.maxHoldSeconds;
  for (const [currency, orgs] of Object.entries(edits.issuers ?? {})) {
    if (orgs.length === 0) delete terms.issuers[currency];
    else terms.issuers[currency] = orgs.map((o) => mspIdOf(topology, o));
  }
  for (const [org, orgs] of Object.entries(edits.compliance ?? {})) {
    const msp = mspIdOf(topology, org);
    if (orgs.length === 0) delete terms.compliance[msp];
    else terms.compliance[msp] = orgs.map((o) => mspIdOf(topology, o));
  }
  return terms;
}

/** `on|off` (also true/false, yes/no) as a boolean. */
export function parseOnOff(value: string, flag: string): boolean {
  const v = value.trim().toLowerCase();
  if (['on', 'true', 'yes'].includes(v)) return true;
  if (['off', 'false', 'no'].includes(v)) return false;
  throw new Error(`${flag}: expected on or off, got ${JSON.stringify(value)}`);
}

/** A whole number of seconds. */
export function parseSeconds(value: string, flag: string): number {
  if (!/^\d+$/.test(value.trim())) {
    throw new Error(`${flag}: expected a whole number of seconds, got ${JSON.stringify(value)}`);
  }
  return Number(value.trim());
}

/**
 * `KEY=Org[,Org...]` flags (repeatable) as a map; `KEY=` gives an empty list. `upperKey`
 * upper-cases the key (currency codes).
 */
export function parseGrantFlags(values: string[], flag: string, upperKey = false): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const value of values) {
    const m = /^([^=\s]+)=(.*)$/.exec(value.trim());
    if (!m) throw new Error(`${flag}: expected KEY=Org[,Org...], got ${JSON.stringify(value)}`);
    const key = upperKey ? m[1]!.toUpperCase() : m[1]!;
    out[key] = m[2]!
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  }
  return out;
}

/**
 * Terms from a JSON document: complete terms, or a governance as `fabpay-network governance`
 * prints it (its version and updatedAt are ignored).
 */
export function termsFromJson(text: string, source: string): GovernanceTerms {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new Error(`${source}: not valid JSON (${(e as Error).message})`);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new Error(`${source}: expected a JSON object with the governance terms`);
  }
  return termsOf(doc as GovernanceTerms);
}
