import type { CpuReport } from './cpu';
import { chaincodeMsPerExecution, endorsingPeersPerPayment, runReport, table } from './report';

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
    const cpu: CpuReport = {
      seconds: { orderers: 1, peers: 4, chaincode: 3, client: 1, otherOnMachine: 0 },
      shareOfBusy: { orderers: 0, peers: 0, chaincode: 0, client: 0, otherOnMachine: 0 },
      machineBusyCores: 2,
      cores: 2,
      lost: [],
    };
    const row = (endorsement: string) =>
      runReport({
        label: `fabpay/uniform/${endorsement}`,
        client: 'fabpay',
        clientDescription: 'c',
        workload: 'uniform: x',
        capability: 'V2_0',
        endorsement,
        batch: '250ms/500',
        custody: 'on',
        concurrency: 100,
        mode: 'workers',
        load: {
          attempted: 600,
          committed: 600,
          failed: 0,
          conflictsToCallers: 0,
          errors: {},
          errorSamples: {},
          latenciesMs: [1],
          wallSeconds: 6,
          stoppedByTimeCap: false,
        },
        conflictRetries: 0,
        clientRetries: {},
        cpu,
      });
    expect(row('majority').chaincodeCpu).toEqual({ endorsingPeersPerPayment: 2, msPerExecution: 2.5 });
    expect(row('any').chaincodeCpu).toEqual({ endorsingPeersPerPayment: 1, msPerExecution: 5 });
    expect(chaincodeMsPerExecution(1, 0)).toBe(0);
    const lines = table([row('majority')]).split('\n');
    expect(lines[0]).toContain('cc ms/exec');
    expect(lines[1]).toMatch(/ 2\.50 /);
  });
});
