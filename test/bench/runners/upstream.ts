/**
 * Configurations (2) and (3): @hyperledger/fabric-gateway used the way its samples use it: one
 * gRPC connection to one peer, the default signer (`signers.newPrivateKeySigner`), the samples'
 * deadlines, `contract.submitTransaction` (endorse, submit, wait for commit). No retries: a
 * conflict at commit reaches the caller as a CommitError. Whether payments run one after another
 * (2) or concurrently with Promise.all (3) is up to the load loop.
 */
import { createPrivateKey } from 'node:crypto';
import { createRequire } from 'node:module';
import type * as GrpcJs from '@grpc/grpc-js';
import {
  CommitError,
  connect,
  GatewayError,
  hash,
  signers,
  type ConnectOptions,
  type Contract,
  type Gateway,
} from '@hyperledger/fabric-gateway';
import {
  endpointsFromProfile,
  loadConnectionProfile,
  loadIdentity,
  parseChaincodeError,
  validationCodeName,
} from '@fabpay/gateway-client';
import type { Outcome, PaymentSubmitter } from '../load';
import type { PaymentSpec } from '../workloads';

export interface UpstreamRunnerOptions {
  name: string;
  profile: string;
  wallet: string;
  identity: string;
  channel: string;
  chaincode: string;
}

/**
 * The repository holds three copies of @grpc/grpc-js (1.9 hoisted at the root for fabric-shim,
 * 1.14 nested under @hyperledger/fabric-gateway and under @fabpay/gateway-client). A sample
 * application would use the one fabric-gateway uses, so load that copy; its API is the same as
 * the root copy's types describe, but the two copies' class types differ nominally, hence the
 * cast where the client is handed to connect().
 */
const grpc = createRequire(require.resolve('@hyperledger/fabric-gateway'))('@grpc/grpc-js') as typeof GrpcJs;

const CONFLICT_CODES = new Set(['MVCC_READ_CONFLICT', 'PHANTOM_READ_CONFLICT']);

export class UpstreamSubmitter implements PaymentSubmitter {
  private constructor(
    readonly name: string,
    private readonly grpcClient: GrpcJs.Client,
    private readonly gateway: Gateway,
    private readonly contract: Contract,
  ) {}

  static async open(options: UpstreamRunnerOptions): Promise<UpstreamSubmitter> {
    const identity = await loadIdentity(options.wallet, options.identity);
    const profile = await loadConnectionProfile(options.profile);
    const peer = endpointsFromProfile(profile, { mspId: identity.mspId })[0];
    if (!peer?.tlsRootCert) throw new Error('no TLS peer endpoint in the connection profile');
    // As in fabric-samples (asset-transfer-basic/application-gateway-typescript): one grpc.Client.
    const grpcClient = new grpc.Client(
      peer.address,
      grpc.credentials.createSsl(Buffer.from(peer.tlsRootCert)),
      peer.serverNameOverride ? { 'grpc.ssl_target_name_override': peer.serverNameOverride } : {},
    );
    const gateway = connect({
      client: grpcClient as unknown as ConnectOptions['client'],
      identity: { mspId: identity.mspId, credentials: Buffer.from(identity.certificate) },
      signer: signers.newPrivateKeySigner(createPrivateKey(identity.privateKey)),
      hash: hash.sha256,
      // The samples' deadlines.
      evaluateOptions: () => ({ deadline: Date.now() + 5_000 }),
      endorseOptions: () => ({ deadline: Date.now() + 15_000 }),
      submitOptions: () => ({ deadline: Date.now() + 5_000 }),
      commitStatusOptions: () => ({ deadline: Date.now() + 60_000 }),
    });
    const contract = gateway.getNetwork(options.channel).getContract(options.chaincode);
    return new UpstreamSubmitter(options.name, grpcClient, gateway, contract);
  }

  async pay(p: PaymentSpec): Promise<Outcome> {
    try {
      await this.contract.submitTransaction('pay', p.paymentId, p.from, p.to, p.amount, p.currency, '');
      return { ok: true };
    } catch (err) {
      if (err instanceof CommitError) {
        const name = validationCodeName(err.code);
        return { ok: false, kind: CONFLICT_CODES.has(name) ? 'conflict' : 'error', code: name };
      }
      if (err instanceof GatewayError) {
        const details = err.details.map((d) => d.message).join(' ');
        const cc = parseChaincodeError(`${err.message} ${details}`);
        return {
          ok: false,
          kind: 'error',
          code: cc?.code ?? `GRPC_${grpc.status[err.code] ?? err.code}`,
          detail: `${err.message} | ${details}`,
        };
      }
      return { ok: false, kind: 'error', code: err instanceof Error ? err.name : 'UNKNOWN' };
    }
  }

  /** The upstream library never retries a conflict: every one reaches the caller. */
  conflictRetries(): Promise<number> {
    return Promise.resolve(0);
  }

  retryCounts(): Promise<Record<string, number>> {
    return Promise.resolve({});
  }

  close(): Promise<void> {
    this.gateway.close();
    this.grpcClient.close();
    return Promise.resolve();
  }
}
