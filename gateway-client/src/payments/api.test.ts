import { FakeLedger } from '../testing/fake-gateway';
import { eventually, startHarness, type Harness } from '../testing/harness';
import {
  captureCreditId,
  governanceTermsJson,
  issueCreditId,
  paymentCreditId,
  PaymentsClient,
  refundCreditId,
} from './api';
import {
  AllowanceMismatchError,
  ClockSkewError,
  DuplicateIdError,
  InsufficientFundsError,
  PAYMENT_ERROR_CODES,
  PaymentInternalError,
  PaymentNotFoundError,
  PaymentsError,
  PaymentStateError,
  PaymentValidationError,
  toPaymentsError,
} from './errors';
import { ChaincodeError } from '../errors';
import type { Governance, GovernanceTerms, PaymentEvent } from './types';

const TERMS: GovernanceTerms = {
  members: ['Org1MSP', 'Org2MSP'],
  issuers: { EUR: ['Org1MSP'], USD: ['Org1MSP'] },
  compliance: { Org1MSP: ['Org1MSP'], Org2MSP: ['Org2MSP'] },
  maxClockSkewSeconds: 60,
  maxHoldSeconds: 604800,
  custody: true,
};

/** An echoing ledger that records calls: every transaction returns `{fn, args}`. */
function echo(calls: { fn: string; args: string[] }[]) {
  return new FakeLedger((fn, args) => {
    calls.push({ fn, args });
    return JSON.stringify({ fn, args });
  });
}

/**
 * Allowances with the chaincode's compare-and-set. `interfere` runs before each approve is
 * judged, standing in for another transaction that committed between the read and the write.
 */
function allowanceLedger(
  calls: { fn: string; args: string[] }[],
  interfere: (state: Map<string, bigint>) => void,
) {
  const state = new Map<string, bigint>();
  return {
    state,
    ledger: new FakeLedger((fn, args) => {
      calls.push({ fn, args });
      const [accountId, spender, expected, amount] = args as [string, string, string, string];
      const key = `${accountId}/${spender}`;
      if (fn === 'getAllowance')
        return JSON.stringify({ accountId, spender, amount: String(state.get(key) ?? 0n) });
      if (fn !== 'approve') throw new Error(`SOMETHING_NEW: ${fn}`);
      interfere(state);
      const current = state.get(key) ?? 0n;
      if (BigInt(expected) !== current)
        throw new Error(`ALLOWANCE_MISMATCH: allowance is ${current}, not ${expected}`);
      state.set(key, BigInt(amount));
      return JSON.stringify({ accountId, spender, amount });
    }),
  };
}

jest.setTimeout(30_000);

/** A tiny stand-in for the payments chaincode: records calls, answers like the real one. */
function fakePayments(calls: { fn: string; args: string[] }[]) {
  return new FakeLedger((fn, args) => {
    calls.push({ fn, args });
    switch (fn) {
      case 'pay': {
        const [paymentId, from, to, amount, currency, reference] = args;
        if (args.length !== 6)
          throw new Error(`Expected 6 parameters, but ${args.length} have been supplied`);
        if (BigInt(amount ?? '0') > 100n) throw new Error(`INSUFFICIENT_FUNDS: ${from} has 100 ${currency}`);
        return JSON.stringify({ paymentId, from, to, amount, currency, reference, status: 'settled' });
      }
      case 'payWithCredits': {
        const [paymentId, from, to, amount, currency, reference] = args;
        return JSON.stringify({ paymentId, from, to, amount, currency, reference, status: 'settled' });
      }
      case 'issue':
        throw new Error('DUPLICATE_OPERATION: op-1 already used for a different request');
      case 'getBalance':
        return JSON.stringify({
          accountId: args[0],
          currency: 'EUR',
          available: '100',
          held: '0',
          pending: '0',
          pendingCount: 0,
          settled: '100',
        });
      case 'conservationReport':
        return JSON.stringify({
          items: [{ currency: 'EUR', total: '100', outstanding: '100', balanced: true }],
        });
      default:
        throw new Error(`SOMETHING_NEW: ${fn} not in this fake`);
    }
  });
}

describe('PaymentsClient', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('maps calls to chaincode transactions and parses typed results', async () => {
    const calls: { fn: string; args: string[] }[] = [];
    h = await startHarness(1, {}, fakePayments(calls));
    const payments = new PaymentsClient(h.client);
    const paid = await payments.pay({
      paymentId: 'p1',
      from: 'alice',
      to: 'bob',
      amount: 25n,
      currency: 'EUR',
    });
    expect(paid.value).toMatchObject({ paymentId: 'p1', amount: '25', reference: '', status: 'settled' });
    expect(paid.transactionId).toMatch(/^[0-9a-f]{64}$/);
    expect(calls[0]).toEqual({ fn: 'pay', args: ['p1', 'alice', 'bob', '25', 'EUR', ''] });
    await payments.payWithCredits({
      paymentId: 'p3',
      from: 'bob',
      to: 'alice',
      amount: '5',
      currency: 'EUR',
      creditIds: [paymentCreditId('alice', 'p1'), issueCreditId('Org1MSP', 'op-7')],
    });
    expect(calls[1]).toEqual({
      fn: 'payWithCredits',
      args: ['p3', 'bob', 'alice', '5', 'EUR', '', 'p:alice:p1,i:Org1MSP:op-7'],
    });
    expect((await payments.getBalance('alice')).available).toBe('100');
    expect((await payments.conservationReport())[0]?.balanced).toBe(true);
  });

  it('turns chaincode rejections into typed payments errors', async () => {
    h = await startHarness(1, {}, fakePayments([]));
    const payments = new PaymentsClient(h.client);
    const funds = await payments
      .pay({ paymentId: 'p2', from: 'alice', to: 'bob', amount: '1000', currency: 'EUR' })
      .catch((e: unknown) => e);
    expect(funds).toBeInstanceOf(InsufficientFundsError);
    expect(funds).toMatchObject({
      paymentCode: 'INSUFFICIENT_FUNDS',
      category: 'funds',
      code: 'CHAINCODE_ERROR',
    });
    const dup = await payments.issue('op-1', 'alice', '5').catch((e: unknown) => e);
    expect(dup).toBeInstanceOf(DuplicateIdError);
    const count = await payments.submit('pay', 'only-one-arg').catch((e: unknown) => e);
    expect(count).toBeInstanceOf(PaymentValidationError);
    expect(count).toMatchObject({ paymentCode: 'INVALID_ARGUMENT' });
    const unknown = await payments.getHold('alice', 'h1').catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(PaymentsError);
    expect(unknown).toMatchObject({ paymentCode: 'SOMETHING_NEW', category: 'unknown' });
  });

  it('has a typed error class for every documented code', () => {
    for (const code of PAYMENT_ERROR_CODES) {
      const mapped = toPaymentsError(new ChaincodeError(code, 'x'));
      expect(mapped).toBeInstanceOf(PaymentsError);
      // Only INTERNAL (a chaincode failure) has no category a caller could act on.
      expect({ code, unknown: (mapped as PaymentsError).category === 'unknown' }).toEqual({
        code,
        unknown: code === 'INTERNAL',
      });
    }
  });

  it('maps the governance-era codes to their categories and classes', () => {
    const map = (code: string) => toPaymentsError(new ChaincodeError(code, 'x', 'tx1')) as PaymentsError;
    expect(map('CLOCK_SKEW')).toBeInstanceOf(ClockSkewError);
    expect(map('CLOCK_SKEW')).toMatchObject({ category: 'clock', transactionId: 'tx1' });
    expect(map('ALLOWANCE_MISMATCH')).toBeInstanceOf(AllowanceMismatchError);
    expect(map('ALLOWANCE_MISMATCH')).toBeInstanceOf(PaymentStateError);
    expect(map('INTERNAL')).toBeInstanceOf(PaymentInternalError);
    expect(map('INTERNAL').category).toBe('unknown');
    expect(map('OPERATION_NOT_FOUND')).toBeInstanceOf(PaymentNotFoundError);
    expect(map('PROPOSAL_NOT_FOUND')).toBeInstanceOf(PaymentNotFoundError);
    expect(map('DUPLICATE_PROPOSAL')).toBeInstanceOf(DuplicateIdError);
    for (const code of ['GOVERNANCE_NOT_SET', 'GOVERNANCE_EXISTS', 'PROPOSAL_NOT_OPEN', 'PROPOSAL_STALE'])
      expect(map(code)).toBeInstanceOf(PaymentStateError);
    expect(map('GENESIS_MISMATCH').category).toBe('forbidden');
    expect(map('NOT_A_CODE')).toMatchObject({ category: 'unknown', paymentCode: 'NOT_A_CODE' });
  });

  it('resolves a payment by payment ID: settled with the payment, or not found', async () => {
    h = await startHarness(
      1,
      {},
      new FakeLedger((fn, args) => {
        if (fn === 'getPayment' && args[1] === 'pay1') {
          return JSON.stringify({ paymentId: 'pay1', from: args[0], txId: 'ab'.repeat(32) });
        }
        if (fn === 'getPayment')
          throw new Error(`PAYMENT_NOT_FOUND: payment ${args[1]} of ${args[0]} not found`);
        throw new Error(`FORBIDDEN: ${fn}`);
      }),
    );
    const p = new PaymentsClient(h.client);
    await expect(p.resolvePayment('payer', 'pay1')).resolves.toMatchObject({
      state: 'settled',
      payment: { paymentId: 'pay1', txId: 'ab'.repeat(32) },
    });
    await expect(p.resolvePayment('payer', 'pay2')).resolves.toEqual({ state: 'not-found' });
  });

  it('sends the scoped IDs every changed transaction takes, in the chaincode’s order', async () => {
    const calls: { fn: string; args: string[] }[] = [];
    h = await startHarness(1, {}, echo(calls));
    const p = new PaymentsClient(h.client);
    await p.captureHold('payer', 'h1', 300n);
    await p.releaseHold('payer', 'h2');
    await p.expireHold('payer', 'h3');
    await p.getHold('payer', 'h1');
    await p.refund('payer', 'pay1', 'r1', '40', 'damaged');
    await p.refund('payer', 'pay1', 'r2', 1n);
    await p.getRefund('payer', 'pay1', 'r1');
    await p.getPayment('payer', 'pay1');
    await p.approve('acct', 'Org2MSP::x509::CN=dave', '0', 50n);
    await p.setLimits('acct', 100n);
    await p.setComplianceLimits('acct', undefined, '1000');
    await p.getOperation('Org1MSP', 'EUR', 'op-1');
    await p.initGovernance(TERMS);
    const governance: Governance = {
      ...TERMS,
      custody: false,
      version: 2,
      updatedAt: '2026-01-01T00:00:00.000Z',
    };
    await p.proposeGovernance('custody-off', governance);
    await p.approveGovernance('Org1MSP', 'custody-off');
    await p.getGovernance();
    await p.getGovernanceProposal('Org1MSP', 'custody-off');
    await p.listGovernanceProposals({ pageSize: 10 });
    const terms = JSON.stringify(TERMS);
    expect(calls).toEqual([
      { fn: 'captureHold', args: ['payer', 'h1', '300'] },
      { fn: 'releaseHold', args: ['payer', 'h2'] },
      { fn: 'expireHold', args: ['payer', 'h3'] },
      { fn: 'getHold', args: ['payer', 'h1'] },
      // With debits ordered (the default), a refund first looks up the payee it debits.
      { fn: 'getPayment', args: ['payer', 'pay1'] },
      { fn: 'refund', args: ['payer', 'pay1', 'r1', '40', 'damaged'] },
      { fn: 'getPayment', args: ['payer', 'pay1'] },
      { fn: 'refund', args: ['payer', 'pay1', 'r2', '1', ''] },
      { fn: 'getRefund', args: ['payer', 'pay1', 'r1'] },
      { fn: 'getPayment', args: ['payer', 'pay1'] },
      { fn: 'approve', args: ['acct', 'Org2MSP::x509::CN=dave', '0', '50'] },
      { fn: 'setLimits', args: ['acct', '100', ''] },
      { fn: 'setComplianceLimits', args: ['acct', '', '1000'] },
      { fn: 'getOperation', args: ['Org1MSP', 'EUR', 'op-1'] },
      { fn: 'initGovernance', args: [terms] },
      // A Governance's version and updatedAt are not terms: they are left out.
      { fn: 'proposeGovernance', args: ['custody-off', JSON.stringify({ ...TERMS, custody: false })] },
      { fn: 'approveGovernance', args: ['Org1MSP', 'custody-off'] },
      { fn: 'getGovernance', args: [] },
      { fn: 'getGovernanceProposal', args: ['Org1MSP', 'custody-off'] },
      { fn: 'listGovernanceProposals', args: ['10', ''] },
    ]);
    expect(Object.keys(JSON.parse(governanceTermsJson(governance)) as object).sort()).toEqual([
      'compliance',
      'custody',
      'issuers',
      'maxClockSkewSeconds',
      'maxHoldSeconds',
      'members',
    ]);
    expect([captureCreditId('a', 'h'), refundCreditId('p', 'r')]).toEqual(['h:a:h', 'r:p:r']);
  });

  it('increases and decreases allowances by compare-and-set, reading again when they changed', async () => {
    const calls: { fn: string; args: string[] }[] = [];
    let interfereOnce = true;
    const { ledger, state } = allowanceLedger(calls, (s) => {
      // Another approve lands between the first read and the first write.
      if (interfereOnce) s.set('acct/spender', 7n);
      interfereOnce = false;
    });
    h = await startHarness(1, {}, ledger);
    const p = new PaymentsClient(h.client);
    const up = await p.increaseAllowance('acct', 'spender', 10n);
    expect(up.value.amount).toBe('17');
    expect(calls.map((c) => [c.fn, ...c.args.slice(2)])).toEqual([
      ['getAllowance'],
      ['approve', '0', '10'], // lost the race: ALLOWANCE_MISMATCH
      ['getAllowance'],
      ['approve', '7', '17'],
    ]);
    const down = await p.decreaseAllowance('acct', 'spender', '17');
    expect(down.value.amount).toBe('0');
    calls.length = 0;
    await expect(p.decreaseAllowance('acct', 'spender', 1n)).rejects.toBeInstanceOf(RangeError);
    expect(calls.map((c) => c.fn)).toEqual(['getAllowance']); // nothing submitted
    // Plain approve: a stale expected value is refused, typed.
    await expect(p.approve('acct', 'spender', '5', '6')).rejects.toBeInstanceOf(AllowanceMismatchError);
    expect(state.get('acct/spender')).toBe(0n);
  });

  it('gives up on an allowance that keeps changing after the configured attempts', async () => {
    const calls: { fn: string; args: string[] }[] = [];
    const { ledger } = allowanceLedger(calls, (s) =>
      s.set('acct/spender', (s.get('acct/spender') ?? 0n) + 1n),
    );
    h = await startHarness(1, {}, ledger);
    const p = new PaymentsClient(h.client);
    await expect(p.increaseAllowance('acct', 'spender', 5n, { attempts: 2 })).rejects.toBeInstanceOf(
      AllowanceMismatchError,
    );
    expect(calls.filter((c) => c.fn === 'approve')).toHaveLength(2);
  });

  it('decodes payments events', async () => {
    h = await startHarness(1);
    const payments = new PaymentsClient(h.client);
    const seen: PaymentEvent[] = [];
    const stream = payments.events({ startBlock: 0n, handler: (e) => void seen.push(e) });
    h.ledger.emitEvent('PaymentSettled', JSON.stringify({ paymentId: 'p9', amount: '7' }));
    h.ledger.emitEvent('SomethingElse', '{}');
    h.ledger.emitEvent('Issued', JSON.stringify({ operationId: 'op', amount: '1' }));
    h.ledger.emitEvent(
      'GovernanceChanged',
      JSON.stringify({ proposal: { proposalId: 'x', status: 'applied' }, governance: { version: 2 } }),
    );
    await eventually(() => seen.length === 3, 10_000, 'events');
    await stream.stop();
    expect(seen.map((e) => e.name)).toEqual(['PaymentSettled', 'Issued', 'GovernanceChanged']);
    const changed = seen[2];
    if (changed?.name === 'GovernanceChanged') expect(changed.payload.governance.version).toBe(2);
    else throw new Error('expected GovernanceChanged third');
    const first = seen[0];
    if (first?.name === 'PaymentSettled') expect(first.payload.paymentId).toBe('p9');
    else throw new Error('expected PaymentSettled first');
  });
});
