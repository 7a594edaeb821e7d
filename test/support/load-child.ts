/**
 * A client process for the client-crash fault run (e2e/03-stalls): opens its own pooled client,
 * starts every payment of its job at once, and appends each history event (invoked, then ok,
 * failed or unknown with the transaction ID) to the job's events file as one JSON line, written
 * synchronously as it happens, so the history survives a SIGKILL of this process. It reports its
 * progress to the parent over the IPC channel. Started by {@link startLoadChild} (client-process.ts)
 * as `node --import tsx load-child.ts <job.json>`; exits 0 once every payment has settled.
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { FabpayClient, PaymentsClient } from '@fabpay/gateway-client';
import { eventToJson, History, type PaymentSpec } from './history';
import type { ChildMessage, LoadJob } from './client-process';

function send(message: ChildMessage): void {
  process.send?.(message);
}

async function retries(client: FabpayClient): Promise<Record<string, number>> {
  const metric = await client.metrics.retries.get();
  return Object.fromEntries(
    metric.values.map((v) => [`${String(v.labels.stage)}/${String(v.labels.reason)}`, v.value]),
  );
}

async function main(jobFile: string): Promise<void> {
  const job = JSON.parse(readFileSync(jobFile, 'utf8')) as LoadJob;
  const specs: PaymentSpec[] = job.specs.map((s) => ({ ...s, amount: BigInt(s.amount) }));
  const client = await FabpayClient.fromProfile({
    profile: job.profile,
    identityStore: job.identityStore,
    identityLabel: job.identityLabel,
    channel: job.channel,
  });
  const payments = new PaymentsClient(client, { chaincode: job.chaincode });
  const fd = openSync(job.eventsFile, 'a');
  const history = new History(Date.now, (e) => writeSync(fd, `${eventToJson(e)}\n`));
  const counts = { committed: 0, failed: 0, unknown: 0 };
  const progress = async (): Promise<void> =>
    send({
      type: 'progress',
      ...counts,
      activeRequests: client.status().activeRequests,
      retries: await retries(client),
    });

  const all = specs.map(async (spec) => {
    const op = history.invoke(spec);
    try {
      history.ok(op, await payments.pay({ ...spec, reference: 'live test' }));
      counts.committed++;
    } catch (error) {
      counts[history.error(op, error) === 'failed' ? 'failed' : 'unknown']++;
    }
    await progress();
  });
  send({ type: 'started', payments: specs.length, activeRequests: client.status().activeRequests });
  await Promise.all(all);
  await progress();
  closeSync(fd);
  await client.close({ drainTimeoutMs: 10_000 });
  send({ type: 'done', ...counts });
}

main(process.argv[2] ?? '').then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`[load-child] ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
