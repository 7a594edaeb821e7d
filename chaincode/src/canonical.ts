/**
 * Canonical JSON: object keys sorted by code unit, no whitespace. Every
 * endorsing peer must produce byte-identical writes, and JSON.stringify alone
 * follows insertion order, which differs between code paths.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(sortKeys);
  }
  if (value !== null && typeof value === 'object') {
    const source = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(source).sort()) {
      const v = source[key];
      if (v !== undefined) {
        out[key] = sortKeys(v);
      }
    }
    return out;
  }
  if (typeof value === 'bigint') {
    // Money is carried as decimal strings; a stray bigint is a bug, not data.
    throw new TypeError('bigint in canonical JSON: convert amounts to strings first');
  }
  return value;
}

/** Canonical JSON as the bytes written to the ledger. */
export function toBytes(value: unknown): Buffer {
  return Buffer.from(canonicalJson(value), 'utf8');
}

/** Parses ledger bytes written by {@link toBytes}. */
export function fromBytes<T>(bytes: Uint8Array): T {
  // A view, not Buffer.from(bytes) (which copies): every state read comes through here.
  return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')) as T;
}
