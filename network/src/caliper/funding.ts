/**
 * Pre-funding of a Caliper workspace's accounts, before Caliper runs and outside its measured
 * rounds: each account is opened by its owner, an issuer of the currency issues money into it and
 * the owner folds the issue's credit into the settled balance (`pay` spends settled money only).
 *
 * Through the `peer` CLI with the topology's identities, as the sample flow and governance steps
 * do, because funding needs identities no single workspace has: an org without an issuer (Org2 in
 * the default topology) is funded by another org's issuer that governance grants the currency.
 * Idempotent: accounts that exist are not reopened and accounts holding at least `minimum` are not
 * topped up, so a second run only checks balances.
 */
import { issueCreditId, type Balance } from '@fabpay/model';
import { ChaincodeCallError, evaluate, orgUser, submit } from '../chaincode/calls';
import type { NetworkContext } from '../context';
import { requireGovernance } from '../governance/ledger';
import type { CaliperWorkspace } from './workspace';

/** How much money the benchmark accounts hold. Integer minor units as decimal strings. */
export interface FundingSettings {
  currency: string;
  /** Issued into an account whose settled balance is below `minimum`. */
  topUp: string;
  minimum: string;
  /** Concurrent peer CLI calls for opens, balance checks and folds (issues run one at a time). */
  concurrency: number;
}

/** 10,000.00 per account, topped up below 100.00: thousands of 1-unit payments per run. */
export const DEFAULT_FUNDING: FundingSettings = {
  currency: 'EUR',
  topUp: '1000000',
  minimum: '10000',
  concurrency: 4,
};

/** What the funding step did. */
export interface FundingResult {
  org: string;
  issuer: string;
  opened: string[];
  funded: string[];
  alreadyFunded: string[];
  seconds: number;
}

/** Funding is impossible with this topology or governance (no issuer, wrong currency). */
export class CaliperFundingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CaliperFundingError';
  }
}

/** Runs `fn` over `items` with at most `limit` at once; rejects with the first failure. */
async function eachLimited<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  });
  await Promise.all(lanes);
}

/**
 * A topology user who may issue `currency`: attribute `payments.role=issuer` in an org that
 * governance grants the currency (the attribute alone grants nothing).
 */
export async function caliperIssuer(
  ctx: NetworkContext,
  currency: string,
): Promise<{ org: string; mspId: string; user: string }> {
  const governance = await requireGovernance(ctx);
  const granted = governance.issuers[currency] ?? [];
  for (const org of ctx.topology.orgs) {
    if (!granted.includes(org.mspId)) continue;
    const user = org.users.find((u) => u.attributes['payments.role'] === 'issuer');
    if (user) return { org: org.name, mspId: org.mspId, user: user.name };
  }
  throw new CaliperFundingError(
    `no topology user can issue ${currency}: governance grants it to ${granted.join(', ') || 'nobody'}, ` +
      'and such an org needs a user with attribute payments.role: issuer',
  );
}

/** A call retried while the chaincode answers with one of `codes` (a peer a block behind). */
async function retrying<T>(codes: string[], fn: () => Promise<T>, attempts = 10): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof ChaincodeCallError) || !codes.includes(err.code ?? '') || i >= attempts) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/**
 * Opens and funds a workspace's accounts; prints one line per stage. Safe to rerun (see the
 * module comment).
 */
export async function fundCaliperAccounts(
  ctx: NetworkContext,
  ws: CaliperWorkspace,
  settings: FundingSettings = DEFAULT_FUNDING,
): Promise<FundingResult> {
  const started = Date.now();
  const issuer = await caliperIssuer(ctx, settings.currency);
  const issuerCaller = orgUser(ctx, issuer.org, issuer.user);
  const owner = (name: string) => orgUser(ctx, ws.org, name);
  const minimum = BigInt(settings.minimum);

  ctx.progress(`caliper: checking ${ws.accounts.length} accounts of ${ws.org}`);
  const settled = new Map<string, bigint | undefined>();
  await eachLimited(ws.accounts, settings.concurrency, async (a) => {
    try {
      const b = await evaluate<Balance>(ctx, owner(a.owner), 'getBalance', [a.id]);
      if (b.currency !== settings.currency) {
        throw new CaliperFundingError(`account ${a.id} exists in ${b.currency}, not ${settings.currency}`);
      }
      settled.set(a.id, BigInt(b.settled));
    } catch (err) {
      if (!(err instanceof ChaincodeCallError && err.code === 'ACCOUNT_NOT_FOUND')) throw err;
      settled.set(a.id, undefined);
    }
  });

  const missing = ws.accounts.filter((a) => settled.get(a.id) === undefined);
  if (missing.length > 0) ctx.progress(`caliper: opening ${missing.length} accounts`);
  await eachLimited(missing, settings.concurrency, async (a) => {
    await submit(ctx, owner(a.owner), 'openAccount', [a.id, settings.currency, '']);
  });

  const low = ws.accounts.filter((a) => (settled.get(a.id) ?? 0n) < minimum);
  const funded = ws.accounts.filter((a) => !low.includes(a)).map((a) => a.id);
  if (low.length > 0) {
    ctx.progress(
      `caliper: ${issuer.user} (${issuer.org}, issuer) issues ${settings.topUp} minor units of ${settings.currency} into ${low.length} accounts, one at a time`,
    );
  }
  // Every issue reads and writes the currency's supply key: concurrent issues would conflict.
  const run = Date.now().toString(36);
  const credits: { account: (typeof low)[number]; creditId: string }[] = [];
  for (const [i, a] of low.entries()) {
    const operationId = `cal-fund-${run}-${i}`;
    await submit(ctx, issuerCaller, 'issue', [operationId, a.id, settings.topUp]);
    credits.push({ account: a, creditId: issueCreditId(issuer.mspId, operationId) });
  }
  if (credits.length > 0) ctx.progress(`caliper: owners fold ${credits.length} issue credits`);
  // A fold touches only its own account's keys, so folds run side by side; the owner's peer may
  // be a block behind the issuer's right after the last issue.
  await eachLimited(credits, settings.concurrency, async ({ account, creditId }) => {
    await retrying(['CREDIT_NOT_FOUND'], () =>
      submit(ctx, owner(account.owner), 'foldCredits', [account.id, creditId]),
    );
  });
  return {
    org: ws.org,
    issuer: `${issuer.user} (${issuer.org})`,
    opened: missing.map((a) => a.id),
    funded: low.map((a) => a.id),
    alreadyFunded: funded,
    seconds: (Date.now() - started) / 1000,
  };
}
