/**
 * Helpers for the live gateway and end-to-end suites: clients for the topology's identities,
 * bounded polling, conflict-free funding of many payer accounts, concurrent payment runs that
 * record what every caller was told in a history (./history.ts), the history check against the
 * ledger, and node fault/recovery helpers.
 *
 * Everything polls with a timeout that names what it waits for; nothing sleeps for a fixed time.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import {
  FabpayClient,
  issueCreditId,
  paymentCreditId,
  PaymentsClient,
  type Balance,
  type Committed,
  type FabpayClientOptions,
  type Payment,
} from '@fabpay/gateway-client';
import {
  assertHistory,
  classifyError,
  ledgerView,
  summarize,
  type History,
  type HistoryEvent,
  type HistoryReport,
  type PaymentSpec,
} from './history';
import {
  connectionProfileFile,
  crashNode,
  raftLeaders,
  ordererChannelInfo,
  peerCli,
  peerHeight,
  runningPid,
  startNode,
  waitHealthy,
  type NetworkContext,
  type NodeSpec,
} from '@fabpay/network';

// ---------------------------------------------------------------- polling and small utilities

/** Polls `check` until it returns a value other than undefined; fails naming what it waited for. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  { timeoutMs = 60_000, intervalMs = 250 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const why = lastError
        ? ` (last error: ${lastError instanceof Error ? lastError.message : String(lastError)})`
        : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Rejects when `promise` does not settle within `ms`, naming what it waited for. */
export async function within<T>(what: string, ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** A short ID unique to this test run (several runs may share one kept network). */
export function runId(prefix: string): string {
  return `${prefix}${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

/** Runs `fn` over `items` with at most `limit` calls at once; results in input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export const sum = (values: Iterable<bigint>): bigint => {
  let total = 0n;
  for (const v of values) total += v;
  return total;
};

/** Error message (and code, if any) for reports. */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code =
      (err as { code?: unknown; paymentCode?: unknown }).paymentCode ?? (err as { code?: unknown }).code;
    return `${typeof code === 'string' ? `${code} ` : ''}${err.name}: ${err.message}`;
  }
  return String(err);
}

// ---------------------------------------------------------------- clients

export interface Party {
  readonly label: string;
  readonly client: FabpayClient;
  readonly payments: PaymentsClient;
}

/** A pooled client (every peer of the profile, own org first) for a wallet identity. */
export async function openParty(
  ctx: NetworkContext,
  org: string,
  label: string,
  options: Partial<Omit<FabpayClientOptions, 'endpoints' | 'identity' | 'channel'>> & {
    readonly peers?: readonly string[];
    readonly includeOtherOrgs?: boolean;
  } = {},
): Promise<Party> {
  const client = await FabpayClient.fromProfile({
    ...options,
    profile: connectionProfileFile(ctx, org),
    identityStore: ctx.caPaths.org(org).walletDir,
    identityLabel: label,
    channel: ctx.topology.channel.name,
  });
  return { label, client, payments: new PaymentsClient(client, { chaincode: ctx.topology.chaincode.name }) };
}

/** Closes every party's client (afterAll), ignoring ones that were never opened. */
export async function closeParties(...parties: (Party | undefined)[]): Promise<void> {
  await Promise.all(parties.map((p) => p?.client.close({ drainTimeoutMs: 30_000 })));
}

// ---------------------------------------------------------------- accounts and funding

/** Highest block among committed results. */
export const lastBlock = (results: Iterable<{ readonly blockNumber: bigint }>): bigint => {
  let max = 0n;
  for (const r of results) if (r.blockNumber > max) max = r.blockNumber;
  return max;
};

/**
 * Called with the last block of a step before the next step depends on it. A transaction is
 * acknowledged once the client's gateway peer committed it; another peer may commit the block a
 * moment later, and a transaction endorsed there (or a query evaluated there) would not see it yet.
 * Suites pass `(block) => committedEverywhere(ctx, block)`.
 */
export type Barrier = (block: bigint) => Promise<void>;

/** Opens accounts (owned by the caller) concurrently; all must commit. Returns the last block. */
export async function openAccounts(
  owner: Party,
  ids: readonly string[],
  currency: string,
  barrier?: Barrier,
): Promise<bigint> {
  const block = lastBlock(await mapLimit(ids, 500, (id) => owner.payments.openAccount(id, currency)));
  await barrier?.(block);
  return block;
}

/** Number of k in [0, n) with k ≡ r (mod m). */
const residueCount = (n: number, r: number, m: number): bigint =>
  r < n ? BigInt(Math.floor((n - 1 - r) / m) + 1) : 0n;

export interface FundingResult {
  /** Total issued into the accounts. */
  readonly issued: bigint;
  /** Transactions it took (issue, fan-out payments, folds). */
  readonly transactions: number;
  /** Payment IDs of the fan-out payments. */
  readonly paymentIds: string[];
}

/**
 * Gives every account `perAccount` of settled money, conflict-free and in O(log n) rounds:
 * the issuer issues n × perAccount into accounts[0]; then in round s = 1, 2, 4, … every funded
 * account i < s pays account i + s its share (the accounts ≡ i + s mod 2s), spending the credit it
 * received with payWithCredits; finally every account still holding its pending credit folds it.
 * Each round debits each account at most once, so nothing conflicts. Accounts are owned by `owner`.
 */
export async function fundAccounts(
  issuer: Party,
  owner: Party,
  accounts: readonly string[],
  perAccount: bigint,
  currency: string,
  tag: string,
  barrier: Barrier = () => Promise.resolve(),
): Promise<FundingResult> {
  const n = accounts.length;
  const issued = perAccount * BigInt(n);
  const operationId = `${tag}-issue`;
  await barrier((await issuer.payments.issue(operationId, accounts[0]!, issued)).blockNumber);
  let transactions = 1;
  const paymentIds: string[] = [];
  /** The one pending credit each account holds, until spent or folded (folds: by the owner). */
  const pending = new Map<number, string>([[0, issueCreditId(issuer.client.mspId, operationId)]]);
  for (let s = 1; s < n; s *= 2) {
    const round: number[] = [];
    for (let i = 0; i < s && i + s < n; i++) round.push(i);
    const committed = await Promise.all(
      round.map(async (i) => {
        const paymentId = `${tag}-fund-${i}-${i + s}`;
        const credit = pending.get(i);
        const value = perAccount * residueCount(n, i + s, 2 * s);
        const result = await owner.payments.submit<Payment>(
          'payWithCredits',
          paymentId,
          accounts[i]!,
          accounts[i + s]!,
          value.toString(),
          currency,
          'funding',
          credit ?? '',
        );
        pending.delete(i);
        pending.set(i + s, paymentCreditId(accounts[i]!, paymentId));
        paymentIds.push(paymentId);
        return result;
      }),
    );
    await barrier(lastBlock(committed));
    transactions += round.length;
  }
  const folds = await Promise.all(
    [...pending].map(([i, credit]) => owner.payments.foldCredits(accounts[i]!, [credit])),
  );
  await barrier(lastBlock(folds));
  transactions += pending.size;
  return { issued, transactions, paymentIds };
}

// ---------------------------------------------------------------- payment runs

export type { PaymentSpec } from './history';

/**
 * What the caller of one payment was told: committed; failed (the client says it did not commit);
 * or unknown (it cannot say: OUTCOME_UNKNOWN, or an untyped error). See classifyError.
 */
export type PaymentOutcome =
  | { readonly spec: PaymentSpec; readonly status: 'committed'; readonly committed: Committed<Payment> }
  | {
      readonly spec: PaymentSpec;
      readonly status: 'failed' | 'unknown';
      readonly error: unknown;
      readonly transactionId?: string;
    };

/** One payment, recorded in `history`; the outcome is what the caller was told (never throws). */
export async function payOnce(payer: Party, spec: PaymentSpec, history: History): Promise<PaymentOutcome> {
  const op = history.invoke(spec);
  let committed: Committed<Payment>;
  try {
    committed = await payer.payments.pay({ ...spec, amount: spec.amount, reference: 'live test' });
  } catch (error) {
    history.error(op, error);
    const { type, transactionId } = classifyError(error);
    return { spec, status: type, error, ...(transactionId ? { transactionId } : {}) };
  }
  history.ok(op, committed);
  return { spec, status: 'committed', committed };
}

export interface PaymentRun {
  /** Settles with every outcome, bounded by `timeoutMs`. */
  readonly outcomes: Promise<PaymentOutcome[]>;
  /** Payments committed so far. */
  committed(): number;
  /** Resolves once `count` payments have committed. */
  committedAtLeast(count: number, timeoutMs?: number): Promise<void>;
}

/** Starts every payment at once (the client's pool bounds what reaches the peers), recorded in `history`. */
export function startPayments(
  payer: Party,
  specs: readonly PaymentSpec[],
  timeoutMs: number,
  history: History,
): PaymentRun {
  let committed = 0;
  const waiters: { count: number; resolve: () => void }[] = [];
  const all = specs.map((spec) =>
    payOnce(payer, spec, history).then((o) => {
      if (o.status === 'committed') {
        committed++;
        // Wake waiters at once (not on a polling tick), so a fault can be injected right there.
        for (const w of waiters.filter((w) => committed >= w.count)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
      }
      return o;
    }),
  );
  const outcomes = within(`${specs.length} payments to settle`, timeoutMs, Promise.all(all));
  return {
    outcomes,
    committed: () => committed,
    committedAtLeast: (count, waitMs = timeoutMs) =>
      committed >= count
        ? Promise.resolve()
        : within(
            `${count} of ${specs.length} payments to commit`,
            waitMs,
            Promise.race([
              new Promise<void>((resolve) => waiters.push({ count, resolve })),
              outcomes.then(() => {
                throw new Error(
                  `the run ended with ${committed} of ${specs.length} committed, fewer than ${count}`,
                );
              }),
            ]),
          ),
  };
}

/** Retries the client needed so far, by stage and reason (its Prometheus counter). */
export async function retryCounts(party: Party): Promise<Record<string, number>> {
  const metric = await party.client.metrics.retries.get();
  return Object.fromEntries(
    metric.values.map((v) => [`${String(v.labels.stage)}/${String(v.labels.reason)}`, v.value]),
  );
}

/** Last block any of the committed outcomes landed in. */
export const lastOutcomeBlock = (outcomes: readonly PaymentOutcome[]): bigint =>
  lastBlock(outcomes.flatMap((o) => (o.status === 'committed' ? [o.committed] : [])));

/**
 * Resubmits the payments whose caller was told they failed or did not learn the outcome (what a
 * real caller does with an idempotent payment ID), until each has committed or `attempts` are used
 * up. Every resubmission is a new operation of `history`: the first report stays on record, so a
 * payment that committed although its caller was told it failed still fails the history check.
 */
export async function settleFailures(
  payer: Party,
  outcomes: readonly PaymentOutcome[],
  history: History,
  attempts = 3,
): Promise<PaymentOutcome[]> {
  let current = [...outcomes];
  for (let a = 0; a < attempts && current.some((o) => o.status !== 'committed'); a++) {
    current = await Promise.all(
      current.map((o) => (o.status === 'committed' ? o : payOnce(payer, o.spec, history))),
    );
  }
  return current;
}

/** Holdings (available + held) of accounts, by ID: the balance window of a history check. */
export async function holdingsOf(reader: Party, ids: readonly string[]): Promise<Map<string, bigint>> {
  const balances = await balancesOf(reader, ids);
  return new Map(ids.map((id) => [id, holdings(balances.get(id)!)]));
}

/**
 * Waits until every running peer has every block any running peer has, so that reads through any
 * peer see all that committed (the history check reads only once the run has settled).
 */
export async function settledEverywhere(ctx: NetworkContext, timeoutMs = 60_000): Promise<void> {
  const channel = ctx.topology.channel.name;
  const running = ctx.peers.filter((p) => runningPid(p.process) !== undefined);
  const heights = await Promise.all(running.map((p) => ledgerHeight(p, channel)));
  const top = Math.max(0, ...heights.map((h) => h ?? 0));
  if (top > 0) await committedEverywhere(ctx, BigInt(top - 1), timeoutMs);
}

/**
 * The history check (./history.ts) of a settled run: every ok payment on the ledger as asked, no
 * failed payment on it, every unknown resolved, each account's holdings changed by exactly what
 * the committed payments move since `before` (the holdings of every account the payments touch,
 * read before the first of them), and every currency conserved. Fails the test otherwise.
 */
export async function expectHistory(
  ctx: NetworkContext,
  reader: Party,
  history: History | readonly HistoryEvent[],
  before: ReadonlyMap<string, bigint>,
  label = 'history',
): Promise<HistoryReport> {
  await settledEverywhere(ctx);
  const after = await holdingsOf(reader, [...before.keys()]);
  const report = await assertHistory(history, ledgerView(reader.payments, reader.client), {
    balances: { before, after },
  });
  process.stderr.write(`[${label}] ${summarize(report)}\n`);
  return report;
}

/** Balances of accounts, by ID. */
export async function balancesOf(reader: Party, ids: readonly string[]): Promise<Map<string, Balance>> {
  const found = await mapLimit(ids, 200, (id) => reader.payments.getBalance(id));
  return new Map(ids.map((id, i) => [id, found[i]!]));
}

/** available + held, the money an account holds (available already includes pending credits). */
export const holdings = (b: Balance): bigint => BigInt(b.available) + BigInt(b.held);

// ---------------------------------------------------------------- network helpers

/** Heights of every peer (undefined for one that does not answer). */
export function peerHeights(
  ctx: NetworkContext,
  peers: readonly NodeSpec[] = ctx.peers,
): Promise<(number | undefined)[]> {
  return Promise.all(peers.map((p) => peerHeight(ctx, p)));
}

/** A peer's ledger height from its operations endpoint (Prometheus `ledger_blockchain_height`). */
export function ledgerHeight(peer: NodeSpec, channel: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = http.get(
      { host: peer.address, port: peer.operations, path: '/metrics', timeout: 2_000 },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => {
          const m = new RegExp(`^ledger_blockchain_height\\{channel="${channel}"\\} (\\d+)`, 'm').exec(body);
          resolve(m ? Number(m[1]) : undefined);
        });
        res.on('error', () => resolve(undefined));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}

/**
 * Waits until every running peer has committed `block` (its height is above it), so that the
 * next transaction or query sees it whichever peer endorses or evaluates it.
 */
export async function committedEverywhere(
  ctx: NetworkContext,
  block: bigint,
  timeoutMs = 60_000,
): Promise<void> {
  const channel = ctx.topology.channel.name;
  await eventually(
    `every running peer to commit block ${block}`,
    async () => {
      const running = ctx.peers.filter((p) => runningPid(p.process) !== undefined);
      const heights = await Promise.all(running.map((p) => ledgerHeight(p, channel)));
      return heights.every((h) => h !== undefined && BigInt(h) > block) ? true : undefined;
    },
    { timeoutMs, intervalMs: 50 },
  );
}

/** Waits until every peer reports the same height, and returns it. */
export function sameHeightEverywhere(ctx: NetworkContext, timeoutMs = 90_000): Promise<number> {
  return eventually(
    'every peer to report the same channel height',
    async () => {
      const hs = await peerHeights(ctx);
      return hs.every((h) => h !== undefined && h === hs[0]) ? hs[0] : undefined;
    },
    { timeoutMs, intervalMs: 500 },
  );
}

/** Waits for exactly one Raft leader among `orderers` and returns its node. */
export async function raftLeader(
  ctx: NetworkContext,
  orderers: readonly NodeSpec[] = ctx.orderers,
  timeoutMs = 60_000,
): Promise<NodeSpec> {
  const host = await eventually(
    `exactly one Raft leader among ${orderers.map((o) => o.host).join(', ')}`,
    async () => {
      const l = await raftLeaders(ctx, orderers);
      return l.length === 1 ? l[0] : undefined;
    },
    { timeoutMs, intervalMs: 250 },
  );
  return orderers.find((o) => o.host === host)!;
}

/** SIGKILLs a node and checks that it is gone. */
export async function kill(node: NodeSpec): Promise<number> {
  const pid = await crashNode(node);
  if (pid === undefined) throw new Error(`${node.host} was not running, nothing to kill`);
  await eventually(
    `${node.host} (pid ${pid}) to exit`,
    () => (runningPid(node.process) === undefined ? true : undefined),
    {
      timeoutMs: 15_000,
      intervalMs: 50,
    },
  );
  return pid;
}

/** Restarts a node (if it is not running) and waits for its /healthz. */
export async function restart(ctx: NetworkContext, node: NodeSpec): Promise<void> {
  await startNode(ctx, node);
  await waitHealthy(node, 90_000);
}

/** Waits until an orderer's channel height is at least `height`. */
export function ordererCaughtUp(
  ctx: NetworkContext,
  orderer: NodeSpec,
  height: number,
  timeoutMs = 90_000,
): Promise<number> {
  return eventually(
    `${orderer.host} to catch up to channel height ${height}`,
    async () => {
      const info = await ordererChannelInfo(orderer, ctx.topology.channel.name);
      return info && info.height >= height ? info.height : undefined;
    },
    { timeoutMs, intervalMs: 500 },
  );
}

/**
 * Leaves the shared network as later suites expect it: every orderer and peer running and
 * healthy, and every peer at the same height. For afterAll, after a fault test.
 */
export async function healNetwork(ctx: NetworkContext): Promise<void> {
  for (const node of ctx.nodes) {
    if (runningPid(node.process) === undefined) await restart(ctx, node);
  }
  await sameHeightEverywhere(ctx);
}

/** Queries the chaincode on exactly one peer with the peer CLI (as that org's admin; no gateway). */
export async function queryOnPeer<T>(
  ctx: NetworkContext,
  peer: NodeSpec,
  fn: string,
  ...args: string[]
): Promise<T> {
  const res = await peerCli(ctx.layout, ctx.caPaths.org(peer.org), peer, [
    'chaincode',
    'query',
    '-C',
    ctx.topology.channel.name,
    '-n',
    ctx.topology.chaincode.name,
    '-c',
    JSON.stringify({ Args: [fn, ...args] }),
  ]);
  return JSON.parse(res.stdout) as T;
}
