import { parseBatchSizes, parseBenchArgs } from './args';

describe('bench arguments: sharded payer rows', () => {
  it('defaults to payouts of 1, 10, 100 and 500 lines and a hot payer of 64 shards, 100 in flight', () => {
    const a = parseBenchArgs([], {});
    expect(a.payouts).toEqual({ batchSizes: [1, 10, 100, 500], lines: 3000, shards: 8, inFlight: 8 });
    expect(a.hotPayer).toEqual({ payments: a.payments, shards: 64, inFlight: 100 });
    expect(a.portBase).toBe(19000);
  });

  it('takes every flag', () => {
    const a = parseBenchArgs(
      [
        '--payout-batches',
        '100,max',
        '--payout-lines',
        '400',
        '--payout-shards',
        '16',
        '--payout-in-flight',
        '4',
        '--hot-payer-payments',
        '0',
        '--hot-payer-shards',
        '32',
        '--hot-payer-in-flight',
        '50',
      ],
      { FABPAY_BENCH_PORT_BASE: '20000' },
    );
    expect(a.payouts).toEqual({ batchSizes: [100, 500], lines: 400, shards: 16, inFlight: 4 });
    expect(a.hotPayer).toEqual({ payments: 0, shards: 32, inFlight: 50 });
    expect(a.portBase).toBe(20000);
  });

  it('refuses bad values with the flag and the allowed range', () => {
    expect(() => parseBenchArgs(['--payout-shards', '65'], {})).toThrow(
      /--payout-shards: expected a whole number from 1 to 64, got "65"/,
    );
    expect(() => parseBenchArgs(['--hot-payer-shards', '0'], {})).toThrow(/--hot-payer-shards/);
    expect(() => parseBenchArgs(['--payout-in-flight', '1.5'], {})).toThrow(/--payout-in-flight/);
    expect(() => parseBenchArgs(['--payout-lines', ''], {})).toThrow(/--payout-lines/);
    expect(() => parseBenchArgs(['--hot-payer-payments', '-1'], {})).toThrow(/--hot-payer-payments/);
    expect(() => parseBenchArgs([], { FABPAY_BENCH_PORT_BASE: '19000x' })).toThrow(/FABPAY_BENCH_PORT_BASE/);
  });
});

describe('parseBatchSizes', () => {
  it('reads sizes, max and none', () => {
    expect(parseBatchSizes('1, 10,max')).toEqual([1, 10, 500]);
    expect(parseBatchSizes('none')).toEqual([]);
  });

  it('refuses sizes outside 1..500, junk and repeats', () => {
    for (const bad of ['0', '501', '1,,2', 'ten', '2.5'])
      expect(() => parseBatchSizes(bad)).toThrow(/--payout-batches/);
    expect(() => parseBatchSizes('500,max')).toThrow(/repeats a size/);
  });
});
