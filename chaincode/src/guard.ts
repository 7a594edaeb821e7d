import { ChaincodeResponse, Shim } from 'fabric-shim';
import ChaincodeFromContract from 'fabric-shim/lib/contract-spi/chaincodefromcontract';
import { CONTRACT_NAME } from './contract/payments-contract';
import { DispatchMode } from './dispatch-mode';
import { hasStableCode, quote } from './errors';
import { DirectDispatch, DirectStub } from './fast-dispatch';

/** Longest rejection message the chaincode returns. */
export const MAX_MESSAGE_LENGTH = 512;

/**
 * Shape of a function name worth dispatching: an optional contract name, a
 * colon, a name (dots allowed for the system contract's
 * `org.hyperledger.fabric:GetMetadata`). Anything else is refused before
 * fabric-shim sees it, so an oversized or binary name is never parsed,
 * logged or echoed.
 */
const FUNCTION_NAME = /^([A-Za-z][A-Za-z0-9_.-]{0,63}:)?[A-Za-z][A-Za-z0-9_]{0,63}$/;

/** GuardedChaincode options beyond ChaincodeFromContract's. */
export interface GuardOptions {
  /** `direct` (default): hot transactions through fast-dispatch.ts; `contract`: all through fabric-contract-api. */
  dispatch?: DispatchMode;
}

/** Turns fabric-shim's and fabric-contract-api's own refusals into stable codes. */
function normalise(message: string): string {
  if (hasStableCode(message)) {
    return message;
  }
  let m = /^Expected (\d+) parameters, but (\d+) have been supplied/.exec(message);
  if (m) {
    return `INVALID_ARGUMENT: expected ${m[1]} arguments, got ${m[2]}`;
  }
  m = /^Contract name is not known: ([\s\S]*)$/.exec(message);
  if (m) {
    return `UNKNOWN_TRANSACTION: no contract ${quote(m[1] ?? '')}`;
  }
  m = /^You've asked to invoke a function that does not exist: ([\s\S]*)$/.exec(message);
  if (m) {
    return `UNKNOWN_TRANSACTION: no transaction ${quote(m[1] ?? '')}`;
  }
  // Anything else is unexpected (a bug or a shim failure); say so without echoing it at length.
  return `INTERNAL: ${quote(message, 160)}`;
}

/** Keeps a message within MAX_MESSAGE_LENGTH characters. */
function bound(message: string): string {
  return message.length <= MAX_MESSAGE_LENGTH ? message : `${message.slice(0, MAX_MESSAGE_LENGTH - 1)}…`;
}

/** An error response as fabric-shim builds them (status 500), with a bounded message. */
function refusal(message: string): ChaincodeResponse {
  return Shim.error(bound(message));
}

/**
 * fabric-shim's contract dispatch with one guarantee added: every refusal
 * carries a stable code and a bounded message. fabric-shim and
 * fabric-contract-api refuse wrong parameter counts, unknown contracts and
 * unknown functions in their own words (echoing the caller's input whole);
 * a long enough echo broke the gateway's response stream. The CCaaS server
 * and the unit-test harness both dispatch through this class.
 *
 * In the `direct` dispatch mode the hot transactions (fast-dispatch.ts) skip
 * fabric-contract-api's per-call machinery but go through the same checks,
 * contract hooks, serializer and the same refusal normalisation here.
 */
export class GuardedChaincode extends ChaincodeFromContract {
  /** The dispatch mode this instance runs. */
  readonly dispatch: DispatchMode;
  private readonly direct: DirectDispatch | undefined;

  constructor(
    contractClasses: unknown[],
    serializers: unknown,
    metadata: object = {},
    title?: string,
    version?: string,
    options: GuardOptions = {},
  ) {
    super(contractClasses, serializers, metadata, title, version);
    this.dispatch = options.dispatch ?? 'direct';
    this.direct = this.dispatch === 'direct' ? new DirectDispatch(this, CONTRACT_NAME) : undefined;
  }

  override async invokeFunctionality(stub: unknown): Promise<ChaincodeResponse> {
    const args = (stub as DirectStub).getBufferArgs();
    let res: ChaincodeResponse | undefined;
    if (args.length > 0) {
      const raw = Buffer.from(args[0] ?? []);
      const name = raw.length > 256 ? raw.subarray(0, 256).toString('utf8') : raw.toString('utf8');
      if (raw.length > 256 || !FUNCTION_NAME.test(name)) {
        const size = raw.length > 256 ? ` (${raw.length} bytes)` : '';
        return refusal(`UNKNOWN_TRANSACTION: no transaction ${quote(name)}${size}`);
      }
      const route = this.direct?.route(name);
      if (this.direct && route) {
        res = await this.direct.invoke(stub as DirectStub, route, args.slice(1));
      }
    }
    res ??= await super.invokeFunctionality(stub);
    if (res.status === 200) {
      return res;
    }
    return refusal(normalise(res.message ?? ''));
  }
}
