/**
 * What an endorsing peer's chaincode server knows that the ledger does not:
 * its own clock and the genesis governance its operator configured. Both can
 * only make this endorser *refuse* a proposal (clock skew, a genesis it was
 * not told to accept); they never change a result, so every endorser that
 * accepts a proposal still writes identical state.
 */
export interface EndorserConfig {
  /** The endorser's wall clock in epoch milliseconds. */
  now(): number;
  /**
   * SHA-256 (hex) of the canonical JSON of the genesis governance this org
   * agreed to (`FABPAY_GOVERNANCE_GENESIS_SHA256`); undefined = this endorser
   * accepts no `initGovernance` at all.
   */
  genesisSha256: string | undefined;
}

/** Environment variable carrying the agreed genesis governance hash. */
export const GENESIS_ENV = 'FABPAY_GOVERNANCE_GENESIS_SHA256';

function fromEnv(env: NodeJS.ProcessEnv): EndorserConfig {
  const hash = env[GENESIS_ENV]?.trim().toLowerCase();
  return { now: () => Date.now(), genesisSha256: hash ? hash : undefined };
}

let current: EndorserConfig = fromEnv(process.env);

/** This process's endorser configuration. */
export function endorser(): EndorserConfig {
  return current;
}

/**
 * Replaces parts of the endorser configuration (the unit-test harness plays
 * several endorsers and moves their clocks). Returns the previous value.
 */
export function configureEndorser(change: Partial<EndorserConfig>): EndorserConfig {
  const previous = current;
  current = { ...current, ...change };
  return previous;
}
