/**
 * The payment workloads: who pays whom. Accounts are set up once (see setup.ts) and shared by
 * every client configuration; payment IDs are unique per run, configuration and workload.
 */

export type WorkloadName = 'uniform' | 'hot' | 'fanout';
export const WORKLOADS: readonly WorkloadName[] = ['uniform', 'hot', 'fanout'];

export interface Accounts {
  currency: string;
  /** Payers (and, for uniform and fan-out, payees). */
  payers: readonly string[];
  /** The hot merchant every payer pays in the `hot` workload. */
  merchant: string;
  /** The one payer of the `fanout` workload. */
  fanoutPayer: string;
}

export interface PaymentSpec {
  paymentId: string;
  from: string;
  to: string;
  amount: string;
  currency: string;
}

export interface Workload {
  name: WorkloadName;
  description: string;
  /** The i-th payment of this workload for a run tagged `tag`. */
  payment(i: number): PaymentSpec;
}

/** xorshift32: a seeded random source, so every configuration sees the same payer sequence. */
export function seededRandom(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x1_0000_0000;
  };
}

export function makeWorkload(name: WorkloadName, accounts: Accounts, tag: string, seed = 42): Workload {
  const random = seededRandom(seed);
  const n = accounts.payers.length;
  const pick = (): number => Math.floor(random() * n);
  const spec = (i: number, from: string, to: string): PaymentSpec => ({
    paymentId: `${tag}-${i}`,
    from,
    to,
    amount: '1',
    currency: accounts.currency,
  });
  switch (name) {
    case 'uniform':
      return {
        name,
        description: `random payer to random payee among ${n} accounts`,
        payment: (i) => {
          const from = pick();
          let to = pick();
          if (to === from) to = (to + 1) % n;
          return spec(i, accounts.payers[from]!, accounts.payers[to]!);
        },
      };
    case 'hot':
      return {
        name,
        description: `random payer among ${n} accounts to one merchant`,
        payment: (i) => spec(i, accounts.payers[pick()]!, accounts.merchant),
      };
    case 'fanout':
      return {
        name,
        description: `one payer to ${n} payees in turn`,
        payment: (i) => spec(i, accounts.fanoutPayer, accounts.payers[i % n]!),
      };
  }
}
