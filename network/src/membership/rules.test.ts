import { decideAdd, decideRemove, quorum, type ClusterView, type ObservedOrderer } from './rules';

/** A healthy joined consenter, with overrides. */
const o = (k: number, over: Partial<ObservedOrderer> = {}): ObservedOrderer => ({
  name: `orderer${k}`,
  removed: false,
  consenter: true,
  endpoint: true,
  running: true,
  joined: true,
  alive: true,
  ...over,
});
const view = (orderers: ObservedOrderer[], strangers: string[] = []): ClusterView => ({
  slots: orderers.length,
  orderers,
  strangers,
});
const healthy = (n: number): ClusterView => view(Array.from({ length: n }, (_, k) => o(k)));

describe('quorum', () => {
  it('is a strict majority', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map(quorum)).toEqual([1, 2, 2, 3, 3, 4, 4]);
  });
});

describe('decideAdd', () => {
  it('adds the next slot to a healthy cluster', () => {
    expect(decideAdd(healthy(3))).toEqual({
      action: 'add',
      name: 'orderer3',
      fresh: true,
      consenter: true,
      join: true,
      endpoint: true,
    });
  });

  it('adds after removed slots without reusing their numbers', () => {
    const v = view([
      o(0, { removed: true, consenter: false, endpoint: false, running: false, joined: true, alive: false }),
      o(1),
      o(2),
      o(3),
    ]);
    expect(decideAdd(v)).toMatchObject({ action: 'add', name: 'orderer4', fresh: true });
    expect(decideAdd(v, 'orderer0')).toMatchObject({
      action: 'refuse',
      reason: expect.stringMatching(/orderer0 was removed and its number is never reused/),
    });
  });

  it('does nothing for a named orderer that already is a joined consenter', () => {
    expect(decideAdd(healthy(4), 'orderer3')).toMatchObject({ action: 'nothing', name: 'orderer3' });
  });

  it('finishes an interrupted add, doing only the missing steps', () => {
    const fresh = { action: 'add', name: 'orderer3', fresh: false };
    const notConsenter = view([
      o(0),
      o(1),
      o(2),
      o(3, { consenter: false, endpoint: false, joined: false, alive: false }),
    ]);
    expect(decideAdd(notConsenter)).toEqual({ ...fresh, consenter: true, join: true, endpoint: true });
    const notJoined = view([o(0), o(1), o(2), o(3, { joined: false, endpoint: false, alive: false })]);
    expect(decideAdd(notJoined)).toEqual({ ...fresh, consenter: false, join: true, endpoint: true });
    expect(decideAdd(notJoined, 'orderer3')).toMatchObject({ action: 'add', consenter: false, join: true });
    const noEndpoint = view([o(0), o(1), o(2), o(3, { endpoint: false })]);
    expect(decideAdd(noEndpoint)).toEqual({ ...fresh, consenter: false, join: false, endpoint: true });
  });

  it('finishes a pending consenter even when the cluster could not take a new one (no quorum check: no consenter change)', () => {
    const v = view([
      o(0),
      o(1),
      o(2, { alive: false }),
      o(3, { joined: false, endpoint: false, alive: false }),
    ]);
    expect(decideAdd(v)).toMatchObject({ action: 'add', name: 'orderer3', consenter: false, join: true });
  });

  it('refuses unknown names', () => {
    expect(decideAdd(healthy(3), 'orderer6')).toMatchObject({
      action: 'refuse',
      reason: expect.stringMatching(/unknown orderer "orderer6".*the next new orderer is orderer3/),
    });
  });

  it('refuses beyond the slot limit and beyond the active limit', () => {
    const nineSlots = view([
      ...Array.from({ length: 3 }, (_, k) =>
        o(k, { removed: true, consenter: false, endpoint: false, running: false, alive: false }),
      ),
      ...Array.from({ length: 6 }, (_, k) => o(k + 3)),
    ]);
    expect(decideAdd(nineSlots)).toMatchObject({
      action: 'refuse',
      reason: expect.stringMatching(/9 have been created, the most .* is 9/),
    });
    expect(decideAdd(healthy(7))).toMatchObject({
      action: 'refuse',
      reason: expect.stringMatching(/7 are active, a Raft cluster here has at most 7/),
    });
  });

  it('refuses when the grown cluster would lack a live quorum (3 with one down: 2 of 4 answer)', () => {
    const v = view([o(0), o(1), o(2, { alive: false, running: false })]);
    expect(decideAdd(v)).toMatchObject({
      action: 'refuse',
      reason: expect.stringMatching(
        /4 consenters need 3 to commit, but only 2 answer now \(not answering: orderer2\)/,
      ),
    });
  });

  it('refuses when the cluster has no quorum now', () => {
    const v = view([o(0), o(1, { alive: false }), o(2, { alive: false })]);
    expect(decideAdd(v)).toMatchObject({
      action: 'refuse',
      reason: expect.stringMatching(/no quorum now \(1 of 3 consenters answer, 2 needed/),
    });
  });

  it('grows a single orderer (quorum loss until the new one joins is unavoidable)', () => {
    expect(decideAdd(healthy(1))).toMatchObject({ action: 'add', name: 'orderer1' });
  });
});

describe('decideRemove', () => {
  it('removes a consenter of a healthy cluster of 4, also the leader', () => {
    expect(decideRemove(healthy(4), 'orderer0')).toEqual({
      action: 'remove',
      name: 'orderer0',
      endpoint: true,
      consenter: true,
      topology: true,
      stop: true,
      warnings: [],
    });
  });

  it('warns when 2 consenters will be left', () => {
    expect(decideRemove(healthy(3), 'orderer1')).toMatchObject({
      action: 'remove',
      warnings: [expect.stringMatching(/2 consenters will be left/)],
    });
  });

  it('reports an orderer that is already removed, and changes nothing', () => {
    const v = view([
      o(0, { removed: true, consenter: false, endpoint: false, running: false, alive: false }),
      o(1),
      o(2),
      o(3),
    ]);
    expect(decideRemove(v, 'orderer0')).toMatchObject({
      action: 'nothing',
      reason: expect.stringMatching(/orderer0 is already removed/),
    });
  });

  it('finishes an interrupted removal, doing only the missing steps', () => {
    const endpointGone = view([o(0, { endpoint: false }), o(1), o(2), o(3)]);
    expect(decideRemove(endpointGone, 'orderer0')).toMatchObject({
      action: 'remove',
      endpoint: false,
      consenter: true,
      topology: true,
      stop: true,
    });
    const inTopology = view([o(0, { consenter: false, endpoint: false, alive: false }), o(1), o(2), o(3)]);
    expect(decideRemove(inTopology, 'orderer0')).toMatchObject({
      action: 'remove',
      endpoint: false,
      consenter: false,
      topology: true,
      stop: true,
    });
    const stillRunning = view([
      o(0, { removed: true, consenter: false, endpoint: false, alive: false }),
      o(1),
      o(2),
      o(3),
    ]);
    expect(decideRemove(stillRunning, 'orderer0')).toMatchObject({
      action: 'remove',
      consenter: false,
      topology: false,
      stop: true,
    });
  });

  it('refuses unknown names, naming the orderers', () => {
    expect(decideRemove(healthy(3), 'orderer7')).toMatchObject({
      action: 'refuse',
      reason: 'unknown orderer "orderer7": the topology\'s orderers are orderer0, orderer1, orderer2',
    });
  });

  it('refuses to remove one of 2 consenters, or the last one', () => {
    expect(decideRemove(healthy(2), 'orderer1')).toMatchObject({
      action: 'refuse',
      reason: expect.stringMatching(/one of 2 consenters.*Add an orderer first/),
    });
    expect(decideRemove(healthy(1), 'orderer0')).toMatchObject({
      action: 'refuse',
      reason: expect.stringMatching(/only consenter/),
    });
  });

  it('refuses when the remaining consenters would lack a quorum (3 with another one down)', () => {
    const v = view([o(0), o(1, { alive: false, running: false }), o(2)]);
    expect(decideRemove(v, 'orderer2')).toMatchObject({
      action: 'refuse',
      reason: expect.stringMatching(
        /the 2 consenters left need 2 to keep a quorum, but only 1 of them answer \(not answering: orderer1\)/,
      ),
    });
  });

  it('allows removing the orderer that is down when the others keep a quorum', () => {
    const v = view([o(0), o(1, { alive: false, running: false }), o(2), o(3)]);
    expect(decideRemove(v, 'orderer1')).toMatchObject({ action: 'remove', stop: false });
  });

  it('refuses when the cluster has no quorum now', () => {
    const v = view([o(0), o(1), o(2, { alive: false }), o(3, { alive: false }), o(4, { alive: false })]);
    expect(decideRemove(v, 'orderer2')).toMatchObject({
      action: 'refuse',
      reason: expect.stringMatching(/no quorum now \(2 of 5 consenters answer, 3 needed/),
    });
  });

  it('counts consenters the topology does not know, as not answering', () => {
    const v = view([o(0), o(1), o(2)], ['10.0.0.9:7050']);
    // 4 consenters: removing orderer0 leaves 3 (quorum 2) with 2 answering.
    expect(decideRemove(v, 'orderer0')).toMatchObject({ action: 'remove' });
    expect(decideRemove(view([o(0), o(1)], ['10.0.0.9:7050']), 'orderer0')).toMatchObject({
      action: 'refuse',
      reason: expect.stringMatching(/the 2 consenters left need 2/),
    });
  });
});
