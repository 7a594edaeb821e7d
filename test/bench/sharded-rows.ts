/**
 * The rows with a sharded payer (payouts.ts, hot-payer.ts) behind one small hook for run.ts:
 * `setup` before the measured rows (accounts opened and funded outside any measured window),
 * `run` with the main settings, then `sections` for the JSON summary and `table` for stderr.
 */
import type { BenchArgs } from './args';
import { runHotPayer, setupHotPayer, type HotPayerSection } from './hot-payer';
import { payoutTable, profilePayouts, runPayouts, setupPayouts, type PayoutSection } from './payouts';
import type { RunReport } from './report';
import type { FabpaySubmitter } from './runners/fabpay';
import type { Settings } from './settings';
import type { ShardedPayerSetup } from './sharded';
import type { Accounts } from './workloads';

export interface ShardedRowsDeps {
  args: BenchArgs;
  /** Account ID prefix of the main custody setting's accounts (setup.ts accountPrefix). */
  prefix: string;
  /** The main custody setting's accounts: payees of both rows. */
  accounts: Accounts;
  settings: Settings;
  chaincode: string;
  tag: string;
  log: (line: string) => void;
}

export class ShardedRows {
  private payouts?: PayoutSection;
  private hotPayer?: HotPayerSection;

  private constructor(
    private readonly deps: ShardedRowsDeps,
    private readonly payoutPayer: ShardedPayerSetup | undefined,
    private readonly hotPayerAccount: ShardedPayerSetup | undefined,
  ) {}

  /** Opens and funds the payers the asked-for rows need (none when both are off). */
  static async setup(fabpay: FabpaySubmitter, deps: ShardedRowsDeps): Promise<ShardedRows> {
    const { args, prefix, accounts, log } = deps;
    const payout = await setupPayouts(fabpay, args, prefix, accounts.currency, log);
    const hot = await setupHotPayer(fabpay, args, prefix, accounts.currency, log);
    return new ShardedRows(deps, payout, hot);
  }

  /**
   * --profile: batches of `size` lines for `seconds` with `capture` running (payouts.ts
   * profilePayouts); undefined without a payout payer.
   */
  profilePayouts<T>(
    fabpay: FabpaySubmitter,
    size: number,
    seconds: number,
    capture: () => Promise<{ finish(): Promise<T> }>,
  ): Promise<T | undefined> {
    return profilePayouts({ ...this.deps, fabpay, payer: this.payoutPayer }, size, seconds, capture);
  }

  /** Runs the payout rows, then the hot payer row, whose run joins `runs` (the main table). */
  async run(fabpay: FabpaySubmitter, runs: RunReport[]): Promise<void> {
    const common = { ...this.deps, fabpay };
    this.payouts = await runPayouts({ ...common, payer: this.payoutPayer });
    const hot = await runHotPayer({ ...common, payer: this.hotPayerAccount, runs });
    if (hot) {
      runs.push(hot.run);
      this.hotPayer = hot.section;
    }
  }

  sections(): { payouts?: PayoutSection; hotPayer?: HotPayerSection } {
    return {
      ...(this.payouts ? { payouts: this.payouts } : {}),
      ...(this.hotPayer ? { hotPayer: this.hotPayer } : {}),
    };
  }

  /** The payout rows as a table, or '' without them. */
  table(): string {
    return this.payouts && this.payouts.rows.length > 0 ? payoutTable(this.payouts) : '';
  }
}
