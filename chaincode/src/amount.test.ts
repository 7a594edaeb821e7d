import {
  MAX_AMOUNT,
  parseAmount,
  parseAmountOrZero,
  parseOptionalAmount,
  parseStored,
  AMOUNT_PATTERN,
} from './amount';

describe('parseAmount', () => {
  test.each(['1', '5', '100', '999999', MAX_AMOUNT.toString()])('accepts %p', (s) => {
    expect(parseAmount(s)).toBe(BigInt(s));
  });

  test.each([
    '',
    '-5',
    '0',
    '1.5',
    '0x10',
    '1e3',
    '007',
    ' 5',
    '5 ',
    '+5',
    '1_000',
    '１',
    (MAX_AMOUNT + 1n).toString(),
    '9'.repeat(26),
    'NaN',
    'Infinity',
  ])('rejects %p with INVALID_AMOUNT', (s) => {
    expect(() => parseAmount(s)).toThrow(/^INVALID_AMOUNT: /);
  });

  test.each([5, 5n, null, undefined, {}, ['5'], true])('rejects the non-string %p', (v) => {
    expect(() => parseAmount(v)).toThrow(/^INVALID_AMOUNT: /);
  });

  test('the schema pattern agrees with the parser on the documented cases', () => {
    const re = new RegExp(AMOUNT_PATTERN);
    for (const bad of ['', '-5', '0', '1.5', '0x10', '1e3', '007', ' 5']) {
      expect(re.test(bad)).toBe(false);
    }
    expect(re.test('5')).toBe(true);
  });

  test('variants: zero allowed for allowances, empty for "no limit"', () => {
    expect(parseAmountOrZero('0')).toBe(0n);
    expect(() => parseAmountOrZero('00')).toThrow(/^INVALID_AMOUNT/);
    expect(parseOptionalAmount('')).toBeNull();
    expect(parseOptionalAmount('7')).toBe(7n);
    expect(() => parseOptionalAmount('0')).toThrow(/^INVALID_AMOUNT/);
  });

  test('stored balances may be zero but must be canonical', () => {
    expect(parseStored('0')).toBe(0n);
    expect(() => parseStored('-1')).toThrow(/corrupt/);
  });
});
