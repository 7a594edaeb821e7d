import { selectEndpoint, type SelectableEndpoint } from './selection';

const ep = (name: string, over: Partial<SelectableEndpoint> = {}): SelectableEndpoint => ({
  name,
  state: 'ready',
  tier: 0,
  inFlight: 0,
  maxInFlight: 10,
  ...over,
});
const pick = (
  eps: SelectableEndpoint[],
  exclude: string[] = [],
  strategy: 'least-in-flight' | 'round-robin' = 'least-in-flight',
  rotation = 0,
) => {
  const s = selectEndpoint(eps, new Set(exclude), strategy, rotation);
  return s.kind === 'selected' ? eps[s.index]?.name : s.kind;
};

describe('selectEndpoint', () => {
  it('prefers the least loaded ready endpoint', () => {
    expect(pick([ep('a', { inFlight: 3 }), ep('b', { inFlight: 1 }), ep('c', { inFlight: 2 })])).toBe('b');
  });

  it('round robin rotates through endpoints with room', () => {
    const eps = [ep('a'), ep('b'), ep('c')];
    expect([0, 1, 2, 3].map((r) => pick(eps, [], 'round-robin', r))).toEqual(['a', 'b', 'c', 'a']);
  });

  it('prefers ready over failing, own org over other orgs, and never picks ejected', () => {
    expect(pick([ep('a', { state: 'failing' }), ep('b', { inFlight: 5 })])).toBe('b');
    expect(pick([ep('other', { tier: 1 }), ep('own', { inFlight: 5 })])).toBe('own');
    expect(pick([ep('own', { inFlight: 10 }), ep('other', { tier: 1 })])).toBe('other');
    expect(pick([ep('a', { state: 'ejected' }), ep('b', { state: 'failing' })])).toBe('b');
    expect(pick([ep('a', { state: 'ejected' })])).toBe('none');
  });

  it('reports busy when usable endpoints are all full', () => {
    expect(pick([ep('a', { inFlight: 10 }), ep('b', { inFlight: 10 })])).toBe('busy');
  });

  it('avoids excluded endpoints but falls back to them when nothing else is usable', () => {
    expect(pick([ep('a'), ep('b', { inFlight: 4 })], ['a'])).toBe('b');
    expect(pick([ep('a'), ep('b', { state: 'ejected' })], ['a'])).toBe('a');
    // Excluded alternatives exist but are full: wait rather than reuse the failed one.
    expect(pick([ep('a'), ep('b', { inFlight: 10 })], ['a'])).toBe('busy');
  });
});
