/**
 * The channel's ledger height as one peer sees it (qscc GetChainInfo): the
 * number of the next block it will commit. A stream with nothing to resume
 * from pins its start there, so that a disconnect before its first event
 * cannot skip blocks the way "next commit" on the reconnect would. qscc is
 * answered by every peer and its ACL (qscc/GetChainInfo) is the channel
 * Readers policy, the same as gateway/ChaincodeEvents by default.
 */
import { common } from '@hyperledger/fabric-protos';
import type { Gateway } from '@hyperledger/fabric-gateway';

/** Reads the height; fails with the gateway's error (or on an unparsable answer). */
export async function ledgerHeight(gateway: Gateway, channel: string, timeoutMs: number): Promise<bigint> {
  const bytes = await gateway
    .getNetwork(channel)
    .getContract('qscc')
    .newProposal('GetChainInfo', { arguments: [channel] })
    .evaluate({ deadline: Date.now() + timeoutMs });
  return BigInt(common.BlockchainInfo.deserializeBinary(bytes).getHeight());
}
