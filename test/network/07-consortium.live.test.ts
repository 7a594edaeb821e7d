/**
 * The consortium changes while it runs, on a network of its own (test/fixtures/consortium.yaml,
 * a copy the commands edit): `org add Org3` (finishing one cut short after its topology step)
 * while Org1 and Org2 customers pay each other; Org3's user then opens an account, receives from and pays both; `org remove Org3`, after which its
 * user's next payment is refused and no money moves into its account, which stays readable.
 * The conservation report balances at every sample throughout, and the history check holds:
 * every payment reported committed is on the ledger once, none reported failed is on it.
 */
import { readFileSync, rmSync } from 'node:fs';
import {
  addOrg,
  clean,
  contextFor,
  recordOrgJoin,
  removeOrg,
  up,
  type NetworkContext,
  type OrgMembershipResult,
} from '@fabpay/network';
import { pause } from '../support/faults-kit';
import { History } from '../support/history';
import { scratchNetwork } from '../support/live-network';
import { startPacedFlow } from '../support/paced-flow';
import {
  closeParties,
  committedEverywhere,
  describeError,
  expectHistory,
  fundAccounts,
  holdingsOf,
  lastOutcomeBlock,
  openAccounts,
  openParty,
  payOnce,
  runId,
  settleFailures,
  type Party,
  type PaymentOutcome,
} from '../support/payments-kit';

const CURRENCY = 'USD';
const ROUTES = 3; // per direction
const FUNDING = 100_000n;

describe('organisations join and leave a running network', () => {
  const net = scratchNetwork('consortium.yaml', 3500, 'consortium');
  let ctx: NetworkContext;
  const parties: Record<string, Party> = {};
  const run = runId('c');
  const history = new History();
  const bobs = Array.from({ length: ROUTES }, (_, i) => `${run}-b${i}`);
  const carols = Array.from({ length: ROUTES }, (_, i) => `${run}-c${i}`);
  const erins = `${run}-e0`;
  const everywhere = (block: bigint) => committedEverywhere(ctx, block);
  const party = (key: string): Party => {
    const p = parties[key];
    if (!p) throw new Error(`${key} not opened (beforeAll failed)`);
    return p;
  };
  const times: Record<string, number> = {};
  /** Background loops to stop in afterAll, also when a step failed half-way. */
  const stoppers: (() => Promise<unknown>)[] = [];
  const timed = async (what: string, op: () => Promise<OrgMembershipResult>) => {
    const result = await op();
    times[what] = result.seconds;
    process.stderr.write(
      `[consortium] ${what}: ${result.seconds.toFixed(1)}s, changed ${result.changed.join(', ') || 'nothing'}\n`,
    );
    return result;
  };

  /** Samples the conservation report until stopped: every line must balance at every sample. */
  function sampleConservation(reader: Party) {
    let stopped = false;
    const unbalanced: string[] = [];
    let samples = 0;
    const loop = (async () => {
      for (let i = 0; i < 600 && !stopped; i++) {
        const lines = await reader.payments.conservationReport().catch((e: unknown) => {
          unbalanced.push(`read failed: ${describeError(e)}`);
          return [];
        });
        samples++;
        for (const l of lines) if (!l.balanced) unbalanced.push(JSON.stringify(l));
        await pause(1000);
      }
    })();
    return {
      stop: async () => {
        stopped = true;
        await loop;
        return { samples, unbalanced };
      },
    };
  }

  beforeAll(async () => {
    net.enter();
    await up(net.options);
    ctx = contextFor(net.options);
    for (const [org, label] of [
      ['Org1', 'alice'],
      ['Org1', 'bob'],
      ['Org2', 'carol'],
    ] as const) {
      parties[label] = await openParty(ctx, org, label);
    }
    await openAccounts(party('bob'), bobs, CURRENCY, everywhere);
    await openAccounts(party('carol'), carols, CURRENCY, everywhere);
    await fundAccounts(party('alice'), party('bob'), bobs, FUNDING, CURRENCY, `${run}-fb`, everywhere);
    await fundAccounts(party('alice'), party('carol'), carols, FUNDING, CURRENCY, `${run}-fc`, everywhere);
  }, 300_000);

  afterAll(async () => {
    await Promise.allSettled(stoppers.map((stop) => stop()));
    await closeParties(...Object.values(parties));
    await clean(net.options);
    rmSync(net.home, { recursive: true, force: true });
    net.leave();
  }, 180_000);

  it('adds Org3 while payments flow, Org3 pays both orgs, then removes it and refuses its next payment', async () => {
    const bob = party('bob');
    const carol = party('carol');
    const before = await holdingsOf(bob, [...bobs, ...carols]);
    before.set(erins, 0n); // opened below, empty until paid
    const conservation = sampleConservation(carol);
    stoppers.push(() => conservation.stop());

    // 1. Org3 joins while Org1 and Org2 customers pay each other.
    const flow = startPacedFlow(
      [
        ...bobs.map((from, i) => ({ payer: bob, from, to: carols[i]! })),
        ...carols.map((from, i) => ({ payer: carol, from, to: bobs[i]! })),
      ],
      { tag: `${run}-f`, currency: CURRENCY, amount: 7n, maxPerRoute: 200, maxMs: 240_000, pauseMs: 100 },
      history,
    );
    stoppers.push(() => flow.stop());
    await flow.committedAtLeast(10, 60_000);
    const atJoin = flow.committed();
    // As an `org add Org3 --user erin` cut short after its first step leaves it: Org3 in the
    // topology file, nothing else done. Running `org add` again finishes it.
    recordOrgJoin(net.topologyFile, {
      name: 'Org3',
      mspId: 'Org3MSP',
      peers: 1,
      users: [{ name: 'erin', attributes: {} }],
    });
    const added = await timed('org add Org3', () =>
      addOrg('Org3', { ...net.options, topologyFile: net.topologyFile }),
    );
    const duringAdd = flow.committed() - atJoin;
    await flow.committedAtLeast(atJoin + duringAdd + 10, 60_000);
    const flowed = await flow.stop();
    process.stderr.write(`[consortium] payments committed while org add ran: ${duringAdd}\n`);
    expect(duringAdd).toBeGreaterThan(0);
    // A second run changes nothing; a contradicting request is refused and changes nothing.
    const addedAgain = await timed('org add Org3 again', () =>
      addOrg('Org3', { ...net.options, topologyFile: net.topologyFile }),
    );
    expect(addedAgain.changed).toEqual([]);
    const file = readFileSync(net.topologyFile, 'utf8');
    await expect(
      addOrg('Org3', { ...net.options, topologyFile: net.topologyFile, mspId: 'OtherMSP' }),
    ).rejects.toThrow(/Org3 is in the topology with MSP ID Org3MSP, not OtherMSP/);
    expect(readFileSync(net.topologyFile, 'utf8')).toBe(file);
    expect(added.governance.members).toContain('Org3MSP');
    expect(added.chaincode?.sequence).toBe(2);
    expect(flowed.filter((o) => o.status === 'committed').length).toBeGreaterThan(atJoin);

    // 2. Org3's user opens an account, receives from both orgs and pays both back.
    ctx = contextFor(net.options);
    parties.erin = await openParty(ctx, 'Org3', 'erin');
    const erin = party('erin');
    await everywhere((await erin.payments.openAccount(erins, CURRENCY)).blockNumber);
    const pays: PaymentOutcome[] = [];
    pays.push(
      await payOnce(
        bob,
        { paymentId: `${run}-to-e1`, from: bobs[0]!, to: erins, amount: 500n, currency: CURRENCY },
        history,
      ),
    );
    pays.push(
      await payOnce(
        carol,
        { paymentId: `${run}-to-e2`, from: carols[0]!, to: erins, amount: 300n, currency: CURRENCY },
        history,
      ),
    );
    expect(pays.map((o) => o.status)).toEqual(['committed', 'committed']);
    // Each payer's client saw its commit on its own org's peer; erin reads Org3's, which may be a
    // block behind (seen once in CI: 1 of the 2 credits listed).
    await everywhere(lastOutcomeBlock(pays));
    const credits = (await erin.payments.listPendingCredits(erins)).items.map((c) => c.creditId);
    expect(credits).toHaveLength(2);
    await everywhere((await erin.payments.foldCredits(erins, credits)).blockNumber);
    expect((await erin.payments.getBalance(erins)).settled).toBe('800');
    pays.push(
      await payOnce(
        erin,
        { paymentId: `${run}-e-b`, from: erins, to: bobs[1]!, amount: 120n, currency: CURRENCY },
        history,
      ),
    );
    pays.push(
      await payOnce(
        erin,
        { paymentId: `${run}-e-c`, from: erins, to: carols[1]!, amount: 80n, currency: CURRENCY },
        history,
      ),
    );
    expect(pays.map((o) => o.status)).toEqual(['committed', 'committed', 'committed', 'committed']);

    // Everything so far: reported outcomes against the ledger, conserved.
    await settleFailures(
      bob,
      flowed.filter((o) => o.spec.from.startsWith(`${run}-b`)),
      history,
    );
    await settleFailures(
      carol,
      flowed.filter((o) => o.spec.from.startsWith(`${run}-c`)),
      history,
    );
    await expectHistory(ctx, carol, history, before, 'consortium, Org3 joined');

    // 3. Org3 leaves. Its user's next payment is refused (failed, never unknown); nobody pays
    // into its account; the account stays on the ledger and readable.
    const removed = await timed('org remove Org3', () =>
      removeOrg('Org3', { ...net.options, topologyFile: net.topologyFile }),
    );
    expect(removed.governance.members).not.toContain('Org3MSP');
    ctx = contextFor(net.options);
    const refused = await payOnce(
      erin,
      { paymentId: `${run}-e-after`, from: erins, to: bobs[2]!, amount: 10n, currency: CURRENCY },
      history,
    );
    expect(refused.status).toBe('failed');
    process.stderr.write(
      `[consortium] Org3's payment after removal: ${refused.status === 'failed' ? describeError(refused.error) : refused.status}\n`,
    );
    const into = await payOnce(
      bob,
      { paymentId: `${run}-to-e-after`, from: bobs[2]!, to: erins, amount: 10n, currency: CURRENCY },
      history,
    );
    expect(into.status === 'failed' && describeError(into.error)).toMatch(/ORG_NOT_MEMBER/);
    expect(await bob.payments.getAccount(erins)).toMatchObject({ accountId: erins });
    expect((await bob.payments.getBalance(erins)).available).toBe('600');
    expect(readFileSync(net.topologyFile, 'utf8')).toMatch(/name: Org3[\s\S]*removed: true/);

    // A second run of each command changes nothing.
    const again = await timed('org remove Org3 again', () =>
      removeOrg('Org3', { ...net.options, topologyFile: net.topologyFile }),
    );
    expect(again.changed).toEqual([]);

    const { samples, unbalanced } = await conservation.stop();
    await expectHistory(ctx, carol, history, before, 'consortium, Org3 removed');
    expect(unbalanced).toEqual([]);
    expect(samples).toBeGreaterThanOrEqual(10);
    process.stderr.write(
      `[consortium] operation times (s): ${JSON.stringify(times)}; ${samples} conservation samples, all balanced\n`,
    );
  }, 900_000);
});
