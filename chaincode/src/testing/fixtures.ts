import { identity, TestIdentity } from './identities';
import { TestFabric } from './fabric';

/** The cast of the unit tests. */
export interface Cast {
  alice: TestIdentity;
  bob: TestIdentity;
  carol: TestIdentity;
  merchant: TestIdentity;
  issuer: TestIdentity;
  compliance: TestIdentity;
  admin: TestIdentity;
  /** Admin of another org. */
  admin2: TestIdentity;
  /** Client of another org. */
  dave: TestIdentity;
}

/** Creates (or reuses) the test identities. */
export async function cast(): Promise<Cast> {
  const [alice, bob, carol, merchant, issuer, compliance, admin, admin2, dave] = await Promise.all([
    identity({ mspId: 'Org1MSP', cn: 'alice' }),
    identity({ mspId: 'Org1MSP', cn: 'bob' }),
    identity({ mspId: 'Org1MSP', cn: 'carol' }),
    identity({ mspId: 'Org2MSP', cn: 'merchant' }),
    identity({ mspId: 'Org1MSP', cn: 'issuer', attrs: { 'payments.role': 'issuer' } }),
    identity({ mspId: 'Org1MSP', cn: 'compliance', attrs: { 'payments.role': 'compliance' } }),
    identity({ mspId: 'Org1MSP', cn: 'admin', ou: 'admin' }),
    identity({ mspId: 'Org2MSP', cn: 'admin', ou: 'admin' }),
    identity({ mspId: 'Org2MSP', cn: 'dave' }),
  ]);
  return { alice, bob, carol, merchant, issuer, compliance, admin, admin2, dave };
}

/**
 * A fresh channel with accounts A (alice), B (bob), M (merchant) in USD and
 * E (alice) in EUR; A holds 10000 settled, B 5000 settled.
 */
export async function funded(): Promise<{ f: TestFabric; c: Cast }> {
  const c = await cast();
  const f = new TestFabric();
  await f.ok(c.alice, 'openAccount', 'A', 'USD', '');
  await f.ok(c.bob, 'openAccount', 'B', 'USD', '');
  await f.ok(c.merchant, 'openAccount', 'M', 'USD', '');
  await f.ok(c.alice, 'openAccount', 'E', 'EUR', '');
  await f.ok(c.issuer, 'issue', 'mint-A', 'A', '10000');
  await f.ok(c.issuer, 'issue', 'mint-B', 'B', '5000');
  await f.ok(c.alice, 'foldCredits', 'A', 'i:Org1MSP:mint-A');
  await f.ok(c.bob, 'foldCredits', 'B', 'i:Org1MSP:mint-B');
  return { f, c };
}
