/** A fabric-gateway proposal for a request, on one connection. */
import type { Gateway, Proposal, ProposalOptions } from '@hyperledger/fabric-gateway';
import type { TransactionRequest } from '../request';

export function newProposal(gateway: Gateway, channel: string, req: TransactionRequest): Proposal {
  const contract = gateway.getNetwork(channel).getContract(req.chaincode, req.contract);
  const options: ProposalOptions = {
    arguments: [...(req.args ?? [])],
    ...(req.transient ? { transientData: { ...req.transient } } : {}),
    ...(req.endorsingOrganizations ? { endorsingOrganizations: [...req.endorsingOrganizations] } : {}),
  };
  return contract.newProposal(req.transaction, options);
}
