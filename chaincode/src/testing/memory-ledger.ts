/**
 * An in-memory Fabric for unit tests, faithful where it matters to this
 * chaincode:
 *
 * - a transaction simulates against committed state: no read-your-writes;
 * - every point read is recorded with the version seen, every range query
 *   with the keys and versions it returned, every write/delete in a write set;
 * - commit validates like a peer: a read whose version changed is an
 *   MVCC_READ_CONFLICT, a range query whose re-execution differs is a
 *   PHANTOM_READ_CONFLICT, otherwise the writes apply (blind writes never
 *   conflict);
 * - paginated range queries are refused in a transaction that writes;
 * - composite keys use Fabric's encoding (U+0000 separators) and range
 *   results are in UTF-8 byte order;
 * - events (Fabric keeps the last one set), key history, transaction ID and
 *   timestamp.
 */

const NS = '\u0000';
const MAX_RUNE = '\u{10FFFF}';

import { majorityEndorsed, satisfies } from './policy';

/** A committed value and its version (the commit sequence number that wrote it). */
interface Versioned {
  value: Buffer;
  version: number;
  /** Key-level endorsement policy (state-based endorsement), if one was set. */
  policy?: Buffer;
}

/** One entry of a key's history. */
export interface KeyModification {
  txId: string;
  timestamp: Date;
  isDelete: boolean;
  value: Buffer;
}

/** A range query as recorded for phantom validation. */
export interface RangeRead {
  start: string;
  end: string;
  /** key → version, in result order. */
  results: [string, number][];
  paginated: boolean;
}

/** Read and write sets of one simulated transaction. */
export interface RwSet {
  /** key → version read (0 = absent). */
  reads: Map<string, number>;
  /** key → written value (null = delete). */
  writes: Map<string, Buffer | null>;
  ranges: RangeRead[];
  /** key → key-level endorsement policy written (SetStateValidationParameter). */
  policies: Map<string, Buffer>;
}

/** Outcome of validating and committing a transaction. */
export type CommitCode =
  'VALID' | 'MVCC_READ_CONFLICT' | 'PHANTOM_READ_CONFLICT' | 'ENDORSEMENT_POLICY_FAILURE';

/**
 * Who endorsed a transaction (one MSP ID per endorsing peer) and the
 * channel's orgs, for endorsement policy validation. Omitted: every policy
 * is taken as satisfied (a transaction endorsed as the gateway plans it).
 */
export interface Endorsers {
  orgs: readonly string[];
  channelOrgs: readonly string[];
}

function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Committed world state plus history. */
export class MemoryLedger {
  private readonly data = new Map<string, Versioned>();
  private readonly hist = new Map<string, KeyModification[]>();
  private seq = 0;

  /** An independent copy (state, versions and history), e.g. to reuse a funded fixture. */
  clone(): MemoryLedger {
    const copy = new MemoryLedger();
    for (const [k, v] of this.data) {
      copy.data.set(k, v);
    }
    for (const [k, h] of this.hist) {
      copy.hist.set(k, [...h]);
    }
    copy.seq = this.seq;
    return copy;
  }

  /** Committed value, or undefined. */
  get(key: string): Versioned | undefined {
    return this.data.get(key);
  }

  /** Committed keys in [start, end), byte order. */
  range(start: string, end: string): [string, Versioned][] {
    const out: [string, Versioned][] = [];
    for (const [k, v] of this.data) {
      if (byteOrder(k, start) >= 0 && byteOrder(k, end) < 0) {
        out.push([k, v]);
      }
    }
    return out.sort((x, y) => byteOrder(x[0], y[0]));
  }

  /** All committed entries (for invariant checks in tests). */
  entries(): IterableIterator<[string, Versioned]> {
    return this.data.entries();
  }

  /** History of a key, oldest first. */
  history(key: string): KeyModification[] {
    return [...(this.hist.get(key) ?? [])];
  }

  /**
   * Validates a transaction against current state and applies it if valid.
   * Like a peer's validator, a write of a key with a key-level policy must
   * satisfy that policy, every other write the chaincode's (here the channel
   * default, a majority of its orgs); a policy written for a new key takes
   * effect for later transactions.
   */
  commit(rw: RwSet, txId: string, timestamp: Date, endorsers?: Endorsers): CommitCode {
    if (endorsers && !this.endorsed(rw, endorsers)) {
      return 'ENDORSEMENT_POLICY_FAILURE';
    }
    for (const [key, version] of rw.reads) {
      if ((this.data.get(key)?.version ?? 0) !== version) {
        return 'MVCC_READ_CONFLICT';
      }
    }
    for (const r of rw.ranges) {
      const now = this.range(r.start, r.end);
      // A paginated query's result is a prefix; compare only what it returned
      // (Fabric refuses paginated queries in writing transactions anyway).
      const compare = r.paginated ? now.slice(0, r.results.length) : now;
      if (
        compare.length !== r.results.length ||
        compare.some(([k, v], i) => r.results[i]?.[0] !== k || r.results[i]?.[1] !== v.version)
      ) {
        return 'PHANTOM_READ_CONFLICT';
      }
    }
    this.seq += 1;
    for (const [key, value] of rw.writes) {
      const h = this.hist.get(key) ?? [];
      if (value === null) {
        this.data.delete(key);
        h.push({ txId, timestamp, isDelete: true, value: Buffer.alloc(0) });
      } else {
        const policy = rw.policies.get(key) ?? this.data.get(key)?.policy;
        this.data.set(key, policy ? { value, version: this.seq, policy } : { value, version: this.seq });
        h.push({ txId, timestamp, isDelete: false, value });
      }
      this.hist.set(key, h);
    }
    return 'VALID';
  }

  /** The key-level policy of a committed key, if any. */
  policyOf(key: string): Buffer | undefined {
    return this.data.get(key)?.policy;
  }

  private endorsed(rw: RwSet, e: Endorsers): boolean {
    let needsChaincodePolicy = false;
    for (const key of new Set([...rw.writes.keys(), ...rw.policies.keys()])) {
      const policy = this.data.get(key)?.policy;
      if (policy) {
        if (!satisfies(policy, e.orgs)) return false;
      } else {
        needsChaincodePolicy = true;
      }
    }
    return !needsChaincodePolicy || majorityEndorsed(e.channelOrgs, e.orgs);
  }
}

/** Result item of a state iterator, as fabric-shim yields it. */
interface KV {
  key: string;
  value: Buffer;
  namespace: string;
}

/** Async iterator with fabric-shim's next()/close() shape. */
class ArrayIterator<T> {
  private i = 0;
  constructor(private readonly items: T[]) {}

  async next(): Promise<{ value: T | undefined; done: boolean }> {
    if (this.i >= this.items.length) {
      return { value: undefined, done: true };
    }
    const value = this.items[this.i];
    this.i += 1;
    return { value, done: false };
  }

  async close(): Promise<void> {}

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: async () => {
        const r = await this.next();
        return r.done ? { value: undefined, done: true } : { value: r.value as T, done: false };
      },
    };
  }
}

/** Who submits a transaction. */
export interface Creator {
  mspid: string;
  /** PEM certificate bytes. */
  idBytes: Buffer;
}

/** Chaincode event as set by the transaction. */
export interface StubEvent {
  name: string;
  payload: Buffer;
}

/**
 * The stub for one transaction simulation. Implements the ChaincodeStub
 * methods fabric-shim's dispatch and this chaincode use.
 */
export class MemoryStub {
  readonly rw: RwSet = { reads: new Map(), writes: new Map(), ranges: [], policies: new Map() };
  readonly events: StubEvent[] = [];
  private paginatedUsed = false;

  constructor(
    private readonly ledger: MemoryLedger,
    private readonly txId: string,
    private readonly timestamp: Date,
    private readonly creator: Creator,
    private readonly args: string[],
    private readonly channelId = 'payments',
    /** The proposal's transient data (the client's shard hint, for one). */
    private readonly transient: ReadonlyMap<string, Uint8Array> = new Map(),
  ) {}

  // ---- identity, args, time ----
  getTxID(): string {
    return this.txId;
  }
  getChannelID(): string {
    return this.channelId;
  }
  getCreator(): Creator {
    return this.creator;
  }
  getMspID(): string {
    return this.creator.mspid;
  }
  getArgs(): string[] {
    return [...this.args];
  }
  getStringArgs(): string[] {
    return [...this.args];
  }
  getBufferArgs(): Buffer[] {
    return this.args.map((a) => Buffer.from(a, 'utf8'));
  }
  getFunctionAndParameters(): { fcn: string; params: string[] } {
    const [fcn = '', ...params] = this.args;
    return { fcn, params };
  }
  getTransient(): Map<string, Uint8Array> {
    return new Map(this.transient);
  }
  getDateTimestamp(): Date {
    return new Date(this.timestamp.getTime());
  }
  getTxTimestamp(): { seconds: number; nanos: number } {
    const ms = this.timestamp.getTime();
    return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 };
  }

  // ---- state ----
  async getState(key: string): Promise<Buffer> {
    const v = this.ledger.get(key);
    if (!this.rw.reads.has(key)) {
      this.rw.reads.set(key, v?.version ?? 0);
    }
    // No read-your-writes: always the committed value.
    return v ? Buffer.from(v.value) : Buffer.alloc(0);
  }

  async putState(key: string, value: Uint8Array): Promise<void> {
    this.checkKey(key);
    if (value.length === 0) {
      // Fabric treats an empty value as a delete; the chaincode must never rely on that.
      throw new Error('putState with an empty value');
    }
    this.writing();
    this.rw.writes.set(key, Buffer.from(value));
  }

  async deleteState(key: string): Promise<void> {
    this.checkKey(key);
    this.writing();
    this.rw.writes.set(key, null);
  }

  createCompositeKey(objectType: string, attributes: string[]): string {
    for (const part of [objectType, ...attributes]) {
      if (part.includes(NS) || part.includes(MAX_RUNE)) {
        throw new Error('composite key parts must not contain U+0000 or U+10FFFF');
      }
    }
    return NS + objectType + NS + attributes.map((a) => a + NS).join('');
  }

  splitCompositeKey(compositeKey: string): { objectType: string; attributes: string[] } {
    const parts = compositeKey.split(NS);
    // "\0type\0a\0b\0" → ['', type, a, b, '']
    return { objectType: parts[1] ?? '', attributes: parts.slice(2, -1) };
  }

  getStateByPartialCompositeKey(objectType: string, attributes: string[]): Promise<ArrayIterator<KV>> {
    const start = this.createCompositeKey(objectType, attributes);
    return Promise.resolve(this.rangeQuery(start, start + MAX_RUNE, Infinity, '', false).iterator);
  }

  async getStateByPartialCompositeKeyWithPagination(
    objectType: string,
    attributes: string[],
    pageSize: number,
    bookmark = '',
  ): Promise<{ iterator: ArrayIterator<KV>; metadata: { fetchedRecordsCount: number; bookmark: string } }> {
    const start = this.createCompositeKey(objectType, attributes);
    if (this.rw.writes.size > 0) {
      throw new Error('paginated queries are not allowed in a transaction that writes');
    }
    this.paginatedUsed = true;
    const { iterator, next, count } = this.rangeQuery(start, start + MAX_RUNE, pageSize, bookmark, true);
    return { iterator, metadata: { fetchedRecordsCount: count, bookmark: next } };
  }

  async getHistoryForKey(key: string): Promise<ArrayIterator<KeyModification>> {
    return new ArrayIterator(this.ledger.history(key));
  }

  async setStateValidationParameter(key: string, policy: Uint8Array): Promise<void> {
    this.checkKey(key);
    this.writing();
    this.rw.policies.set(key, Buffer.from(policy));
  }

  async getStateValidationParameter(key: string): Promise<Buffer> {
    const v = this.ledger.get(key);
    if (!this.rw.reads.has(key)) {
      this.rw.reads.set(key, v?.version ?? 0);
    }
    return v?.policy ? Buffer.from(v.policy) : Buffer.alloc(0);
  }

  setEvent(name: string, payload: Uint8Array): void {
    if (!name) {
      throw new Error('event name must not be empty');
    }
    this.events.push({ name, payload: Buffer.from(payload) });
  }

  private rangeQuery(start: string, end: string, limit: number, bookmark: string, paginated: boolean) {
    const from = bookmark !== '' && byteOrder(bookmark, start) > 0 ? bookmark : start;
    const all = this.ledger.range(from, end);
    const taken = all.slice(0, limit);
    const next = all.length > taken.length ? (all[taken.length]?.[0] ?? '') : '';
    this.rw.ranges.push({ start: from, end, results: taken.map(([k, v]) => [k, v.version]), paginated });
    const items = taken.map(([key, v]) => ({ key, value: Buffer.from(v.value), namespace: 'fabpay' }));
    return { iterator: new ArrayIterator(items), next, count: items.length };
  }

  private writing(): void {
    if (this.paginatedUsed) {
      throw new Error('writes are not allowed in a transaction that ran a paginated query');
    }
  }

  private checkKey(key: string): void {
    if (key.length === 0) {
      throw new Error('empty key');
    }
  }
}
