import { parseBenchArgs } from './args';
import { endorsementPolicyFor } from './network';
import type { RunReport } from './report';
import { uniformRun } from './run-fixture';
import { summary } from './summary';

/** A uniform row of `committed` payments in 10 s at the given settings. */
const row = (capability: string, endorsement: string, committed: number): RunReport =>
  uniformRun({
    label: `fabpay/uniform/${capability}/${endorsement}/250ms/500/custody-on`,
    capability,
    endorsement,
    committed,
    wallSeconds: 10,
  });

describe('bench summary', () => {
  it('reports every endorsement policy from the rows run at the main capability (run.ts measures them there)', () => {
    const args = parseBenchArgs(['--capability', 'V2_0,V3_0', '--endorsement', 'majority,any'], {});
    const runs = [row('V2_0', 'majority', 800), row('V3_0', 'majority', 500), row('V2_0', 'any', 700)];
    const main = {
      capability: 'V2_0',
      endorsement: 'majority',
      batch: args.batches[0]!,
      custody: 'on',
    } as const;
    const out = summary(
      runs,
      args,
      new Date(),
      { reused: false, upSeconds: 1, custodyAtEnd: 'on' },
      {},
      main,
    );
    const endorsement = out.endorsement as { endorsement: string; capability: string; uniform: number }[];
    expect(endorsement.map((e) => [e.endorsement, e.capability, e.uniform])).toEqual([
      ['majority', 'V2_0', 80],
      ['any', 'V2_0', 70],
    ]);
  });
});

describe('endorsement settings', () => {
  it("leaves the majority to the network's default, refers to the channel's for implicit, writes one org as OR", () => {
    expect(endorsementPolicyFor('majority', ['A', 'B'])).toBeUndefined();
    expect(endorsementPolicyFor('implicit', ['A', 'B'])).toBe('/Channel/Application/Endorsement');
    expect(endorsementPolicyFor('any', ['A', 'B'])).toBe("OR('A.peer','B.peer')");
  });

  it('--endorsement takes the three settings and names the choices on anything else', () => {
    expect(parseBenchArgs(['--endorsement', 'implicit,majority'], {}).endorsements).toEqual([
      'implicit',
      'majority',
    ]);
    expect(() => parseBenchArgs(['--endorsement', 'all'], {})).toThrow(
      '--endorsement: expected majority, implicit, any, got "all"',
    );
  });
});
