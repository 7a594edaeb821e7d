import { Context } from 'fabric-contract-api';
import { Caller, resolveCaller } from './acl';
import { State } from './state';

/**
 * Transaction context: the caller, the transaction time and typed state
 * access, each computed once. Transactions type their ctx parameter with this
 * class (fabric-contract-api matches the context type when building metadata).
 */
export class PaymentsContext extends Context {
  private cachedCaller?: Caller;
  private cachedState?: State;

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

  /** Transaction time in epoch ms (same on every endorser). */
  get nowMillis(): number {
    return this.stub.getDateTimestamp().getTime();
  }

  /** Transaction time, ISO-8601 UTC. */
  get now(): string {
    return new Date(this.nowMillis).toISOString();
  }
}
