import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { parseTopologyYaml } from '@fabpay/topology';
import { LEGACY, LEVERS, leverRows, leverTopology, type Lever } from './levers';

describe('bench levers', () => {
  it('go from legacy (every old value) to main (none), dropping one lever per row', () => {
    const rows = leverRows();
    expect(rows.map((r) => r.name)).toEqual([LEGACY, ...LEVERS.map((l) => `+${l.name}`)]);
    expect(rows[rows.length - 1]!.old).toEqual({});
    const legacy = rows[0]!.old;
    for (const lever of LEVERS) {
      if (lever.old.logging !== undefined) expect(legacy.logging).toBe(lever.old.logging);
      for (const [kind, env] of Object.entries(lever.old.nodeEnv ?? {}))
        expect(legacy.nodeEnv?.[kind as 'peer']).toMatchObject(env);
    }
  });

  it('keep a lever’s old value in every row before it and in none from it on', () => {
    const levers: Lever[] = [
      { name: 'a', description: '', old: { nodeEnv: { peer: { A: '1' } } } },
      { name: 'b', description: '', old: { logging: 'INFO' } },
    ];
    expect(leverRows(levers).map((r) => r.old)).toEqual([
      { logging: 'INFO', nodeEnv: { peer: { A: '1' } } },
      { logging: 'INFO' },
      {},
    ]);
  });

  it('write a topology variant the topology schema accepts, with the old values', () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'fabpay-levers-')), 'not-yet');
    const file = leverTopology(leverRows()[0]!.old, undefined, dir);
    expect(path.dirname(file)).toBe(dir);
    const text = readFileSync(file, 'utf8');
    const topology = parseTopologyYaml(text);
    const legacy = leverRows()[0]!.old;
    expect(topology.logging).toBe(legacy.logging);
    expect(topology.nodeEnv.chaincode).toMatchObject(legacy.nodeEnv?.chaincode ?? {});
    expect(topology.chaincode.endorsementPolicy).toBe('/Channel/Application/Endorsement');
    expect(legacy.endorsementPolicy).toBe('/Channel/Application/Endorsement');
    // The rest of the chaincode section stays as the bench topology has it.
    expect(topology.chaincode.path).toBe('chaincode');
    expect((parse(text) as { portBase: number }).portBase).toBeGreaterThan(0);
  });

  it('replace a policy the source topology already sets (a variant of a variant parses)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fabpay-levers-'));
    const first = leverTopology({ endorsementPolicy: "OR('Org1MSP.peer','Org2MSP.peer')" }, undefined, dir);
    const second = leverTopology(
      { endorsementPolicy: '/Channel/Application/Endorsement' },
      first,
      path.join(dir, 'b'),
    );
    expect(parseTopologyYaml(readFileSync(second, 'utf8')).chaincode.endorsementPolicy).toBe(
      '/Channel/Application/Endorsement',
    );
  });
});
