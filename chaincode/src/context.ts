import { Context } from 'fabric-contract-api';
import { Caller, resolveCaller } from './acl';
import { fail } from './errors';
import { KEY } from './keys';
import { Governance } from '@fabpay/model';
import { State } from './state';

/**
 * Transaction context: the caller, the transaction time, the governance and
 * typed state access, each computed once. Transactions type their ctx
 * parameter with this class (fabric-contract-api matches the context type
 * when building metadata).
 */
export class PaymentsContext extends Context {
  private cachedCaller?: Caller;
  private cachedState?: State;
  private cachedGovernance?: Promise<Governance | null>;

  /** The calling identity. */
  get caller(): Caller {
    this.cachedCaller ??= resolveCaller(this.clientIdentity);
    return this.cachedCaller;
  }

  /** Typed state access over this transaction's stub. */
  get state(): State {
    this.cachedState ??= new State(this.stub);
    return this.cachedState;
  }

  private cachedNowMillis?: number;
  private cachedNow?: string;

  /**
   * Transaction time in epoch ms (same on every endorser). The proposal's
   * timestamp never changes within a transaction, so it is read once
   * (fabric-shim builds a new Date on every getDateTimestamp call, and a
   * payment asks for the time about six times).
   */
  get nowMillis(): number {
    this.cachedNowMillis ??= this.stub.getDateTimestamp().getTime();
    return this.cachedNowMillis;
  }

  /** Transaction time, ISO-8601 UTC. */
  get now(): string {
    this.cachedNow ??= new Date(this.nowMillis).toISOString();
    return this.cachedNow;
  }

  /**
   * The effective governance, or null before genesis. Read once per
   * transaction; the read puts the governance key in the read set, so a
   * transaction endorsed under governance that changed before it commits is
   * invalidated (MVCC) rather than applied under the old rules.
   */
  governanceOrNull(): Promise<Governance | null> {
    this.cachedGovernance ??= this.state.get<Governance>(KEY.governance, []);
    return this.cachedGovernance;
  }

  /** The effective governance; GOVERNANCE_NOT_SET before genesis. */
  async governance(): Promise<Governance> {
    const g = await this.governanceOrNull();
    if (!g) {
      throw fail('GOVERNANCE_NOT_SET', 'the payments governance has not been initialised (initGovernance)');
    }
    return g;
  }
}
