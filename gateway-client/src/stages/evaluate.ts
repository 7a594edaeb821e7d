/**
 * The evaluate stage: one Evaluate call (a query, nothing is ordered), on
 * another endpoint after a transport failure or timeout. Its refusals are
 * GatewayRequestErrors with `stage` `evaluate`; a chaincode rejection is a
 * ChaincodeError.
 */
import { Deadline, type Deadlines } from '../deadlines';
import type { TransactionRequest } from '../request';
import { newCounters } from './counters';
import { onEndpoints, type StageContext } from './endpoints';
import { newProposal } from './proposal';

export function evaluate(ctx: StageContext, req: TransactionRequest, d: Deadlines): Promise<Uint8Array> {
  const deadline = new Deadline(d.overallMs);
  return onEndpoints(ctx, 'evaluate', deadline, newCounters(), false, (gateway) =>
    newProposal(gateway, ctx.channel, req).evaluate({ deadline: deadline.forStage(d.evaluateMs) }),
  );
}
