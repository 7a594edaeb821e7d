import {
  batchCreditId,
  captureCreditId,
  CREDIT_ID_LIST_PATTERN,
  CREDIT_ID_PATTERN,
  creditIdOf,
  issueCreditId,
  MAX_CREDIT_ID_LENGTH,
  paymentCreditId,
  refundCreditId,
} from './credit-ids';
import { CREDIT_SOURCES } from './credit';
import { isValidId, isValidMspId } from './ids';

const ID = new RegExp(CREDIT_ID_PATTERN);

describe('credit IDs', () => {
  it('names each source by its own prefix and full scope', () => {
    expect([
      paymentCreditId('alice', 'p1'),
      refundCreditId('p1', 'r1'),
      captureCreditId('alice', 'h1'),
      issueCreditId('Org1MSP', 'op1'),
      batchCreditId('alice', 'b1'),
    ]).toEqual(['p:alice:p1', 'r:p1:r1', 'h:alice:h1', 'i:Org1MSP:op1', 'b:alice:b1']);
  });

  it('gives distinct sources distinct IDs for the same scope', () => {
    const ids = CREDIT_SOURCES.map((s) => creditIdOf(s, ['a', 'b']));
    expect(new Set(ids).size).toBe(CREDIT_SOURCES.length);
    for (const id of ids) expect(id).toMatch(ID);
  });

  it('accepts the longest ID and nothing longer or malformed', () => {
    const longest = creditIdOf('payment', ['a'.repeat(64), 'b'.repeat(64)]);
    expect(longest).toHaveLength(MAX_CREDIT_ID_LENGTH);
    expect(longest).toMatch(ID);
    expect(creditIdOf('payment', ['a'.repeat(65), 'b'])).not.toMatch(ID);
    for (const bad of ['x:a:b', 'p:a', 'p:a:b:c', 'p::b', 'p:a b:c']) expect(bad).not.toMatch(ID);
  });

  it('lists 1 to 100 IDs separated by commas', () => {
    const list = new RegExp(CREDIT_ID_LIST_PATTERN);
    const ids = Array.from({ length: 101 }, (_, i) => paymentCreditId('a', `p${i}`));
    expect(ids.slice(0, 100).join(',')).toMatch(list);
    expect(ids.join(',')).not.toMatch(list);
    expect('').not.toMatch(list);
  });
});

describe('IDs', () => {
  it('takes letters, digits, ".", "_" and "-" up to 64 characters, not ":"', () => {
    expect(['a', 'A.b_c-1', '9'.repeat(64)].map(isValidId)).toEqual([true, true, true]);
    expect(['', '-a', 'a:b', 'a,b', 'x'.repeat(65)].map(isValidId)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(['Org1MSP', '1Org', 'Org:1'].map(isValidMspId)).toEqual([true, false, false]);
  });
});
