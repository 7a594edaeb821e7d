/**
 * The endorse stage: a new proposal (a new transaction ID) endorsed on one
 * endpoint, on another after a transport failure or timeout. Nothing has
 * been sent for ordering, so every failure here is definite: an
 * EndorseError for the gateway's refusal, a ChaincodeError for the
 * chaincode's, DeadlineExceededError or EndpointsUnavailableError for
 * giving up; each carries the transaction ID once a proposal exists.
 */
import type { Transaction } from '@hyperledger/fabric-gateway';
import type { Deadline, Deadlines } from '../deadlines';
import { withTransactionId } from '../outcomes';
import type { TransactionRequest } from '../request';
import type { SubmitCounters } from './counters';
import { onEndpoints, type StageContext } from './endpoints';
import { newProposal } from './proposal';

/**
 * Endorses a fresh proposal. `admitted`: the request already holds its
 * place (a retry after a conflict), so it does not queue behind new ones.
 */
export async function endorse(
  ctx: StageContext,
  req: TransactionRequest,
  deadline: Deadline,
  d: Deadlines,
  counters: SubmitCounters,
  admitted: boolean,
): Promise<Transaction> {
  // The transaction ID of the latest proposal: every error carries it once one exists.
  let txId: string | undefined;
  try {
    return await onEndpoints(ctx, 'endorse', deadline, counters, admitted, (gateway) => {
      const proposal = newProposal(gateway, ctx.channel, req);
      txId = proposal.getTransactionId();
      return proposal.endorse({ deadline: deadline.forStage(d.endorseMs) });
    });
  } catch (err) {
    throw withTransactionId(err, txId);
  }
}
