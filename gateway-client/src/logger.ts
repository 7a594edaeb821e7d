/**
 * Logging seam. Any pino logger fits; the default is a silent pino so the
 * library never writes to a caller's stdout unasked.
 */
import pino from 'pino';

/** The subset of pino's API this library uses (pino.Logger satisfies it). */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** A logger that drops everything. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
