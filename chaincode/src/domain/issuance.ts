import { parseAmount, parseStored } from '../amount';
import { mspOfOwner, requireIssuer, ROLE_ATTRIBUTE } from '../acl';
import { PaymentsContext } from '../context';
import { fail } from '../errors';
import { emit } from '../events';
import { KEY } from '../keys';
import { Account, Issuance, Supply } from '@fabpay/model';
import { loadAccount, requireActive, requireId, writeCredit } from './common';
import { debitFunds } from './shards';

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

/**
 * Authorises an issue or redeem and finds a replay. Order matters: the role
 * and the governance grant for the account's currency are checked before the
 * operation ID is looked up, so nobody without the grant learns anything
 * about another MSP's operations; operation IDs are scoped within the
 * issuing MSP and currency, so no other MSP can claim one.
 */
async function authorise(
  ctx: PaymentsContext,
  kind: Issuance['kind'],
  operationId: string,
  accountId: string,
  amount: bigint,
): Promise<{ account: Account; prior: Issuance | null }> {
  const caller = ctx.caller;
  if (caller.role !== 'issuer') {
    throw fail('FORBIDDEN', `requires ${ROLE_ATTRIBUTE}=issuer`);
  }
  const account = await loadAccount(ctx, accountId);
  requireIssuer(caller, await ctx.governance(), account.currency);
  const existing = await ctx.state.get<Issuance>(KEY.operation, [
    caller.mspId,
    account.currency,
    operationId,
  ]);
  if (!existing) {
    return { account, prior: null };
  }
  if (existing.kind !== kind || existing.accountId !== accountId || existing.amount !== amount.toString()) {
    throw fail('DUPLICATE_OPERATION', `operationId ${operationId} was already used for a different request`);
  }
  return { account, prior: existing };
}

/**
 * Mints into an account (an `issuer` of an MSP granted the account's
 * currency). The credit is a blind write like a payment's, so issuing does
 * not conflict with the account's own debits; the supply record is read and
 * written, so issues and redeems of one currency serialise.
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
  const { account, prior } = await authorise(ctx, 'issue', operationId, accountId, amount);
  if (prior) {
    return prior;
  }
  await requireActive(ctx, account);
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
  await writeCredit(ctx, account, amount, 'issue', [ctx.caller.mspId, operationId]);
  await storeSupply(ctx, account.currency, supply.issued + amount, supply.redeemed);
  await ctx.state.put(KEY.operation, [ctx.caller.mspId, account.currency, operationId], record);
  emit(ctx.stub, 'Issued', record);
  return record;
}

/**
 * Burns from an account's settled available balance. Only an `issuer` of an
 * MSP granted the currency, and only from accounts of its own MSP's
 * customers: an issuer cannot reach into other orgs' customers' accounts;
 * their holders pay the issuer first, who then redeems.
 */
export async function redeem(
  ctx: PaymentsContext,
  operationId: string,
  accountId: string,
  amountText: string,
): Promise<Issuance> {
  requireId(operationId, 'operationId');
  requireId(accountId, 'accountId');
  const amount = parseAmount(amountText);
  const { account, prior } = await authorise(ctx, 'redeem', operationId, accountId, amount);
  if (prior) {
    return prior;
  }
  if (mspOfOwner(account.owner) !== ctx.caller.mspId) {
    throw fail('FORBIDDEN', `an issuer of ${ctx.caller.mspId} may redeem only from its own MSP's accounts`);
  }
  await requireActive(ctx, account);
  const funds = await debitFunds(ctx, account, amount, {
    shortfall: (available) =>
      fail(
        'INSUFFICIENT_FUNDS',
        `account ${accountId} has ${available} settled available, needs ${amount} (fold pending credits first)`,
      ),
  });
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
  await funds.apply();
  await storeSupply(ctx, account.currency, supply.issued, supply.redeemed + amount);
  await ctx.state.put(KEY.operation, [ctx.caller.mspId, account.currency, operationId], record);
  emit(ctx.stub, 'Redeemed', record);
  return record;
}
