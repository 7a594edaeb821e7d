import type { ErrorCode } from './error-codes';

/**
 * A rejection's message is `"<CODE>: <detail>"`: the code first, so it
 * survives Fabric wrapping the message ("chaincode response 500, ...").
 */
export function formatErrorMessage(code: ErrorCode, detail: string): string {
  return `${code}: ${detail}`;
}

/** An upper-case token, so codes of a newer chaincode still parse. */
const CODED = /^([A-Z][A-Z0-9_]{2,}):\s*([\s\S]*)$/;

/**
 * The code and detail of a rejection message (detail trimmed); undefined if
 * the message does not start with a code. The code is any upper-case token:
 * check it with `isErrorCode` where only known codes will do.
 */
export function parseErrorMessage(message: string): { code: string; detail: string } | undefined {
  const m = CODED.exec(message);
  return m ? { code: m[1] ?? '', detail: (m[2] ?? '').trim() } : undefined;
}
