import './quiet';
import { contracts, serializers } from '../index';
import { GuardedChaincode } from '../guard';
import { canonicalJson } from '../canonical';
import { termsDigest, DEFAULT_MAX_CLOCK_SKEW_SECONDS, DEFAULT_MAX_HOLD_SECONDS } from '../domain/governance';
import { configureEndorser } from '../endorser';
import { DispatchMode, dispatchModeFromEnv } from '../dispatch-mode';
import { KEY } from '../keys';
import { listCurrencies } from '../currencies';
import { Governance, GovernanceTerms } from '@fabpay/model';
import { CommitCode, Endorsers, MemoryLedger, MemoryStub, RwSet, StubEvent } from './memory-ledger';
import { TestIdentity } from './identities';

/** The orgs of the unit tests' channel. */
export const TEST_ORGS = ['Org1MSP', 'Org2MSP'] as const;

/**
 * Governance the harness starts with: Org1MSP and Org2MSP are members,
 * Org1MSP issues every currency, each org's compliance acts for its own
 * customers, default skew and hold bounds, custody on.
 */
export function defaultTerms(members: readonly string[] = TEST_ORGS): GovernanceTerms {
  return {
    members: [...members].sort(),
    issuers: Object.fromEntries(listCurrencies().map((c) => [c.code, ['Org1MSP']])),
    compliance: Object.fromEntries(members.map((m) => [m, [m]])),
    maxClockSkewSeconds: DEFAULT_MAX_CLOCK_SKEW_SECONDS,
    maxHoldSeconds: DEFAULT_MAX_HOLD_SECONDS,
    custody: true,
  };
}

/** Harness options. */
export interface FabricOptions {
  /** Genesis governance written before the first transaction; null = none (to test initGovernance). */
  governance?: GovernanceTerms | null;
  /** The channel's orgs (the chaincode policy is a majority of them). */
  channelOrgs?: readonly string[];
  /**
   * The chaincode's dispatch mode; default FABPAY_CHAINCODE_DISPATCH as the
   * server reads it (so `FABPAY_CHAINCODE_DISPATCH=contract npx jest` runs
   * every suite through fabric-contract-api alone).
   */
  dispatch?: DispatchMode;
}

/** An endorsed (simulated) transaction, not yet committed. */
export interface Endorsement {
  txId: string;
  fn: string;
  args: string[];
  ok: boolean;
  /** 200 or 500, as the shim responds. */
  status: number;
  /** Error message when !ok. */
  message: string;
  /** Raw response payload. */
  payload: Buffer;
  rw: RwSet;
  events: StubEvent[];
  timestamp: Date;
}

/** A submitted transaction: endorsement plus its commit outcome. */
export interface Submitted extends Endorsement {
  commit: CommitCode | 'NOT_SUBMITTED';
}

/**
 * One channel with the payments chaincode on it, driven through the server's
 * GuardedChaincode: fabric-shim's real contract dispatch (ChaincodeFromContract:
 * metadata routing, the parameter count check, schema validation, our
 * serializer, our context and fabric-shim's ClientIdentity over real
 * certificates) and, in the direct mode, the direct dispatch of the hot
 * transactions (fast-dispatch.ts).
 */
export class TestFabric {
  ledger = new MemoryLedger();
  readonly chaincode: GuardedChaincode;
  /** The endorsing peers' clock; tests move it forward explicitly. */
  now = new Date('2026-03-01T10:00:00.000Z');
  /**
   * How far the client-chosen proposal timestamp is from the endorsers'
   * clock (0 = an honest client). The transaction time is now + skewMs.
   */
  skewMs = 0;
  /** Genesis digest the endorsers are configured with (undefined = none). */
  genesisSha256: string | undefined;
  readonly channelOrgs: readonly string[];
  private txSeq = 0;

  constructor(options: FabricOptions = {}) {
    // ChaincodeFromContract appends its system contract to the array it gets.
    this.chaincode = new GuardedChaincode([...contracts], serializers, {}, '@fabpay/chaincode', 'test', {
      dispatch: options.dispatch ?? dispatchModeFromEnv(process.env),
    });
    this.channelOrgs = options.channelOrgs ?? TEST_ORGS;
    const terms = options.governance === undefined ? defaultTerms(this.channelOrgs) : options.governance;
    if (terms) {
      this.genesisSha256 = termsDigest(terms);
      this.seedGovernance(terms);
    }
  }

  /** Writes governance straight into committed state (the outcome of an applied genesis). */
  private seedGovernance(terms: GovernanceTerms): void {
    const governance: Governance = { ...terms, version: 1, updatedAt: this.now.toISOString() };
    const rw: RwSet = { reads: new Map(), writes: new Map(), ranges: [], policies: new Map() };
    rw.writes.set(`\u0000${KEY.governance}\u0000`, Buffer.from(canonicalJson(governance)));
    this.ledger.commit(rw, 'genesis', this.now);
  }

  /** Committed record by composite key, read directly (test-side lookups that need not be transactions). */
  peek<T>(type: string, attributes: string[]): T | null {
    const v = this.ledger.get(`\u0000${type}\u0000${attributes.map((a) => `${a}\u0000`).join('')}`);
    return v ? (JSON.parse(v.value.toString('utf8')) as T) : null;
  }

  /** Committed records under a partial composite key, in key order. */
  peekAll<T>(type: string, attributes: string[]): T[] {
    const start = `\u0000${type}\u0000${attributes.map((a) => `${a}\u0000`).join('')}`;
    return this.ledger
      .range(start, `${start}\u{10FFFF}`)
      .map(([, v]) => JSON.parse(v.value.toString('utf8')) as T);
  }

  /** Moves the transaction clock. */
  advance(ms: number): void {
    this.now = new Date(this.now.getTime() + ms);
  }

  /**
   * Simulates a transaction against committed state (endorsement only);
   * `transient` is the proposal's transient data (e.g. a shard hint).
   */
  async endorse(
    who: TestIdentity,
    fn: string,
    args: string[],
    transient: Readonly<Record<string, string>> = {},
  ): Promise<Endorsement> {
    this.txSeq += 1;
    const txId = `tx${String(this.txSeq).padStart(8, '0')}`;
    const timestamp = new Date(this.now.getTime() + this.skewMs);
    configureEndorser({ now: () => this.now.getTime(), genesisSha256: this.genesisSha256 });
    const stub = new MemoryStub(
      this.ledger,
      txId,
      timestamp,
      { mspid: who.mspid, idBytes: who.idBytes },
      [fn, ...args],
      'payments',
      new Map(Object.entries(transient).map(([k, v]) => [k, Buffer.from(v, 'utf8')])),
    );
    const res = await this.chaincode.invokeFunctionality(stub);
    const ok = res.status === 200;
    return {
      txId,
      fn,
      args,
      ok,
      status: res.status,
      message: ok ? '' : (res.message ?? ''),
      payload: Buffer.from(res.payload ?? []),
      rw: stub.rw,
      events: stub.events,
      timestamp,
    };
  }

  /**
   * Validates and commits an endorsement (only successful ones are
   * submitted, as a client would). `endorsingOrgs` (one MSP ID per endorsing
   * peer) turns on endorsement policy validation; without it the
   * transaction counts as endorsed as the gateway would plan it.
   */
  commit(e: Endorsement, endorsingOrgs?: readonly string[]): Submitted {
    if (!e.ok) {
      return { ...e, commit: 'NOT_SUBMITTED' };
    }
    const endorsers: Endorsers | undefined = endorsingOrgs
      ? { orgs: endorsingOrgs, channelOrgs: this.channelOrgs }
      : undefined;
    return { ...e, commit: this.ledger.commit(e.rw, e.txId, e.timestamp, endorsers) };
  }

  /** Endorse then commit at once. */
  async submit(who: TestIdentity, fn: string, ...args: string[]): Promise<Submitted> {
    return this.commit(await this.endorse(who, fn, args));
  }

  /** Submit and return the parsed result; throws the rejection message otherwise. */
  async ok<T = Record<string, unknown>>(who: TestIdentity, fn: string, ...args: string[]): Promise<T> {
    const r = await this.submit(who, fn, ...args);
    if (!r.ok) {
      throw new Error(r.message);
    }
    if (r.commit !== 'VALID') {
      throw new Error(`commit ${r.commit}`);
    }
    return JSON.parse(r.payload.toString('utf8')) as T;
  }

  /** Query (endorse without commit) and parse the result; throws the rejection message otherwise. */
  async query<T = Record<string, unknown>>(who: TestIdentity, fn: string, ...args: string[]): Promise<T> {
    const r = await this.endorse(who, fn, args);
    if (!r.ok) {
      throw new Error(r.message);
    }
    return JSON.parse(r.payload.toString('utf8')) as T;
  }

  /** Submit and return the rejection message ('' if it succeeded). */
  async reject(who: TestIdentity, fn: string, ...args: string[]): Promise<string> {
    const r = await this.endorse(who, fn, args);
    if (r.ok) {
      this.commit(r);
      return '';
    }
    return r.message;
  }
}

/** Parsed JSON payload of a successful transaction. */
export function resultOf<T = Record<string, unknown>>(s: Endorsement): T {
  return JSON.parse(s.payload.toString('utf8')) as T;
}

/** The single event a transaction set, parsed; throws unless there is exactly one. */
export function eventOf(s: Endorsement): { name: string; payload: Record<string, unknown> } {
  if (s.events.length !== 1) {
    throw new Error(`expected exactly one event, got ${s.events.length}`);
  }
  const e = s.events[0] as StubEvent;
  return { name: e.name, payload: JSON.parse(e.payload.toString('utf8')) as Record<string, unknown> };
}
