/**
 * Endpoint selection (pure). Preference order:
 *   1. state: ready before failing (ejected never);
 *   2. tier: the caller's org (tier 0) before other orgs;
 *   3. strategy: least calls in flight, or plain round robin;
 * and only endpoints with a free slot. Ties rotate so load spreads evenly.
 */
import type { EndpointState } from './health';

export type SelectionStrategy = 'least-in-flight' | 'round-robin';

/** What selection needs to know about an endpoint. */
export interface SelectableEndpoint {
  readonly name: string;
  readonly state: EndpointState;
  readonly tier: number;
  readonly inFlight: number;
  readonly maxInFlight: number;
}

export type Selection =
  | { readonly kind: 'selected'; readonly index: number }
  /** Usable endpoints exist but all are at their in-flight limit: wait. */
  | { readonly kind: 'busy' }
  /** No usable endpoint at all (all ejected, or all excluded and none else). */
  | { readonly kind: 'none' };

/**
 * Picks an endpoint. `exclude` holds endpoints that already failed this
 * request; they are avoided while any other usable endpoint exists, but
 * used as a last resort (a single-peer setup must still retry).
 */
export function selectEndpoint(
  endpoints: readonly SelectableEndpoint[],
  exclude: ReadonlySet<string>,
  strategy: SelectionStrategy,
  rotation: number,
): Selection {
  const usable = endpoints.map((e, index) => ({ e, index })).filter(({ e }) => e.state !== 'ejected');
  if (usable.length === 0) return { kind: 'none' };
  const fresh = usable.filter(({ e }) => !exclude.has(e.name));
  const pool = fresh.length > 0 ? fresh : usable;
  const withRoom = pool.filter(({ e }) => e.inFlight < e.maxInFlight);
  if (withRoom.length === 0) return { kind: 'busy' };
  const n = endpoints.length;
  // Rotated position makes ties break differently on each call.
  const rotated = (i: number) => (((i - rotation) % n) + n) % n;
  const stateRank = (s: EndpointState) => (s === 'ready' ? 0 : 1);
  withRoom.sort((a, b) => {
    const byState = stateRank(a.e.state) - stateRank(b.e.state);
    if (byState !== 0) return byState;
    const byTier = a.e.tier - b.e.tier;
    if (byTier !== 0) return byTier;
    if (strategy === 'least-in-flight') {
      const byLoad = a.e.inFlight - b.e.inFlight;
      if (byLoad !== 0) return byLoad;
    }
    return rotated(a.index) - rotated(b.index);
  });
  const best = withRoom[0];
  return best ? { kind: 'selected', index: best.index } : { kind: 'busy' };
}
