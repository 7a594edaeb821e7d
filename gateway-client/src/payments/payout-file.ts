/**
 * Payout files for `fabpay pay-batch`: a CSV of payment lines, validated whole before anything is
 * sent, then split into batches of at most {@link MAX_BATCH_LINES} lines whose batch IDs derive
 * from one run ID, so running the same file again replays what was paid and pays the rest.
 */
import { createHash } from 'node:crypto';
import { parse } from 'csv-parse';
import { isValidAmount, isValidId, isValidText, MAX_BATCH_LINES, MAX_TEXT_LENGTH } from '@fabpay/model';
import { batchLinesJson, type BatchLineRequest } from './api';

/** The columns of a payout file, all required, in any order; no others. */
export const PAYOUT_COLUMNS = ['paymentId', 'to', 'amount', 'reference'] as const;

/** A line of the file (1-based, as an editor shows it) and what is wrong with it. */
export interface PayoutProblem {
  readonly line: number;
  readonly message: string;
}

/** One valid payment line and where it came from. */
export interface PayoutLine extends BatchLineRequest {
  readonly amount: string;
  readonly reference: string;
  /** Line of the file the row ends on. */
  readonly line: number;
}

/** A payout file that does not validate: every problem found, with its line. */
export class PayoutFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly PayoutProblem[],
  ) {
    super(
      `${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}, nothing was sent:\n` +
        problems.map((p) => `  line ${p.line}: ${p.message}`).join('\n'),
    );
    this.name = 'PayoutFileError';
  }
}

/** Rows of a CSV text with the line each ends on; a syntax error ends the parse (csv-parse). */
function csvRows(text: string): Promise<{ fields: string[]; line: number }[]> {
  return new Promise((resolve, reject) => {
    parse(
      text,
      // Arrays, not objects: the header is checked here, and a short or long row is reported, not guessed.
      {
        bom: true,
        info: true,
        skip_empty_lines: true,
        relax_column_count: true,
        // Files edited on several systems mix line endings.
        record_delimiter: ['\r\n', '\n'],
      },
      (err, records) => {
        if (err) return reject(err);
        // With `info: true` csv-parse yields {record, info} per row; its typings model only plain rows.
        const withInfo = (records ?? []) as unknown as { record: string[]; info: { lines: number } }[];
        resolve(withInfo.map((r) => ({ fields: r.record, line: r.info.lines })));
      },
    );
  });
}

/**
 * Reads and validates a payout file: a header naming {@link PAYOUT_COLUMNS}, then one payment per
 * row. Every row is checked against the chaincode's rules that need no ledger (ID, amount and
 * reference formats, payee ≠ `from`, no payment ID twice in the file); all problems are reported
 * together in a {@link PayoutFileError}, so a file is either sent whole or not at all.
 */
export async function readPayoutCsv(file: string, text: string, from: string): Promise<PayoutLine[]> {
  let rows: { fields: string[]; line: number }[];
  try {
    rows = await csvRows(text);
  } catch (err) {
    const line = (err as { lines?: number }).lines ?? 0;
    throw new PayoutFileError(file, [{ line, message: `not valid CSV: ${(err as Error).message}` }]);
  }
  const [header, ...body] = rows;
  if (!header) throw new PayoutFileError(file, [{ line: 1, message: 'empty file (a header is required)' }]);
  const names = header.fields.map((f) => f.trim());
  const missing = PAYOUT_COLUMNS.filter((c) => !names.includes(c));
  const extra = names.filter((n) => !(PAYOUT_COLUMNS as readonly string[]).includes(n));
  if (missing.length > 0 || extra.length > 0 || new Set(names).size !== names.length) {
    throw new PayoutFileError(file, [
      {
        line: header.line,
        message: `the header must name the columns ${PAYOUT_COLUMNS.join(',')} once each (missing: ${
          missing.join(',') || 'none'
        }; unknown: ${extra.join(',') || 'none'})`,
      },
    ]);
  }
  const at = (c: (typeof PAYOUT_COLUMNS)[number]) => names.indexOf(c);
  const problems: PayoutProblem[] = [];
  const lines: PayoutLine[] = [];
  const seen = new Map<string, number>();
  for (const { fields, line } of body) {
    if (fields.length !== names.length) {
      problems.push({ line, message: `${fields.length} fields, the header has ${names.length}` });
      continue;
    }
    const [paymentId, to, amount, reference] = PAYOUT_COLUMNS.map((c) => fields[at(c)] ?? '') as [
      string,
      string,
      string,
      string,
    ];
    const bad: string[] = [];
    if (!isValidId(paymentId)) bad.push(`paymentId ${JSON.stringify(paymentId)} is not a valid ID`);
    if (!isValidId(to)) bad.push(`to ${JSON.stringify(to)} is not a valid account ID`);
    else if (to === from) bad.push(`to is the paying account ${from}`);
    if (!isValidAmount(amount))
      bad.push(
        `amount ${JSON.stringify(amount)} is not a positive whole number of minor units (at most 10^24)`,
      );
    if (!isValidText(reference))
      bad.push(`reference must be at most ${MAX_TEXT_LENGTH} printable ASCII characters`);
    const earlier = seen.get(paymentId);
    if (earlier !== undefined) bad.push(`paymentId ${paymentId} is also on line ${earlier}`);
    else seen.set(paymentId, line);
    if (bad.length > 0) problems.push({ line, message: bad.join('; ') });
    else lines.push({ paymentId, to, amount, reference, line });
  }
  if (body.length === 0) problems.push({ line: header.line, message: 'no payment lines after the header' });
  if (problems.length > 0) throw new PayoutFileError(file, problems);
  return lines;
}

/** One batch of a payout run. */
export interface PayoutChunk {
  /** 1-based. */
  readonly index: number;
  readonly batchId: string;
  readonly lines: readonly PayoutLine[];
  /** Sum of the lines' amounts. */
  readonly total: bigint;
}

/**
 * Splits lines into batches of at most `size` lines, batch IDs `<runId>.<n>` (n from 1). The same
 * file, run ID and size always give the same batches, so a rerun replays the batches already paid
 * (the chaincode returns them unchanged) and pays the others; a different size gives other lines
 * under the same IDs, which the chaincode refuses (DUPLICATE_BATCH) rather than pay anything twice.
 */
export function chunkPayout(
  runId: string,
  lines: readonly PayoutLine[],
  size = MAX_BATCH_LINES,
): PayoutChunk[] {
  if (!Number.isInteger(size) || size < 1 || size > MAX_BATCH_LINES) {
    throw new RangeError(`the chunk size must be a whole number from 1 to ${MAX_BATCH_LINES}, not ${size}`);
  }
  const chunks: PayoutChunk[] = [];
  for (let start = 0; start < lines.length; start += size) {
    const part = lines.slice(start, start + size);
    const batchId = `${runId}.${chunks.length + 1}`;
    if (!isValidId(batchId)) {
      throw new RangeError(
        `batch ID ${batchId} (run ID and chunk number) is not a valid ID: shorten the run ID`,
      );
    }
    chunks.push({
      index: chunks.length + 1,
      batchId,
      lines: part,
      total: part.reduce((n, l) => n + BigInt(l.amount), 0n),
    });
  }
  return chunks;
}

/**
 * The default run ID: `payout-` and 16 hex digits of a SHA-256 over the payer, the currency and
 * the lines (not the file's bytes, so line endings or quoting do not change it). The same payout
 * run twice gets the same ID, so the second run replays instead of paying again.
 */
export function defaultRunId(from: string, currency: string, lines: readonly BatchLineRequest[]): string {
  const digest = createHash('sha256')
    .update(`${from}\n${currency}\n${batchLinesJson(lines)}`)
    .digest('hex');
  return `payout-${digest.slice(0, 16)}`;
}
