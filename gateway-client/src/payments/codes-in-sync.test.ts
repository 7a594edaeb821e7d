import { readFileSync } from 'node:fs';
import path from 'node:path';
import { captureCreditId, issueCreditId, PAYMENT_EVENT_NAMES, paymentCreditId, refundCreditId } from './api';
import { PAYMENT_ERROR_CODES, paymentErrorCategory } from './errors';

/**
 * The client restates a few facts of the chaincode's protocol (its error codes, event names and
 * credit ID format) so that it does not depend on the chaincode package, and with it on
 * fabric-shim (see errors.ts). The chaincode's sources are the truth; these tests load them (the
 * modules involved import nothing) and fail when the client's copy drifts in any way.
 */
const chaincodeSrc = path.join(__dirname, '..', '..', '..', 'chaincode', 'src');

/** A leaf module of the chaincode's sources (compiled by jest's transform, like this test). */
function chaincodeModule<T>(file: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(chaincodeSrc, file)) as T;
}

describe('the client’s copy of the chaincode protocol', () => {
  it('has exactly the chaincode’s error codes, in the same order', () => {
    const { ERROR_CODES } = chaincodeModule<{ ERROR_CODES: readonly string[] }>('errors.ts');
    expect([...PAYMENT_ERROR_CODES]).toEqual([...ERROR_CODES]);
  });

  it('gives every code a category and documents it in the README’s error table', () => {
    const readme = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('| Class'), readme.indexOf('**Identity store.**'));
    const missing = PAYMENT_ERROR_CODES.filter((code) => !new RegExp(`\\b${code}\\b`).test(table));
    expect(missing).toEqual([]);
    for (const code of PAYMENT_ERROR_CODES) {
      const row = table.split('\n').find((line) => new RegExp(`\\b${code}\\b`).test(line));
      expect({ code, row: row?.split('|')[2]?.trim() }).toEqual({ code, row: paymentErrorCategory(code) });
    }
  });

  it('decodes exactly the chaincode’s events', () => {
    const source = readFileSync(path.join(chaincodeSrc, 'events.ts'), 'utf8');
    const body = /export interface EventPayloads \{([\s\S]*?)\n\}/.exec(source)?.[1];
    expect(body).toBeDefined();
    const names = [...body!.matchAll(/^\s*([A-Za-z]+):/gm)].map((m) => m[1]);
    expect([...PAYMENT_EVENT_NAMES].sort()).toEqual(names.sort());
  });

  it('builds credit IDs as the chaincode names them', () => {
    const { creditIdOf } = chaincodeModule<{
      creditIdOf: (source: 'payment' | 'refund' | 'capture' | 'issue', scope: [string, string]) => string;
    }>('keys.ts');
    expect(paymentCreditId('acct-1', 'pay-1')).toBe(creditIdOf('payment', ['acct-1', 'pay-1']));
    expect(refundCreditId('pay-1', 'r-1')).toBe(creditIdOf('refund', ['pay-1', 'r-1']));
    expect(captureCreditId('acct-1', 'h-1')).toBe(creditIdOf('capture', ['acct-1', 'h-1']));
    expect(issueCreditId('Org1MSP', 'op-1')).toBe(creditIdOf('issue', ['Org1MSP', 'op-1']));
  });
});
