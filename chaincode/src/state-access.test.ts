import './testing/quiet';
import { paymentCreditId } from '@fabpay/model';
import { funded } from './testing/fixtures';
import { MemoryStub } from './testing/memory-ledger';

/*
 * State round trips of the hot transactions: with fabric-shim every read
 * and every write is a message to the peer and back, so a payment must read
 * each key once and only the keys its rules need (payments.ts settle(): the
 * governance, the payment ID, both descriptors, the payer's limits, day
 * counter when a daily limit is set, allowance for payFrom, named credits
 * for payWithCredits, and balance). This pins that list, so a change that
 * adds a round trip shows up here.
 */

const show = (key: string) => key.split('\u0000').filter(Boolean).join('/');

/** Endorses `fn` and returns every getState key in call order (repeats included). */
async function readsOf(run: () => Promise<unknown>): Promise<string[]> {
  const spy = jest.spyOn(MemoryStub.prototype, 'getState');
  try {
    await run();
    return spy.mock.calls.map(([key]) => show(key));
  } finally {
    spy.mockRestore();
  }
}

describe('hot transactions read each key once, and only the keys their rules need', () => {
  test('pay, payFrom, payWithCredits and payBatch', async () => {
    const { f, c } = await funded();
    await f.ok(c.alice, 'approve', 'A', c.bob.owner, '0', '100');
    await f.ok(c.alice, 'setLimits', 'A', '5000', '9000');
    await f.ok(c.alice, 'pay', 'p0', 'A', 'M', '1', 'USD', '');
    const day = f.now.toISOString().slice(0, 10);
    const expectReads = async (fn: string, args: string[], keys: string[]) => {
      const reads = await readsOf(async () => {
        const e = await f.endorse(
          fn === 'payFrom' ? c.bob : fn === 'payWithCredits' ? c.merchant : c.alice,
          fn,
          args,
        );
        expect(e.message).toBe('');
      });
      expect(reads).toEqual(keys);
      expect(new Set(reads).size).toBe(reads.length);
    };
    await expectReads(
      'pay',
      ['p1', 'A', 'M', '1', 'USD', ''],
      [
        'fabpay.governance',
        'fabpay.payment/A/p1',
        'fabpay.account/A',
        'fabpay.account/M',
        'fabpay.limits/A',
        `fabpay.spent/A/${day}`,
        'fabpay.balance/A',
      ],
    );
    await expectReads(
      'payFrom',
      ['p2', 'A', 'M', '1', 'USD', ''],
      [
        'fabpay.governance',
        'fabpay.payment/A/p2',
        'fabpay.account/A',
        `fabpay.allowance/A/${c.bob.owner}`,
        'fabpay.account/M',
        'fabpay.limits/A',
        `fabpay.spent/A/${day}`,
        'fabpay.balance/A',
      ],
    );
    await expectReads(
      'payWithCredits',
      ['p3', 'M', 'B', '1', 'USD', '', paymentCreditId('A', 'p0')],
      [
        'fabpay.governance',
        'fabpay.payment/M/p3',
        'fabpay.account/M',
        'fabpay.account/B',
        'fabpay.limits/M',
        `fabpay.credit/M/${paymentCreditId('A', 'p0')}`,
        'fabpay.balance/M',
      ],
    );
    const lines = [
      { paymentId: 'l1', to: 'M', amount: '1', reference: '' },
      { paymentId: 'l2', to: 'B', amount: '1', reference: '' },
      { paymentId: 'l3', to: 'M', amount: '1', reference: '' },
    ];
    await expectReads(
      'payBatch',
      ['b1', 'A', 'USD', JSON.stringify(lines)],
      [
        'fabpay.governance',
        'fabpay.batch/A/b1',
        'fabpay.account/A',
        'fabpay.payment/A/l1',
        'fabpay.account/M',
        'fabpay.payment/A/l2',
        'fabpay.account/B',
        'fabpay.payment/A/l3',
        'fabpay.limits/A',
        `fabpay.spent/A/${day}`,
        'fabpay.balance/A',
      ],
    );
  });
});
