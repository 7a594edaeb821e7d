#!/usr/bin/env node
/**
 * fabpay: the operator CLI over the gateway client library.
 *
 * Connection settings come from flags or the environment:
 *   --profile   FABPAY_PROFILE    connection profile JSON (default: see below)
 *   --wallet    FABPAY_WALLET     identity store directory (default: the profile's x-fabpay.wallet)
 *   --identity  FABPAY_IDENTITY   identity label (required)
 *   --channel   FABPAY_CHANNEL    default: the profile's only channel, else "payments"
 *   --chaincode FABPAY_CHAINCODE  default "payments"
 *   --peers     FABPAY_PEERS      comma-separated peer names to use
 *   --timeout   FABPAY_TIMEOUT_MS overall deadline per request in ms
 *
 * Without --profile, the CLI looks for a local network started with `fabpay-network up` (in
 * $FABPAY_HOME, else the nearest .fabric directory above the working directory) and picks the
 * profile of the organisation whose identity store holds the identity; it says on stderr which
 * profile and store it picked (./local-network.ts).
 *
 * Exit codes: 0 ok, 1 failure, 2 usage or configuration error,
 * 3 chaincode rejection, 4 transaction outcome unknown.
 * Every command is documented in gateway-client/README.md.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import pino from 'pino';
import { FabpayClient } from './client';
import { ChaincodeError, FabpayError, TransactionOutcomeUnknownError } from './errors';
import { IdentityStoreError } from './identity-store';
import { LocalNetworkError, resolveConnection } from './local-network';
import { ConnectionProfileError, defaultChannel, loadConnectionProfile } from './profile';
import { governanceTerms, MAX_BATCH_LINES, PaymentsClient, type Committed } from './payments/api';
import { PaymentsError } from './payments/errors';
import {
  chunkPayout,
  defaultRunId,
  PayoutFileError,
  readPayoutCsv,
  type PayoutChunk,
  type PayoutLine,
} from './payments/payout-file';
import { validationCodeName } from './transactions';
import type { GovernanceTerms } from './payments/types';

/** Where the CLI reads and writes; injectable for tests. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
  /** Where relative paths start and the local network is looked for (default: process.cwd()). */
  readonly cwd?: string;
}

interface GlobalOptions {
  profile?: string;
  wallet?: string;
  identity?: string;
  channel?: string;
  chaincode?: string;
  peers?: string;
  timeout?: string;
  json?: boolean;
  verbose?: boolean;
}

/** Raised for missing or invalid settings: exit code 2. */
class UsageError extends Error {}

const EXIT = { ok: 0, failure: 1, usage: 2, rejected: 3, unknown: 4 } as const;

/** JSON with bigint as decimal strings and bytes as UTF-8. */
function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_k, v: unknown) =>
      typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? Buffer.from(v).toString() : v,
    2,
  );
}

/** Runs the CLI with the given argv (as process.argv: node, script, ...). Resolves to the exit code. */
export async function run(argv: readonly string[], io: CliIo = defaultIo()): Promise<number> {
  let exitCode: number = EXIT.ok;
  let client: FabpayClient | undefined;
  const program = new Command('fabpay')
    .description('Operate the fabpay payments chaincode through the Fabric gateway')
    .version(packageVersion())
    .addOption(
      new Option(
        '--profile <file>',
        'connection profile JSON (default: the local network’s, if one is up)',
      ).env('FABPAY_PROFILE'),
    )
    .addOption(
      new Option('--wallet <dir>', 'identity store directory (default: the one the profile names)').env(
        'FABPAY_WALLET',
      ),
    )
    .addOption(new Option('--identity <label>', 'identity label in the store').env('FABPAY_IDENTITY'))
    .addOption(
      new Option('--channel <name>', 'channel (default: the profile’s only channel, else payments)').env(
        'FABPAY_CHANNEL',
      ),
    )
    .addOption(new Option('--chaincode <name>', 'chaincode name').env('FABPAY_CHAINCODE').default('payments'))
    .addOption(new Option('--peers <names>', 'comma-separated peer names to use').env('FABPAY_PEERS'))
    .addOption(new Option('--timeout <ms>', 'overall deadline per request, ms').env('FABPAY_TIMEOUT_MS'))
    .option('--json', 'machine-readable JSON output')
    .option('--verbose', 'structured logs on stderr')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });

  // Commander reads .env() from process.env; honour the injected environment.
  const savedEnv = process.env;
  process.env = io.env;

  const globals = () => program.opts<GlobalOptions>();

  const connect = async (): Promise<{ client: FabpayClient; payments: PaymentsClient }> => {
    const g = globals();
    if (!g.identity) {
      throw new UsageError(
        'missing connection settings:\n  --identity / FABPAY_IDENTITY (the identity label, e.g. alice)' +
          (g.profile
            ? ''
            : '\n  and, without a local network, --profile / FABPAY_PROFILE and --wallet / FABPAY_WALLET'),
      );
    }
    const resolved = resolveConnection(
      { profile: g.profile, wallet: g.wallet, identity: g.identity },
      io.env,
      io.cwd ?? process.cwd(),
    );
    for (const note of resolved.notes) io.stderr(`fabpay: ${note}\n`);
    const profile = await loadConnectionProfile(resolved.profile);
    const channel = g.channel ?? defaultChannel(profile);
    const timeout = g.timeout === undefined ? undefined : Number(g.timeout);
    if (timeout !== undefined && !(timeout > 0))
      throw new UsageError(`--timeout must be a positive number of ms, got ${g.timeout}`);
    client = await FabpayClient.fromProfile({
      profile,
      identityStore: resolved.wallet,
      identityLabel: g.identity,
      channel,
      ...(g.peers ? { peers: g.peers.split(',').map((p) => p.trim()) } : {}),
      ...(timeout ? { deadlines: { overallMs: timeout } } : {}),
      connectionsPerEndpoint: 1,
      ...(g.verbose ? { logger: pino({ level: 'debug' }, pino.destination(2)) } : {}),
    });
    return { client, payments: new PaymentsClient(client, { chaincode: g.chaincode ?? 'payments' }) };
  };

  const print = (value: unknown) => {
    const g = globals();
    if (g.json) {
      io.stdout(toJson(value) + '\n');
      return;
    }
    const committed = value as Partial<Committed<unknown>>;
    if (committed && typeof committed === 'object' && 'transactionId' in committed && 'value' in committed) {
      io.stderr(
        `committed in block ${String(committed.blockNumber)} (tx ${String(committed.transactionId)})\n`,
      );
      io.stdout(toJson(committed.value) + '\n');
      return;
    }
    io.stdout((typeof value === 'string' ? value : toJson(value)) + '\n');
  };

  /** Declares an action that needs a connected client. */
  const act =
    <A extends unknown[]>(fn: (p: PaymentsClient, ...args: A) => Promise<unknown>) =>
    async (...args: A) => {
      const { payments } = await connect();
      print(await fn(payments, ...args));
    };

  const pageOptions = (c: Command) =>
    c
      .option('--page-size <n>', 'items per page (1..100)', '100')
      .option('--bookmark <b>', 'bookmark from the previous page', '');
  type PageOpts = { pageSize: string; bookmark: string };
  const pageOf = (o: PageOpts) => ({ pageSize: Number(o.pageSize), bookmark: o.bookmark });

  program
    .command('whoami')
    .description('show the caller as the chaincode sees it')
    .action(act((p) => p.whoami()));
  program
    .command('currencies')
    .description('list supported currencies')
    .action(act((p) => p.listCurrencies()));

  const account = program.command('account').description('open, close and inspect accounts');
  account
    .command('open <accountId> <currency>')
    .description('open an account (owner: the caller unless --owner)')
    .option('--owner <owner>', 'owner string "<MSP ID>::<id>" (org admins only)', '')
    .option('--shards <n>', 'split its funds across n shards (1..64) for many concurrent debits', '1')
    .action(
      act((p, id: string, currency: string, o: { owner: string; shards: string }) => {
        const shards = /^[0-9]{1,3}$/.test(o.shards) ? Number(o.shards) : NaN;
        return p.openAccount(id, currency, o.owner, { shards });
      }),
    );
  account
    .command('shards <accountId>')
    .description('settled available and held funds per shard')
    .action(act((p, id: string) => p.getShards(id)));
  account
    .command('rebalance <accountId>')
    .description("even a sharded account's available funds out across its shards (owner or org admin)")
    .action(act((p, id: string) => p.rebalanceShards(id)));
  account
    .command('close <accountId>')
    .description('close an empty account')
    .action(act((p, id: string) => p.closeAccount(id)));
  account
    .command('get <accountId>')
    .description('show an account')
    .action(act((p, id: string) => p.getAccount(id)));
  pageOptions(
    account
      .command('list')
      .description('list accounts of an owner (default: the caller)')
      .option('--owner <owner>', 'owner string', ''),
  ).action(act((p, o: PageOpts & { owner: string }) => p.listAccountsByOwner(o.owner, pageOf(o))));

  program
    .command('issue <operationId> <accountId> <amount>')
    .description('issue money into an account (role issuer)')
    .action(act((p, op: string, id: string, amount: string) => p.issue(op, id, amount)));
  program
    .command('redeem <operationId> <accountId> <amount>')
    .description('redeem money from an account of your own MSP (role issuer)')
    .action(act((p, op: string, id: string, amount: string) => p.redeem(op, id, amount)));
  program
    .command('supply <currency>')
    .description('issued, redeemed and outstanding totals')
    .action(act((p, c: string) => p.getSupply(c)));
  program
    .command('operation <mspId> <currency> <operationId>')
    .description('show an issue or redeem (operation IDs are scoped within the issuing MSP and currency)')
    .action(act((p, msp: string, c: string, id: string) => p.getOperation(msp, c, id)));

  program
    .command('pay <paymentId> <from> <to> <amount> <currency>')
    .description('pay from an account you own (idempotent by paymentId)')
    .option('--reference <text>', 'payment reference', '')
    .action(
      act(
        (
          p,
          paymentId: string,
          from: string,
          to: string,
          amount: string,
          currency: string,
          o: { reference: string },
        ) => p.pay({ paymentId, from, to, amount, currency, reference: o.reference }),
      ),
    );
  program
    .command('pay-from <paymentId> <from> <to> <amount> <currency>')
    .description('pay from another account using an allowance')
    .option('--reference <text>', 'payment reference', '')
    .action(
      act(
        (
          p,
          paymentId: string,
          from: string,
          to: string,
          amount: string,
          currency: string,
          o: { reference: string },
        ) => p.payFrom({ paymentId, from, to, amount, currency, reference: o.reference }),
      ),
    );
  program
    .command('pay-batch <file>')
    .description(
      `pay the lines of a CSV file (header paymentId,to,amount,reference) from one account, in batches of at most ${MAX_BATCH_LINES} lines; a rerun replays what was paid`,
    )
    .requiredOption('--from <account>', 'the paying account (yours)')
    .option(
      '--batch-id <id>',
      'run ID: the batches are <id>.1, <id>.2, ... (default: derived from the payer, currency and lines)',
    )
    .option('--currency <code>', 'currency (default: the paying account’s)')
    .option('--chunk <n>', `lines per batch, 1 to ${MAX_BATCH_LINES}`, String(MAX_BATCH_LINES))
    .action(async (file: string, o: { from: string; batchId?: string; currency?: string; chunk: string }) => {
      const size = Number(o.chunk);
      if (!Number.isInteger(size) || size < 1 || size > MAX_BATCH_LINES)
        throw new UsageError(`--chunk must be a whole number from 1 to ${MAX_BATCH_LINES}, got ${o.chunk}`);
      const filePath = path.resolve(io.cwd ?? process.cwd(), file);
      let text: string;
      try {
        text = await readFile(filePath, 'utf8');
      } catch (err) {
        throw new UsageError(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
      }
      // The whole file is validated before connecting: a bad row anywhere means nothing is sent.
      const lines = await readPayoutCsv(file, text, o.from);
      const { payments } = await connect();
      const currency = o.currency ?? (await payments.getAccount(o.from)).currency;
      let chunks: PayoutChunk[];
      try {
        chunks = chunkPayout(o.batchId ?? defaultRunId(o.from, currency, lines), lines, size);
      } catch (err) {
        throw new UsageError(err instanceof Error ? err.message : String(err));
      }
      exitCode = await payOut(payments, o.from, currency, chunks, io, globals().json === true);
    });
  const allowance = program.command('allowance').description('allowances on your accounts (compare-and-set)');
  allowance
    .command('get <accountId> <spender>')
    .description('show an allowance ("0" if none)')
    .action(act((p, id: string, spender: string) => p.getAllowance(id, spender)));
  allowance
    .command('approve <accountId> <spender> <amount>')
    .description('set spender’s (owner string) allowance, if it is still --expected; amount 0 revokes')
    .requiredOption('--expected <amount>', 'the allowance being replaced ("0" when none)')
    .action(
      act((p, id: string, spender: string, amount: string, o: { expected: string }) =>
        p.approve(id, spender, o.expected, amount),
      ),
    );
  allowance
    .command('increase <accountId> <spender> <delta>')
    .description('raise an allowance by delta (reads it, then approves with it as expected)')
    .action(act((p, id: string, spender: string, delta: string) => p.increaseAllowance(id, spender, delta)));
  allowance
    .command('decrease <accountId> <spender> <delta>')
    .description('lower an allowance by delta (never below 0)')
    .action(act((p, id: string, spender: string, delta: string) => p.decreaseAllowance(id, spender, delta)));
  program
    .command('payment <from> <paymentId>')
    .description('show a payment (payment IDs are scoped within the payer account)')
    .action(act((p, from: string, id: string) => p.getPayment(from, id)));
  pageOptions(program.command('history <accountId>').description('payment history, newest first')).action(
    act((p, id: string, o: PageOpts) => p.getPaymentHistory(id, pageOf(o))),
  );

  const hold = program
    .command('hold')
    .description(
      'card-style holds: the payer authorizes, the payee captures or releases, expiry returns the rest',
    );
  hold
    .command('authorize <holdId> <from> <to> <amount> <currency> <expiresAt>')
    .description('reserve funds until expiresAt (ISO-8601 UTC, within the governed maximum)')
    .action(
      act(
        (p, holdId: string, from: string, to: string, amount: string, currency: string, expiresAt: string) =>
          p.authorizeHold({ holdId, from, to, amount, currency, expiresAt }),
      ),
    );
  hold
    .command('capture <from> <holdId> <amount>')
    .description('capture up to the held amount (payee); the rest is released')
    .action(act((p, from: string, id: string, amount: string) => p.captureHold(from, id, amount)));
  hold
    .command('release <from> <holdId>')
    .description('release a hold in full (payee only; the payer waits for expiry)')
    .action(act((p, from: string, id: string) => p.releaseHold(from, id)));
  hold
    .command('expire <from> <holdId>')
    .description('expire a hold past its expiry (anyone)')
    .action(act((p, from: string, id: string) => p.expireHold(from, id)));
  hold
    .command('get <from> <holdId>')
    .description('show a hold')
    .action(act((p, from: string, id: string) => p.getHold(from, id)));

  const refund = program.command('refund').description('refund settled payments');
  refund
    .command('create <from> <paymentId> <refundId> <amount>')
    .description('refund (part of) payment paymentId of payer account from (payee)')
    .option('--reason <text>', 'reason', '')
    .action(
      act((p, from: string, paymentId: string, id: string, amount: string, o: { reason: string }) =>
        p.refund(from, paymentId, id, amount, o.reason),
      ),
    );
  refund
    .command('get <from> <paymentId> <refundId>')
    .description('show a refund')
    .action(act((p, from: string, paymentId: string, id: string) => p.getRefund(from, paymentId, id)));

  program
    .command('freeze <accountId> <reason>')
    .description('freeze an account (role compliance, granted over the owner’s MSP)')
    .action(act((p, id: string, reason: string) => p.freezeAccount(id, reason)));
  program
    .command('unfreeze <accountId>')
    .description('unfreeze an account (role compliance, granted over the owner’s MSP)')
    .action(act((p, id: string) => p.unfreezeAccount(id)));

  const limits = program
    .command('limits')
    .description('per-payment and daily limits (compliance and owner layers)');
  limits
    .command('set <accountId>')
    .description(
      'set your own limits on your account (omit an option for none); never looser than compliance’s',
    )
    .option('--per-payment <amount>', 'largest single payment or hold')
    .option('--per-day <amount>', 'daily total')
    .option('--compliance', 'set compliance’s layer instead (role compliance)')
    .action(
      act((p, id: string, o: { perPayment?: string; perDay?: string; compliance?: boolean }) =>
        o.compliance
          ? p.setComplianceLimits(id, o.perPayment, o.perDay)
          : p.setLimits(id, o.perPayment, o.perDay),
      ),
    );
  limits
    .command('get <accountId>')
    .description('show both layers and the effective limits')
    .action(act((p, id: string) => p.getLimits(id)));

  const governance = program
    .command('governance')
    .description('the payments governance: members, role grants, time bounds, custody');
  governance
    .command('show')
    .description('show the effective governance')
    .action(act((p) => p.getGovernance()));
  governance
    .command('init <termsFile>')
    .description('write the genesis governance from a terms JSON file (org admin; once)')
    .action(act(async (p, file: string) => p.initGovernance(await readTerms(file))));
  governance
    .command('propose <proposalId>')
    .description('propose new terms (org admin): the current terms with the given changes, or --terms')
    .option('--terms <file>', 'complete new terms as JSON (default: the current terms)')
    .option('--custody <on|off>', 'key-level endorsement by the owner’s org on account keys')
    .option('--max-clock-skew <seconds>', 'largest accepted proposal timestamp skew')
    .option('--max-hold <seconds>', 'longest hold')
    .action(
      act(
        async (
          p,
          proposalId: string,
          o: { terms?: string; custody?: string; maxClockSkew?: string; maxHold?: string },
        ) => {
          const base = o.terms ? await readTerms(o.terms) : governanceTerms(await p.getGovernance());
          return p.proposeGovernance(proposalId, withChanges(base, o));
        },
      ),
    );
  governance
    .command('approve <proposer> <proposalId>')
    .description('approve a proposal for your org (org admin); a majority applies it')
    .action(act((p, proposer: string, id: string) => p.approveGovernance(proposer, id)));
  governance
    .command('proposal <proposer> <proposalId>')
    .description('show a proposal')
    .action(act((p, proposer: string, id: string) => p.getGovernanceProposal(proposer, id)));
  pageOptions(
    governance.command('proposals').description('list proposals, open and applied (paginated)'),
  ).action(act((p, o: PageOpts) => p.listGovernanceProposals(pageOf(o))));

  program
    .command('balance <accountId>')
    .description('show a balance')
    .action(act((p, id: string) => p.getBalance(id)));
  pageOptions(program.command('credits <accountId>').description('list pending (unfolded) credits')).action(
    act((p, id: string, o: PageOpts) => p.listPendingCredits(id, pageOf(o))),
  );
  program
    .command('fold <accountId> <creditIds...>')
    .description('fold pending credits into the settled balance (owner or its org admin; max 100)')
    .action(act((p, id: string, ids: string[]) => p.foldCredits(id, ids)));
  program
    .command('conservation')
    .description('money conservation report per currency (exit 1 if unbalanced)')
    .action(async () => {
      const { payments } = await connect();
      const report = await payments.conservationReport();
      print(report);
      if (report.some((line) => !line.balanced)) exitCode = EXIT.failure;
    });

  program
    .command('evaluate <transaction> [args...]')
    .description('evaluate any transaction of the chaincode; prints its JSON result')
    .action(act((p, tx: string, args: string[]) => p.evaluate(tx, ...args)));
  program
    .command('submit <transaction> [args...]')
    .description('submit any transaction of the chaincode; prints its JSON result')
    .action(act((p, tx: string, args: string[]) => p.submit(tx, ...args)));
  program
    .command('tx-status <transactionId>')
    .description('commit status of a transaction submitted by this identity')
    .option('--wait <ms>', 'how long to wait for the commit', '5000')
    .action(async (txId: string, o: { wait: string }) => {
      const { client: c } = await connect();
      const status = await c.getTransactionStatus(txId, Number(o.wait));
      if (!status) {
        print({ transactionId: txId, committed: false });
        exitCode = EXIT.unknown;
        return;
      }
      print({
        transactionId: txId,
        committed: true,
        blockNumber: status.blockNumber,
        code: validationCodeName(status.code),
        valid: status.successful,
      });
    });
  program
    .command('events')
    .description('stream payments events as JSON lines, resuming from a checkpoint file')
    .option('--checkpoint <file>', 'checkpoint file (resume after the last printed event)')
    .option('--start-block <n>', 'first block when there is no checkpoint')
    .option('--limit <n>', 'stop after this many events')
    .action(async (o: { checkpoint?: string; startBlock?: string; limit?: string }) => {
      const { payments } = await connect();
      const limit = o.limit === undefined ? Infinity : Number(o.limit);
      let count = 0;
      let finish: () => void = () => undefined;
      const finished = new Promise<void>((resolve) => (finish = resolve));
      const stream = payments.events({
        ...(o.checkpoint ? { checkpoint: o.checkpoint } : {}),
        ...(o.startBlock !== undefined ? { startBlock: BigInt(o.startBlock) } : {}),
        handler: (e) => {
          io.stdout(JSON.stringify({ ...e, blockNumber: e.blockNumber.toString() }) + '\n');
          if (++count >= limit) finish();
        },
      });
      const onSignal = () => finish();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      await Promise.race([finished, stream.done]);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await stream.stop();
    });
  program
    .command('pool-status')
    .description('connect, make one call, and show each endpoint’s state and stats')
    .action(async () => {
      const { client: c, payments } = await connect();
      await payments.whoami().catch(() => undefined);
      print(c.status());
    });

  try {
    await program.parseAsync([...argv]);
  } catch (err) {
    exitCode = report(err, io, globals().json === true);
  } finally {
    process.env = savedEnv;
    if (client) await client.close({ drainTimeoutMs: 5_000 });
  }
  return exitCode;
}

/** Reads governance terms from a JSON file (the chaincode validates them). */
async function readTerms(file: string): Promise<GovernanceTerms> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(
      `cannot read terms file ${file}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  try {
    return JSON.parse(text) as GovernanceTerms;
  } catch {
    throw new UsageError(`terms file ${file} is not valid JSON`);
  }
}

/** Terms with the propose command's changes applied. */
function withChanges(
  terms: GovernanceTerms,
  o: { custody?: string; maxClockSkew?: string; maxHold?: string },
): GovernanceTerms {
  const seconds = (flag: string, v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0)
      throw new UsageError(`${flag} must be a whole number of seconds, got ${v}`);
    return n;
  };
  const out = { ...terms };
  if (o.custody !== undefined) {
    if (o.custody !== 'on' && o.custody !== 'off')
      throw new UsageError(`--custody must be on or off, got ${o.custody}`);
    out.custody = o.custody === 'on';
  }
  if (o.maxClockSkew !== undefined) out.maxClockSkewSeconds = seconds('--max-clock-skew', o.maxClockSkew);
  if (o.maxHold !== undefined) out.maxHoldSeconds = seconds('--max-hold', o.maxHold);
  return out;
}

/** What one batch of a pay-batch run came to. */
interface ChunkOutcome {
  readonly batchId: string;
  readonly lines: number;
  readonly total: string;
  /** paid: by this run; replayed: paid by an earlier run; not-sent: after a failure. */
  readonly status: 'paid' | 'replayed' | 'failed' | 'unknown' | 'not-sent';
  readonly transactionId?: string;
  readonly blockNumber?: string;
  readonly error?: { readonly code: string; readonly message: string; readonly fileLine?: number };
}

/** The file line a chaincode refusal's `lines[i]` points at, if it names one. */
function fileLineOf(err: unknown, chunk: PayoutChunk): number | undefined {
  const detail = err instanceof PaymentsError ? err.chaincodeMessage : '';
  const m = /\blines\[(\d+)\]/.exec(detail);
  return m ? (chunk.lines[Number(m[1])] as PayoutLine | undefined)?.line : undefined;
}

/**
 * Sends the batches one after another (they debit one account, so they could not commit
 * together anyway), printing progress per batch on stderr. Stops at the first batch that fails or
 * whose outcome is unknown; the batches before it stay paid, and running the same command again
 * replays them and goes on. Prints the summary (JSON with --json) and returns the exit code.
 */
async function payOut(
  payments: PaymentsClient,
  from: string,
  currency: string,
  chunks: readonly PayoutChunk[],
  io: CliIo,
  json: boolean,
): Promise<number> {
  const lineCount = chunks.reduce((n, c) => n + c.lines.length, 0);
  const total = chunks.reduce((n, c) => n + c.total, 0n);
  io.stderr(
    `pay-batch: ${lineCount} lines, ${total} ${currency} from ${from}, in ${chunks.length} batch${chunks.length === 1 ? '' : 'es'}\n`,
  );
  const outcomes: ChunkOutcome[] = [];
  let failure: unknown;
  for (const chunk of chunks) {
    const base = { batchId: chunk.batchId, lines: chunk.lines.length, total: chunk.total.toString() };
    const where = `batch ${chunk.index}/${chunks.length} ${chunk.batchId} (${chunk.lines.length} lines, ${chunk.total} ${currency})`;
    if (failure !== undefined) {
      outcomes.push({ ...base, status: 'not-sent' });
      continue;
    }
    try {
      const res = await payments.payBatch({ batchId: chunk.batchId, from, currency, lines: chunk.lines });
      // A replay returns the original batch, whose txId is the earlier transaction's.
      const replayed = res.value.txId !== res.transactionId;
      outcomes.push({
        ...base,
        status: replayed ? 'replayed' : 'paid',
        transactionId: replayed ? res.value.txId : res.transactionId,
        ...(replayed ? {} : { blockNumber: res.blockNumber.toString() }),
      });
      io.stderr(
        replayed
          ? `${where}: already paid (tx ${res.value.txId})\n`
          : `${where}: paid in block ${res.blockNumber} (tx ${res.transactionId})\n`,
      );
    } catch (err) {
      failure = err;
      const unknown = err instanceof TransactionOutcomeUnknownError;
      const fileLine = fileLineOf(err, chunk);
      const message = err instanceof PaymentsError ? err.chaincodeMessage : (err as Error).message;
      const code =
        err instanceof PaymentsError ? err.paymentCode : err instanceof FabpayError ? err.code : 'ERROR';
      const transactionId =
        err instanceof TransactionOutcomeUnknownError || err instanceof ChaincodeError
          ? err.transactionId
          : undefined;
      outcomes.push({
        ...base,
        status: unknown ? 'unknown' : 'failed',
        ...(transactionId ? { transactionId } : {}),
        error: { code, message, ...(fileLine !== undefined ? { fileLine } : {}) },
      });
      io.stderr(
        `${where}: ${unknown ? 'outcome unknown' : 'refused'}: ${code}: ${message}` +
          (fileLine !== undefined ? ` (file line ${fileLine})` : '') +
          (transactionId ? ` (tx ${transactionId})` : '') +
          '\n',
      );
    }
  }
  const count = (s: ChunkOutcome['status']) => outcomes.filter((o) => o.status === s).length;
  const done = outcomes.filter((o) => o.status === 'paid' || o.status === 'replayed');
  const paidLines = done.reduce((n, o) => n + o.lines, 0);
  const summary = {
    from,
    currency,
    lines: lineCount,
    total: total.toString(),
    paidLines,
    paidTotal: done.reduce((n, o) => n + BigInt(o.total), 0n).toString(),
    complete: failure === undefined,
    batches: outcomes,
  };
  if (json) {
    io.stdout(toJson(summary) + '\n');
  } else {
    io.stdout(
      `${failure === undefined ? 'paid' : 'stopped:'} ${paidLines} of ${lineCount} lines, ${summary.paidTotal} of ${total} ${currency} ` +
        `(${count('paid')} batches paid now, ${count('replayed')} earlier` +
        (failure === undefined
          ? ')'
          : `, ${count('failed') + count('unknown')} not paid, ${count('not-sent')} not sent)`) +
        '\n',
    );
    if (failure !== undefined)
      io.stderr(
        failure instanceof TransactionOutcomeUnknownError
          ? 'hint: run the same command again: paid batches replay, the unknown one is paid at most once\n'
          : 'hint: fix the cause and run the same command again: paid batches replay, the rest are sent\n',
      );
  }
  return failure === undefined ? EXIT.ok : exitCodeOf(failure);
}

/** The exit code for an error (usage, rejection, unknown outcome, other failure). */
function exitCodeOf(err: unknown): number {
  return isUsage(err)
    ? EXIT.usage
    : err instanceof ChaincodeError
      ? EXIT.rejected
      : err instanceof TransactionOutcomeUnknownError
        ? EXIT.unknown
        : EXIT.failure;
}

function isUsage(err: unknown): boolean {
  return (
    err instanceof UsageError ||
    err instanceof PayoutFileError ||
    err instanceof ConnectionProfileError ||
    err instanceof IdentityStoreError ||
    err instanceof LocalNetworkError
  );
}

/** Prints an error helpfully and returns the exit code. */
function report(err: unknown, io: CliIo, json: boolean): number {
  if (err instanceof CommanderError) {
    // Commander already printed usage errors; help and version exit 0.
    return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  const usage = isUsage(err);
  const code = exitCodeOf(err);
  const message = err instanceof Error ? err.message : String(err);
  if (json) {
    const body: Record<string, unknown> = {
      error: {
        code:
          err instanceof FabpayError
            ? err.code
            : err instanceof PayoutFileError
              ? 'INVALID_FILE'
              : usage
                ? 'USAGE'
                : 'ERROR',
        message,
        ...(err instanceof PayoutFileError ? { problems: err.problems } : {}),
        ...(err instanceof PaymentsError ? { paymentCode: err.paymentCode, category: err.category } : {}),
        ...(err instanceof ChaincodeError && err.transactionId ? { transactionId: err.transactionId } : {}),
        ...(err instanceof TransactionOutcomeUnknownError ? { transactionId: err.transactionId } : {}),
      },
    };
    io.stdout(toJson(body) + '\n');
  } else {
    const hint =
      err instanceof TransactionOutcomeUnknownError
        ? `\nhint: check later with "fabpay tx-status ${err.transactionId}", or resend the same command (payment IDs make it safe)`
        : usage
          ? '\nhint: see "fabpay --help" and gateway-client/README.md'
          : '';
    io.stderr(
      `fabpay: ${err instanceof PaymentsError ? `${err.paymentCode}: ${err.chaincodeMessage}` : message}${hint}\n`,
    );
  }
  return code;
}

/** The package version (src/ and dist/ both sit one level below package.json). */
function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function defaultIo(): CliIo {
  return {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    env: process.env,
  };
}

/* istanbul ignore next: the process entry point */
if (require.main === module) {
  run(process.argv).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`fabpay: ${String(err)}\n`);
      process.exitCode = EXIT.failure;
    },
  );
}
