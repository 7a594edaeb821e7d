import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PAYMENT_ERROR_CODES } from './errors';

/**
 * The client restates the chaincode's error codes so that it does not depend on the chaincode
 * package (and fabric-shim). The chaincode's list is the source of truth; this test fails when the
 * two drift apart.
 */
describe('payment error codes', () => {
  it('are exactly the codes the chaincode documents, in the same order', () => {
    const source = readFileSync(
      path.join(__dirname, '..', '..', '..', 'chaincode', 'src', 'errors.ts'),
      'utf8',
    );
    const list = /export const ERROR_CODES = \[([\s\S]*?)\] as const;/.exec(source)?.[1];
    expect(list).toBeDefined();
    const chaincodeCodes = [...list!.matchAll(/'([A-Z_]+)'/g)].map((m) => m[1]);
    expect([...PAYMENT_ERROR_CODES]).toEqual(chaincodeCodes);
  });
});
