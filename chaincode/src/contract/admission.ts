import { requireMember } from '../acl';
import { PaymentsContext } from '../context';
import { DEFAULT_MAX_CLOCK_SKEW_SECONDS } from '../domain/governance';
import { endorser } from '../endorser';
import { fail } from '../errors';
import { SUBMIT_TRANSACTIONS } from './decorators';

/** The transaction that writes governance before any exists. */
const GENESIS = 'initGovernance';

/** Function name without an optional `contract:` prefix, as fabric-shim splits it. */
function transactionName(fcn: string): string {
  const i = fcn.indexOf(':');
  return i < 0 ? fcn : fcn.slice(i + 1);
}

/**
 * Admission checks for every submit transaction, run by the contract's
 * beforeTransaction after the arguments passed their schemas:
 *
 * - Trusted time: the proposal timestamp is chosen by the client, so the
 *   endorser refuses one further than the governed skew from its own clock
 *   (CLOCK_SKEW). The clock only decides whether to refuse; every result
 *   still comes from the transaction timestamp, so endorsers that accept
 *   write the same state.
 * - Membership: only identities of member MSPs change state (before
 *   genesis, only initGovernance runs).
 */
export async function admit(ctx: PaymentsContext): Promise<void> {
  const name = transactionName(ctx.stub.getFunctionAndParameters().fcn);
  if (!SUBMIT_TRANSACTIONS.has(name)) {
    return;
  }
  const governance = await ctx.governanceOrNull();
  const skew = governance?.maxClockSkewSeconds ?? DEFAULT_MAX_CLOCK_SKEW_SECONDS;
  const offset = ctx.nowMillis - endorser().now();
  if (Math.abs(offset) > skew * 1000) {
    throw fail(
      'CLOCK_SKEW',
      `the proposal timestamp ${ctx.now} is ${Math.round(offset / 1000)} s from this endorser's clock (at most ${skew} s allowed)`,
    );
  }
  if (name === GENESIS) {
    return;
  }
  if (!governance) {
    throw fail('GOVERNANCE_NOT_SET', 'the payments governance has not been initialised (initGovernance)');
  }
  requireMember(ctx.caller, governance);
}
