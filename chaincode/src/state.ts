import type { ChaincodeStub, Iterators } from 'fabric-shim';
import { fromBytes, toBytes } from './canonical';
import { Page } from '@fabpay/model';

/** The part of ChaincodeStub the chaincode uses (the test stub implements exactly this). */
export type LedgerStub = Pick<
  ChaincodeStub,
  | 'getState'
  | 'putState'
  | 'deleteState'
  | 'createCompositeKey'
  | 'splitCompositeKey'
  | 'getStateByPartialCompositeKey'
  | 'getStateByPartialCompositeKeyWithPagination'
  | 'setEvent'
  | 'getTxID'
  | 'getTransient'
  | 'getDateTimestamp'
  | 'setStateValidationParameter'
>;

/** A record found by a scan. */
export interface Found<T> {
  key: string;
  attributes: string[];
  value: T;
}

/**
 * Typed, canonical-JSON access to world state by composite key. Fabric gives
 * no read-your-writes inside a transaction, so callers read each key before
 * writing it and never read it again afterwards.
 */
export class State {
  constructor(private readonly stub: LedgerStub) {}

  /** Composite key for a record kind and its attributes. */
  key(type: string, attributes: string[]): string {
    return this.stub.createCompositeKey(type, attributes);
  }

  /** The record, or null when absent. */
  async get<T>(type: string, attributes: string[]): Promise<T | null> {
    const bytes = await this.stub.getState(this.key(type, attributes));
    return bytes && bytes.length > 0 ? fromBytes<T>(bytes) : null;
  }

  /** Writes the record as canonical JSON. */
  async put(type: string, attributes: string[], value: unknown): Promise<void> {
    await this.stub.putState(this.key(type, attributes), toBytes(value));
  }

  /**
   * Sets the record's key-level endorsement policy (a serialized
   * SignaturePolicyEnvelope). Fabric then validates every later write of the
   * key against it instead of the chaincode's policy.
   */
  async protect(type: string, attributes: string[], policy: Uint8Array): Promise<void> {
    await this.stub.setStateValidationParameter(this.key(type, attributes), policy);
  }

  /** Deletes the record. */
  async del(type: string, attributes: string[]): Promise<void> {
    await this.stub.deleteState(this.key(type, attributes));
  }

  /**
   * Every record under a partial key, in key order. A range query: in a
   * transaction that writes it is re-executed at commit (phantom check), so
   * only transactions that must see "all of them" (close, queries) use it.
   */
  async scan<T>(type: string, attributes: string[]): Promise<Found<T>[]> {
    const iterator = await this.stub.getStateByPartialCompositeKey(type, attributes);
    return drain<T>(this.stub, iterator);
  }

  /** One page under a partial key (evaluate-only: Fabric refuses it in a writing transaction). */
  async page<T>(type: string, attributes: string[], pageSize: number, bookmark: string): Promise<Page<T>> {
    const { iterator, metadata } = await this.stub.getStateByPartialCompositeKeyWithPagination(
      type,
      attributes,
      pageSize,
      bookmark,
    );
    const found = await drain<T>(this.stub, iterator);
    return { items: found.map((f) => f.value), bookmark: metadata.bookmark ?? '', count: found.length };
  }
}

async function drain<T>(stub: LedgerStub, iterator: Iterators.StateQueryIterator): Promise<Found<T>[]> {
  const out: Found<T>[] = [];
  try {
    for (;;) {
      const res = await iterator.next();
      if (res.value) {
        const { attributes } = stub.splitCompositeKey(res.value.key);
        out.push({ key: res.value.key, attributes, value: fromBytes<T>(res.value.value) });
      }
      if (res.done) {
        break;
      }
    }
  } finally {
    await iterator.close();
  }
  return out;
}
