import { canonicalJson, fromBytes, toBytes } from './canonical';

describe('canonical JSON', () => {
  test('sorts keys at every depth and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[{"y":2,"z":1}]},"b":1}',
    );
  });

  test('is independent of insertion order', () => {
    expect(canonicalJson({ x: '1', y: '2' })).toBe(canonicalJson({ y: '2', x: '1' }));
  });

  test('refuses bigint (amounts travel as strings)', () => {
    expect(() => canonicalJson({ amount: 5n })).toThrow(/bigint/);
  });

  test('round-trips through bytes', () => {
    expect(fromBytes(toBytes({ b: [1, 'x'], a: null }))).toEqual({ a: null, b: [1, 'x'] });
  });
});
