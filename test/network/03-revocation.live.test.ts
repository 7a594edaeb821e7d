/**
 * Revocation reaches the live channel: a user enrolled through the programmatic CA API transacts,
 * is revoked, the CRL is published as a channel config update, and the peers then refuse it.
 */
import { enrollmentClientForOrg } from '@fabpay/ca';
import { publishCrls, revoke } from '@fabpay/network';
import { closeParties, eventually, openParty, runId, type Party } from '../support/payments-kit';
import { liveNetwork, networkOptions } from '../support/live-network';

describe('revocation on the live channel', () => {
  const options = networkOptions();
  const ctx = liveNetwork();
  const user = runId('mallory');
  let mallory: Party | undefined;
  let alice: Party | undefined;
  afterAll(() => closeParties(mallory, alice));

  it('refuses a revoked identity once its CRL is published, and publishing again changes nothing', async () => {
    const ca = enrollmentClientForOrg(ctx.topology, 'Org1');
    const { secret } = await ca.register({ id: user });
    await ca.enroll(user, secret!);
    mallory = await openParty(ctx, 'Org1', user);
    alice = await openParty(ctx, 'Org1', 'alice');
    await mallory.payments.openAccount(`${user}-before`, 'EUR');

    const result = await revoke('Org1', user, options);
    expect(result).toMatchObject({ mspId: 'Org1MSP', changed: true });
    expect(result.serials.length).toBeGreaterThan(0);
    expect(result.crls).toBeGreaterThan(0);

    // Peers apply the config block as they commit it; until then they may still accept.
    const refusal = await eventually('the peers to refuse the revoked identity', async () => {
      try {
        await mallory!.payments.whoami();
        return undefined;
      } catch (err) {
        return err as Error;
      }
    });
    expect(refusal).toBeInstanceOf(Error);
    await expect(mallory.payments.openAccount(`${user}-after`, 'EUR')).rejects.toThrow();
    // Nothing the revoked identity tried after revocation reached the ledger.
    await expect(alice.payments.getAccount(`${user}-after`)).rejects.toMatchObject({
      paymentCode: 'ACCOUNT_NOT_FOUND',
    });
    await expect(alice.payments.getAccount(`${user}-before`)).resolves.toMatchObject({ status: 'active' });

    expect(await publishCrls('Org1', options)).toMatchObject({ changed: false });
  });
});
