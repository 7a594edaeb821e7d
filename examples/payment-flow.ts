/**
 * The quick start's sample payment flow, through the fabpay gateway client (the way a backend
 * service calls the chaincode): alice (an issuer: her CA attribute, and the network's governance
 * granting her org EUR) and bob open EUR accounts, alice issues 1,000.00 EUR to herself, folds it
 * into her settled balance and pays bob 25.00 EUR; the payment is read back by payer account and
 * payment ID (payment IDs are scoped within the payer), then both balances and the conservation
 * report are printed.
 *
 * Run against the network `npm run network -- up` started: `npx tsx examples/payment-flow.ts`.
 */
import path from 'node:path';
import { FabpayClient, PaymentsClient } from '@fabpay/gateway-client';
import { fabpayHome } from '@fabpay/topology';

const profiles = path.join(fabpayHome(), 'run', 'network', 'profiles');
const wallet = path.join(fabpayHome(), 'run', 'wallets', 'Org1');

async function connect(identityLabel: string): Promise<{ client: FabpayClient; payments: PaymentsClient }> {
  const client = await FabpayClient.fromProfile({
    profile: path.join(profiles, 'connection-org1.json'),
    identityStore: wallet,
    identityLabel,
    channel: 'payments',
  });
  return { client, payments: new PaymentsClient(client, { chaincode: 'payments' }) };
}

async function main(): Promise<void> {
  const alice = await connect('alice');
  const bob = await connect('bob');
  try {
    // IDs unique per run, so the flow can be repeated against the same ledger.
    const run = Date.now().toString(36);
    const payer = `alice-${run}`;
    const payee = `bob-${run}`;
    await alice.payments.openAccount(payer, 'EUR');
    await bob.payments.openAccount(payee, 'EUR');
    console.log(`opened ${payer} (alice) and ${payee} (bob)`);

    const issued = await alice.payments.issue(`issue-${run}`, payer, 100000n);
    console.log(`issued 1000.00 EUR to ${payer} in block ${issued.blockNumber}`);
    // Incoming money lands as pending credits (so concurrent payers never conflict on the
    // payee's balance); folding them (the owner, or an admin of its org) makes them spendable.
    const pending = await alice.payments.listPendingCredits(payer);
    await alice.payments.foldCredits(
      payer,
      pending.items.map((c) => c.creditId),
    );

    const paid = await alice.payments.pay({
      paymentId: `pay-${run}`,
      from: payer,
      to: payee,
      amount: 2500n,
      currency: 'EUR',
      reference: 'quick start',
    });
    console.log(`alice paid bob 25.00 EUR: transaction ${paid.transactionId} in block ${paid.blockNumber}`);
    const payment = await alice.payments.getPayment(payer, `pay-${run}`);
    console.log(
      `payment ${payment.paymentId} of ${payment.from}: ${payment.amount} ${payment.currency} to ${payment.to}`,
    );

    for (const [name, account] of [
      ['alice', payer],
      ['bob', payee],
    ] as const) {
      const b = await alice.payments.getBalance(account);
      console.log(`${name}: available ${b.available}, held ${b.held}, pending ${b.pending} (minor units)`);
    }
    for (const line of await alice.payments.conservationReport()) {
      console.log(
        `${line.currency}: issued - redeemed = ${line.outstanding}, held by accounts = ${line.total}, balanced: ${line.balanced}`,
      );
    }
  } finally {
    await alice.client.close();
    await bob.client.close();
  }
}

main().catch((err: unknown) => {
  console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
