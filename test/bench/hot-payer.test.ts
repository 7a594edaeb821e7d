import { checkBalance, hotPayerTargets, hotPayerWorkload, type HotPayerSection } from './hot-payer';

const shards = (available: string[], total?: string) => ({
  accountId: 'psp',
  shards: available.length,
  available,
  held: available.map(() => '0'),
  totalAvailable: total ?? String(available.reduce((a, b) => a + BigInt(b), 0n)),
  totalHeld: '0',
});

describe('hot payer', () => {
  it('pays from the one payer to payees among the accounts, IDs unique', () => {
    const w = hotPayerWorkload('psp', ['a', 'b'], 'EUR', 't-h');
    const ps = Array.from({ length: 20 }, (_, i) => w.payment(i));
    expect(new Set(ps.map((p) => p.paymentId)).size).toBe(20);
    for (const p of ps) {
      expect(p.from).toBe('psp');
      expect(['a', 'b']).toContain(p.to);
    }
  });

  it('balance: the shards sum to funded - paid', () => {
    const b = checkBalance(1000n, 300n, shards(['350', '350']));
    expect(b).toMatchObject({ expectedAfter: '700', shardsSum: '700', minShard: '350' });
    expect(b.consistent && b.neverNegative).toBe(true);
  });

  it('balance: a missing or extra debit, a chaincode total that disagrees, a negative shard', () => {
    expect(checkBalance(1000n, 300n, shards(['351', '350'])).consistent).toBe(false);
    expect(checkBalance(1000n, 300n, shards(['350', '350'], '701')).consistent).toBe(false);
    const negative = checkBalance(1000n, 300n, shards(['710', '-10']));
    expect(negative.consistent).toBe(true);
    expect(negative.neverNegative).toBe(false);
  });

  it('targets: no failure to callers and a consistent balance', () => {
    const section = (failures: number, consistent: boolean): HotPayerSection => ({
      payer: { accountId: 'psp', shards: 2, opened: true, issued: '1000', seconds: 1 },
      inFlight: 100,
      label: 'l',
      committedPerSecond: 1,
      shareOfUniform: null,
      uniformCommittedPerSecond: null,
      failuresToCallers: failures,
      balance: { ...checkBalance(1000n, 300n, shards(['350', '350'])), consistent },
    });
    expect(hotPayerTargets(section(0, true))).toEqual({
      hotPayerNoFailureReachesCaller: { value: 0, met: true },
      hotPayerBalanceConsistent: { value: true, met: true },
    });
    expect(hotPayerTargets(section(1, false))).toEqual({
      hotPayerNoFailureReachesCaller: { value: 1, met: false },
      hotPayerBalanceConsistent: { value: false, met: false },
    });
    expect(hotPayerTargets(undefined)).toEqual({
      hotPayerNoFailureReachesCaller: { value: null, met: false },
      hotPayerBalanceConsistent: { value: null, met: false },
    });
  });
});
