import { parseAmount, parseStored } from '../amount';
import { requireRole } from '../acl';
import { PaymentsContext } from '../context';
import { canonicalJson } from '../canonical';
import { fail } from '../errors';
import { emit } from '../events';
import { KEY } from '../keys';
import { Issuance, Supply } from '../model';
import { loadAccount, loadBalance, requireActive, requireId, storeBalance, writeCredit } from './common';

async function loadSupply(
  ctx: PaymentsContext,
  currency: string,
): Promise<{ issued: bigint; redeemed: bigint }> {
  const s = await ctx.state.get<Supply>(KEY.supply, [currency]);
  return s
    ? { issued: parseStored(s.issued), redeemed: parseStored(s.redeemed) }
    : { issued: 0n, redeemed: 0n };
}

async function storeSupply(
  ctx: PaymentsContext,
  currency: string,
  issued: bigint,
  redeemed: bigint,
): Promise<void> {
  const s: Supply = {
    currency,
    issued: issued.toString(),
    redeemed: redeemed.toString(),
    outstanding: (issued - redeemed).toString(),
  };
  await ctx.state.put(KEY.supply, [currency], s);
}

/** Idempotency: the stored record for the same request, or DUPLICATE_OPERATION for a different one. */
async function replay(
  ctx: PaymentsContext,
  request: Omit<Issuance, 'at' | 'currency' | 'initiator'>,
): Promise<Issuance | null> {
  const existing = await ctx.state.get<Issuance>(KEY.operation, [request.operationId]);
  if (!existing) {
    return null;
  }
  const same =
    canonicalJson({ a: existing.accountId, k: existing.kind, m: existing.amount }) ===
    canonicalJson({ a: request.accountId, k: request.kind, m: request.amount });
  if (!same) {
    throw fail(
      'DUPLICATE_OPERATION',
      `operationId ${request.operationId} was already used for a different request`,
    );
  }
  return existing;
}

/**
 * Mints into an account. The credit is a blind write like a payment's, so
 * issuing does not conflict with the account's own debits; the supply record
 * is read and written, so issues and redeems of one currency serialise.
 */
export async function issue(
  ctx: PaymentsContext,
  operationId: string,
  accountId: string,
  amountText: string,
): Promise<Issuance> {
  requireId(operationId, 'operationId');
  requireId(accountId, 'accountId');
  const amount = parseAmount(amountText);
  requireRole(ctx.caller, 'issuer');
  const prior = await replay(ctx, { operationId, kind: 'issue', accountId, amount: amount.toString() });
  if (prior) {
    return prior;
  }
  const account = await loadAccount(ctx, accountId);
  requireActive(account);
  const supply = await loadSupply(ctx, account.currency);
  const record: Issuance = {
    operationId,
    kind: 'issue',
    accountId,
    currency: account.currency,
    amount: amount.toString(),
    initiator: ctx.caller.owner,
    at: ctx.now,
  };
  await writeCredit(ctx, account, amount, 'issue', operationId);
  await storeSupply(ctx, account.currency, supply.issued + amount, supply.redeemed);
  await ctx.state.put(KEY.operation, [operationId], record);
  emit(ctx.stub, 'Issued', record);
  return record;
}

/** Burns from an account's settled available balance. */
export async function redeem(
  ctx: PaymentsContext,
  operationId: string,
  accountId: string,
  amountText: string,
): Promise<Issuance> {
  requireId(operationId, 'operationId');
  requireId(accountId, 'accountId');
  const amount = parseAmount(amountText);
  requireRole(ctx.caller, 'issuer');
  const prior = await replay(ctx, { operationId, kind: 'redeem', accountId, amount: amount.toString() });
  if (prior) {
    return prior;
  }
  const account = await loadAccount(ctx, accountId);
  requireActive(account);
  const bal = await loadBalance(ctx, accountId);
  if (bal.available < amount) {
    throw fail(
      'INSUFFICIENT_FUNDS',
      `account ${accountId} has ${bal.available} settled available, needs ${amount} (fold pending credits first)`,
    );
  }
  const supply = await loadSupply(ctx, account.currency);
  const record: Issuance = {
    operationId,
    kind: 'redeem',
    accountId,
    currency: account.currency,
    amount: amount.toString(),
    initiator: ctx.caller.owner,
    at: ctx.now,
  };
  await storeBalance(ctx, accountId, bal.available - amount, bal.held);
  await storeSupply(ctx, account.currency, supply.issued, supply.redeemed + amount);
  await ctx.state.put(KEY.operation, [operationId], record);
  emit(ctx.stub, 'Redeemed', record);
  return record;
}
