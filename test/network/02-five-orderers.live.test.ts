/**
 * A topology with 5 Raft orderers works: a separate small network (test/fixtures/five-orderers.yaml)
 * comes up with all five as active consenters and one leader, commits a transaction, and is removed.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { clean, contextFor, isRaftLeader, ordererChannelInfo, samplePaymentFlow, up } from '@fabpay/network';
import { fixtureTopologyFile, TEST_HOME } from '../support/live-network';

describe('a 5-orderer network', () => {
  const options = {
    // Its own ports: 18000+ by default, FABPAY_TEST_PORT_BASE + 1000 when that is set.
    topologyFile: fixtureTopologyFile('five-orderers.yaml', 1000),
    progress: (line: string) => process.stderr.write(`[five] ${line}\n`),
  };
  const savedHome = process.env.FABPAY_HOME;
  const home = path.join(path.dirname(TEST_HOME), `${path.basename(TEST_HOME)}-five`);
  beforeAll(() => {
    process.env.FABPAY_HOME = home;
  });
  afterAll(async () => {
    await clean(options);
    rmSync(home, { recursive: true, force: true });
    process.env.FABPAY_HOME = savedHome;
  });

  it('has five active consenters, one leader, and commits', async () => {
    await up(options);
    const ctx = contextFor(options);
    expect(ctx.orderers).toHaveLength(5);
    for (const orderer of ctx.orderers) {
      const info = await ordererChannelInfo(orderer, ctx.topology.channel.name);
      expect([orderer.host, info?.consensusRelation, info?.status]).toEqual([
        orderer.host,
        'consenter',
        'active',
      ]);
    }
    const deadline = Date.now() + 60_000;
    let leaders: boolean[] = [];
    for (;;) {
      leaders = await Promise.all(
        ctx.orderers.map((o) => isRaftLeader(o, ctx.topology.channel.name).then(Boolean)),
      );
      if (leaders.filter(Boolean).length === 1 || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(leaders.filter(Boolean)).toHaveLength(1);
    const flow = await samplePaymentFlow(options);
    expect(flow.balances.bob).toMatchObject({ available: '2500' });
  });
});
