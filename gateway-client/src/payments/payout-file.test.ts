import { MAX_BATCH_LINES } from '@fabpay/model';
import { chunkPayout, defaultRunId, PayoutFileError, readPayoutCsv, type PayoutLine } from './payout-file';

const problemsOf = async (text: string, from = 'payroll') => {
  const err = await readPayoutCsv('pay.csv', text, from).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(PayoutFileError);
  return (err as PayoutFileError).problems;
};

describe('payout files', () => {
  it('reads the columns in any order, quoted fields included, with the line each row is on', async () => {
    const text = 'to,paymentId,reference,amount\r\nann,p1,"March, salary",1250\n\nben,p2,,990\n';
    expect(await readPayoutCsv('pay.csv', text, 'payroll')).toEqual([
      { paymentId: 'p1', to: 'ann', amount: '1250', reference: 'March, salary', line: 2 },
      { paymentId: 'p2', to: 'ben', amount: '990', reference: '', line: 4 },
    ]);
  });

  it('reports every bad row with its line number, not just the first', async () => {
    const text = [
      'paymentId,to,amount,reference',
      'p1,ann,100,ok',
      'p 2,ann,1.50,ok',
      'p3,payroll,5,ok',
      'p1,ben,007,ok',
      'p5,ben,5',
      'p6,ben,1000000000000000000000001,tab\there',
      'p7,ben,5,fine',
    ].join('\n');
    expect(await problemsOf(text)).toEqual([
      {
        line: 3,
        message:
          'paymentId "p 2" is not a valid ID; amount "1.50" is not a positive whole number of minor units (at most 10^24)',
      },
      { line: 4, message: 'to is the paying account payroll' },
      {
        line: 5,
        message:
          'amount "007" is not a positive whole number of minor units (at most 10^24); paymentId p1 is also on line 2',
      },
      { line: 6, message: '3 fields, the header has 4' },
      {
        line: 7,
        message:
          'amount "1000000000000000000000001" is not a positive whole number of minor units (at most 10^24); reference must be at most 140 printable ASCII characters',
      },
    ]);
  });

  it('requires the header, exactly the four columns, and at least one line', async () => {
    expect(await problemsOf('')).toEqual([{ line: 1, message: 'empty file (a header is required)' }]);
    expect((await problemsOf('paymentId,to,amount\np1,ann,5\n'))[0]?.message).toMatch(
      /missing: reference; unknown: none/,
    );
    expect((await problemsOf('paymentId,to,amount,reference,memo\n'))[0]?.message).toMatch(/unknown: memo/);
    expect(await problemsOf('paymentId,to,amount,reference\n')).toEqual([
      { line: 1, message: 'no payment lines after the header' },
    ]);
    expect((await problemsOf('paymentId,to,amount,reference\np1,"ann,5,x\n'))[0]?.message).toMatch(
      /^not valid CSV: /,
    );
  });

  it('splits into batches of at most the chunk size with IDs <run>.<n>', () => {
    const lines: PayoutLine[] = Array.from({ length: 1001 }, (_, i) => ({
      paymentId: `p${i}`,
      to: 'ann',
      amount: '2',
      reference: '',
      line: i + 2,
    }));
    const chunks = chunkPayout('run', lines);
    expect(chunks.map((c) => [c.index, c.batchId, c.lines.length, c.total])).toEqual([
      [1, 'run.1', MAX_BATCH_LINES, 1000n],
      [2, 'run.2', MAX_BATCH_LINES, 1000n],
      [3, 'run.3', 1, 2n],
    ]);
    expect(chunkPayout('run', lines, 400).map((c) => c.lines.length)).toEqual([400, 400, 201]);
    expect(() => chunkPayout('run', lines, MAX_BATCH_LINES + 1)).toThrow(RangeError);
    expect(() => chunkPayout('r'.repeat(63), lines)).toThrow(/shorten the run ID/);
  });

  it('derives the default run ID from payer, currency and lines only', () => {
    const lines = [{ paymentId: 'p1', to: 'ann', amount: '5' }];
    const id = defaultRunId('payroll', 'EUR', lines);
    expect(id).toMatch(/^payout-[0-9a-f]{16}$/);
    expect(defaultRunId('payroll', 'EUR', [{ ...lines[0]!, reference: '' }])).toBe(id);
    expect(defaultRunId('payroll', 'USD', lines)).not.toBe(id);
    expect(defaultRunId('payroll', 'EUR', [{ ...lines[0]!, amount: '6' }])).not.toBe(id);
  });
});
