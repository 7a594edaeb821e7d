/**
 * How the chaincode dispatches transactions (`FABPAY_CHAINCODE_DISPATCH`):
 *
 * - `direct` (default): the hot transactions (fast-dispatch.ts) run through
 *   our own small dispatcher over the same contract, checks and serializer;
 *   everything else through fabric-contract-api. fabric-shim's logging is
 *   quiet by default (shim-logging.ts).
 * - `contract`: every transaction through fabric-contract-api, with
 *   fabric-shim's logging as it always was; the path before issue 15 part 3,
 *   kept so a benchmark can compare the two.
 */
export type DispatchMode = 'direct' | 'contract';

/** Environment variable selecting the {@link DispatchMode}. */
export const DISPATCH_ENV = 'FABPAY_CHAINCODE_DISPATCH';

/** The mode named in the environment; unset or empty = `direct`; anything else is refused. */
export function dispatchModeFromEnv(env: NodeJS.ProcessEnv = process.env): DispatchMode {
  const value = (env[DISPATCH_ENV] ?? '').trim().toLowerCase();
  if (value === '' || value === 'direct') {
    return 'direct';
  }
  if (value === 'contract') {
    return 'contract';
  }
  throw new Error(`${DISPATCH_ENV} must be "direct" or "contract", not ${JSON.stringify(value)}`);
}
