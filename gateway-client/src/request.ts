/** What a caller asks for and what a committed submit returns. */
import type { Deadlines } from './deadlines';

/** One chaincode transaction invocation. */
export interface TransactionRequest {
  /** Chaincode name. */
  readonly chaincode: string;
  /** Contract name within the chaincode, if not the default contract. */
  readonly contract?: string;
  /** Transaction (function) name. */
  readonly transaction: string;
  readonly args?: readonly (string | Uint8Array)[];
  /** Private inputs, not recorded on the ledger. */
  readonly transient?: Readonly<Record<string, string | Uint8Array>>;
  /** Restrict endorsement to these MSP IDs (else the gateway decides from the policy). */
  readonly endorsingOrganizations?: readonly string[];
  /** Per-request deadline overrides. */
  readonly deadlines?: Partial<Deadlines>;
}

/** Outcome of a committed transaction. */
export interface SubmitResult {
  /** The chaincode's return value. */
  readonly result: Uint8Array;
  readonly transactionId: string;
  readonly blockNumber: bigint;
  /** How much retrying it took (for tests, logs and curiosity). */
  readonly retries: {
    readonly endpoint: number;
    readonly conflicts: number;
    readonly resubmits: number;
    readonly statusLookups: number;
  };
}
