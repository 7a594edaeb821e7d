import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ERROR_CODES } from '@fabpay/model';
import { ChaincodeError } from '../errors';
import { PaymentsError, paymentErrorCategory, toPaymentsError } from './errors';

/** The README's table of error classes, categories and codes. */
function readmeErrorTable(): string {
  const readme = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  return readme.slice(readme.indexOf('| Class'), readme.indexOf('**Identity store.**'));
}

describe('payments errors over @fabpay/model’s codes', () => {
  it('maps every model code to its own category’s class, keeping code and message', () => {
    for (const code of ERROR_CODES) {
      const mapped = toPaymentsError(new ChaincodeError(code, 'detail', 'tx1'));
      expect(mapped).toBeInstanceOf(PaymentsError);
      const { paymentCode, category, chaincodeMessage, transactionId } = mapped as PaymentsError;
      expect({ paymentCode, category, chaincodeMessage, transactionId }).toEqual({
        paymentCode: code,
        category: paymentErrorCategory(code),
        chaincodeMessage: 'detail',
        transactionId: 'tx1',
      });
    }
  });

  it('documents every code in the README’s error table, in the row of its category', () => {
    const table = readmeErrorTable();
    const missing = ERROR_CODES.filter((code) => !new RegExp(`\\b${code}\\b`).test(table));
    expect(missing).toEqual([]);
    for (const code of ERROR_CODES) {
      const row = table.split('\n').find((line) => new RegExp(`\\b${code}\\b`).test(line));
      expect({ code, row: row?.split('|')[2]?.trim() }).toEqual({ code, row: paymentErrorCategory(code) });
    }
  });
});
