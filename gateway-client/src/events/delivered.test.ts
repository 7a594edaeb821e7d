import { DeliveredEvents } from './delivered';

const ev = (blockNumber: bigint, transactionId: string) => ({ blockNumber, transactionId });

describe('DeliveredEvents', () => {
  it('passes everything before anything was delivered, except blocks below the start', () => {
    const d = new DeliveredEvents();
    expect(d.isReplay(ev(1n, 'a'))).toBe(false);
    d.startAt(5n);
    expect(d.isReplay(ev(4n, 'a'))).toBe(true);
    expect(d.isReplay(ev(5n, 'a'))).toBe(false);
  });

  it('drops earlier blocks and delivered transactions of the last block, passes the rest', () => {
    const d = new DeliveredEvents();
    d.record(ev(7n, 'a'));
    d.record(ev(7n, 'b'));
    expect(d.isReplay(ev(6n, 'z'))).toBe(true);
    expect(d.isReplay(ev(7n, 'a'))).toBe(true);
    expect(d.isReplay(ev(7n, 'b'))).toBe(true);
    expect(d.isReplay(ev(7n, 'c'))).toBe(false);
    expect(d.isReplay(ev(8n, 'a'))).toBe(false);
    d.record(ev(8n, 'x'));
    // Moving on to block 8 forgets block 7's IDs, yet block 7 stays a replay by number.
    expect(d.isReplay(ev(7n, 'c'))).toBe(true);
    expect(d.isReplay(ev(8n, 'x'))).toBe(true);
  });
});
