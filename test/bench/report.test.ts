import { chaincodeMsPerExecution, endorsingPeersPerPayment, table } from './report';
import { uniformRun } from './run-fixture';

describe('chaincode CPU per execution', () => {
  it('counts endorsing peers per payment by endorsement setting', () => {
    expect(endorsingPeersPerPayment('majority')).toBe(2);
    expect(endorsingPeersPerPayment('majority', 3)).toBe(2);
    expect(endorsingPeersPerPayment('majority', 4)).toBe(3);
    expect(endorsingPeersPerPayment('implicit')).toBe(2);
    expect(endorsingPeersPerPayment('implicit', 5)).toBe(3);
    expect(endorsingPeersPerPayment('any')).toBe(1);
    expect(() => endorsingPeersPerPayment('all')).toThrow(/unknown endorsement/);
  });

  it('is chaincode CPU / (committed x endorsers) on every row, and in the table', () => {
    const row = (endorsement: string) =>
      uniformRun({ label: `fabpay/uniform/${endorsement}`, endorsement, committed: 600, wallSeconds: 6 });
    expect(row('majority').chaincodeCpu).toEqual({ endorsingPeersPerPayment: 2, msPerExecution: 2.5 });
    expect(row('any').chaincodeCpu).toEqual({ endorsingPeersPerPayment: 1, msPerExecution: 5 });
    expect(chaincodeMsPerExecution(1, 0)).toBe(0);
    const lines = table([row('majority')]).split('\n');
    expect(lines[0]).toContain('cc ms/exec');
    expect(lines[1]).toMatch(/ 2\.50 /);
  });
});
