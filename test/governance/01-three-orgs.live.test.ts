/**
 * Money rules between members that do not trust each other, live on a three-org network of its
 * own (test/fixtures/three-orgs.yaml: one orderer and one peer per org, USD and EUR issued by Org1):
 *
 * - Org3's identity with payments.role=issuer (Org3 runs its own CA) cannot mint;
 * - a debit of an Org1 customer endorsed only by Org2 and Org3 peers (a majority of the channel,
 *   enough for the chaincode's MAJORITY policy) is committed invalid, because the account's keys
 *   carry Org1's custody policy, and moves no money;
 * - a governance change adding Org3 as an EUR issuer takes effect only with the second org's
 *   approval;
 * - a proposal whose timestamp is 10 minutes off the peers' clocks is refused (CLOCK_SKEW).
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { Timestamp } from 'google-protobuf/google/protobuf/timestamp_pb';
import { ChaincodeError, TransactionInvalidError, type FabpayClient } from '@fabpay/gateway-client';
import { clean, contextFor, up, type NetworkContext } from '@fabpay/network';
import { fixtureTopologyFile, TEST_HOME } from '../support/live-network';
import { closeParties, committedEverywhere, openParty, runId, type Party } from '../support/payments-kit';

const options = {
  // Its own ports: 19500+ by default, FABPAY_TEST_PORT_BASE + 2500 when that is set.
  topologyFile: fixtureTopologyFile('three-orgs.yaml', 2500),
  progress: (line: string) => process.stderr.write(`[three] ${line}\n`),
};
const home = path.join(path.dirname(TEST_HOME), `${path.basename(TEST_HOME)}-three`);

interface Governance {
  version: number;
  issuers: Record<string, string[]>;
  [key: string]: unknown;
}

describe('three orgs that do not trust each other', () => {
  const savedHome = process.env.FABPAY_HOME;
  let ctx: NetworkContext;
  const p: Record<string, Party> = {};
  let chaincode = '';
  const run = runId('t');

  const json = <T>(bytes: Uint8Array): T => JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
  /**
   * Submits and waits until every peer has committed the block, so the next step may endorse or
   * query on any org's peer (a transaction is acknowledged once the client's gateway peer
   * committed it; another org's peer can be a block behind).
   */
  const submit = async (client: FabpayClient, transaction: string, ...args: string[]) => {
    const res = await client.submit({ chaincode, transaction, args });
    await committedEverywhere(ctx, res.blockNumber);
    return json<Record<string, unknown>>(res.result);
  };
  const evaluate = async <T>(client: FabpayClient, transaction: string, ...args: string[]) =>
    json<T>(await client.evaluate({ chaincode, transaction, args }));
  /** The stable code a call was refused with, or 'ok'. */
  const refusal = async (call: Promise<unknown>): Promise<string> => {
    try {
      await call;
      return 'ok';
    } catch (err) {
      if (err instanceof ChaincodeError) return err.chaincodeCode;
      throw err;
    }
  };

  beforeAll(async () => {
    process.env.FABPAY_HOME = home;
    await up(options);
    ctx = contextFor(options);
    chaincode = ctx.topology.chaincode.name;
    for (const [org, label] of [
      ['Org1', 'alice'],
      ['Org1', 'bob'],
      ['Org3', 'erin'],
      ['Org3', 'frank'],
      ['Org1', 'admin'],
      ['Org2', 'admin'],
      ['Org3', 'admin'],
    ] as const) {
      p[`${org}/${label}`] = await openParty(ctx, org, label);
    }
  });

  afterAll(async () => {
    await closeParties(...Object.values(p));
    await clean(options);
    rmSync(home, { recursive: true, force: true });
    process.env.FABPAY_HOME = savedHome;
  });

  const c = (key: string): FabpayClient => {
    const party = p[key];
    if (!party) throw new Error(`no party ${key}`);
    return party.client;
  };

  it("refuses Org3's issuer-attributed identity: the attribute alone grants nothing", async () => {
    await submit(c('Org1/bob'), 'openAccount', `${run}-bobE`, 'EUR', '');
    const who = await evaluate<{ role: string; mspId: string }>(c('Org3/erin'), 'whoami');
    expect(who).toMatchObject({ role: 'issuer', mspId: 'Org3MSP' });
    expect(await refusal(submit(c('Org3/erin'), 'issue', `${run}-mint`, `${run}-bobE`, '1000000'))).toBe(
      'FORBIDDEN',
    );
    expect(await evaluate(c('Org1/bob'), 'getSupply', 'EUR')).toMatchObject({ outstanding: '0' });
  });

  it("commits a debit endorsed only by Org2 and Org3 invalid: Org1's custody policy, no money moved", async () => {
    const bobA = `${run}-bobU`;
    const frankA = `${run}-frankU`;
    await submit(c('Org1/bob'), 'openAccount', bobA, 'USD', '');
    await submit(c('Org3/frank'), 'openAccount', frankA, 'USD', '');
    await submit(c('Org1/alice'), 'issue', `${run}-usd`, bobA, '5000');
    await submit(c('Org1/bob'), 'foldCredits', bobA, `i:Org1MSP:${run}-usd`);
    let invalid: unknown;
    try {
      await c('Org1/bob').submit({
        chaincode,
        transaction: 'pay',
        args: [`${run}-p1`, bobA, frankA, '5000', 'USD', 'endorsed by others'],
        endorsingOrganizations: ['Org2MSP', 'Org3MSP'],
      });
    } catch (err) {
      invalid = err;
    }
    expect(invalid instanceof TransactionInvalidError ? 'TransactionInvalidError' : String(invalid)).toBe(
      'TransactionInvalidError',
    );
    expect((invalid as TransactionInvalidError).validationCode).toBe('ENDORSEMENT_POLICY_FAILURE');
    expect(await evaluate(c('Org1/bob'), 'getBalance', bobA)).toMatchObject({ settled: '5000', held: '0' });
    expect(await evaluate(c('Org3/frank'), 'getBalance', frankA)).toMatchObject({ available: '0' });
    expect(await refusal(evaluate(c('Org1/bob'), 'getPayment', bobA, `${run}-p1`))).toBe('PAYMENT_NOT_FOUND');
    // Planned by the gateway (it reads the key-level policies from the first endorsement), the
    // same payment commits.
    await submit(c('Org1/bob'), 'pay', `${run}-p1`, bobA, frankA, '5000', 'USD', 'endorsed by others');
    expect(await evaluate(c('Org3/frank'), 'getBalance', frankA)).toMatchObject({ available: '5000' });
    const report = await evaluate<{ items: { currency: string; balanced: boolean }[] }>(
      c('Org1/bob'),
      'conservationReport',
    );
    expect(report.items.every((l) => l.balanced)).toBe(true);
  });

  it("adds Org3 as an EUR issuer only with the second org's approval", async () => {
    const before = await evaluate<Governance>(c('Org1/bob'), 'getGovernance');
    const { version: _v, updatedAt: _u, ...terms } = before;
    const proposed = { ...terms, issuers: { ...before.issuers, EUR: ['Org1MSP', 'Org3MSP'] } };
    const proposalId = `${run}-eur`;
    await submit(c('Org3/admin'), 'proposeGovernance', proposalId, JSON.stringify(proposed));
    // One org of three has approved: nothing changed yet.
    expect(await evaluate<Governance>(c('Org1/bob'), 'getGovernance')).toMatchObject({
      version: before.version,
    });
    expect(await refusal(submit(c('Org3/erin'), 'issue', `${run}-e1`, `${run}-bobE`, '700'))).toBe(
      'FORBIDDEN',
    );
    // A non-admin's approval counts for nothing.
    expect(await refusal(submit(c('Org1/bob'), 'approveGovernance', 'Org3MSP', proposalId))).toBe(
      'FORBIDDEN',
    );
    await submit(c('Org2/admin'), 'approveGovernance', 'Org3MSP', proposalId);
    const after = await evaluate<Governance>(c('Org1/bob'), 'getGovernance');
    expect(after).toMatchObject({ version: before.version + 1 });
    expect(after.issuers.EUR).toEqual(['Org1MSP', 'Org3MSP']);
    expect(await evaluate(c('Org1/bob'), 'getGovernanceProposal', 'Org3MSP', proposalId)).toMatchObject({
      status: 'applied',
      approvals: ['Org2MSP', 'Org3MSP'],
    });
    await submit(c('Org3/erin'), 'issue', `${run}-e1`, `${run}-bobE`, '700');
    expect(await evaluate(c('Org1/bob'), 'getSupply', 'EUR')).toMatchObject({ outstanding: '700' });
  });

  it("refuses a proposal whose timestamp is 10 minutes off the endorsing peers' clocks", async () => {
    // The gateway library stamps each proposal with the client's clock when it builds it; this
    // client's clock runs 10 minutes slow.
    const fromDate = Timestamp.fromDate.bind(Timestamp);
    const spy = jest
      .spyOn(Timestamp, 'fromDate')
      .mockImplementation((d: Date) => fromDate(new Date(d.getTime() - 10 * 60_000)));
    let code: string;
    let stamped: number;
    try {
      code = await refusal(submit(c('Org1/bob'), 'openAccount', `${run}-late`, 'USD', ''));
    } finally {
      // Read before mockRestore, which also clears the recorded calls.
      stamped = spy.mock.calls.length;
      spy.mockRestore();
    }
    expect(stamped).toBeGreaterThan(0);
    expect(code).toBe('CLOCK_SKEW');
    expect(await refusal(evaluate(c('Org1/bob'), 'getAccount', `${run}-late`))).toBe('ACCOUNT_NOT_FOUND');
    // With the right time the same request goes through.
    await submit(c('Org1/bob'), 'openAccount', `${run}-late`, 'USD', '');
  });
});
