/**
 * fabric-shim's and fabric-contract-api's logging, made cheap.
 *
 * Both packages log through winston loggers (their lib/logger.js) at debug
 * level for every shim message (every GET_STATE/PUT_STATE round trip, its
 * decoded response), every argument and every client identity, and at info
 * level for every completed transaction. winston filters by level only in
 * its transport, *after* running the whole format chain (timestamp,
 * metadata, colours, padding, printf) on every call, so even suppressed
 * debug lines cost CPU on each transaction.
 *
 * {@link quietShimLogging} therefore does two things, before either package
 * creates its loggers:
 *
 * 1. the default level becomes WARNING (CORE_CHAINCODE_LOGGING_LEVEL, which
 *    both packages read, still overrides it), so no line is written per
 *    successful transaction;
 * 2. each logger they create gets a level gate: a call for a level the
 *    logger would drop returns at once instead of being formatted and then
 *    dropped. Enabled levels log exactly as before, and a level changed
 *    later (Logger.setLevel, CORE_CHAINCODE_LOGGING_LEVEL) is honoured
 *    because the gate asks the logger on every call.
 */

/** Default level when CORE_CHAINCODE_LOGGING_LEVEL is unset (fabric-shim's own default is INFO). */
export const QUIET_LEVEL = 'WARNING';

/** The fabric-shim level variable. */
export const LEVEL_ENV = 'CORE_CHAINCODE_LOGGING_LEVEL';

/** winston's npm levels, which both packages' loggers use. */
const LEVELS = ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'] as const;

/** The part of a winston logger the gate needs. */
interface WinstonLogger {
  isLevelEnabled(level: string): boolean;
  [level: string]: unknown;
}

/** fabric-shim/lib/logger.js and fabric-contract-api/lib/logger.js export this. */
interface LoggerModule {
  getLogger(name?: string): WinstonLogger;
}

const GATED = Symbol('fabpay.levelGate');

/** Shadows each level method of `logger` with one that returns early when the level is off. */
function gate(logger: WinstonLogger): WinstonLogger {
  if (logger[GATED as unknown as string]) {
    return logger;
  }
  for (const level of LEVELS) {
    const original = logger[level];
    if (typeof original !== 'function') {
      continue;
    }
    logger[level] = function gated(this: WinstonLogger, ...args: unknown[]): unknown {
      const self = this ?? logger;
      return self.isLevelEnabled(level) ? (original as (...a: unknown[]) => unknown).apply(self, args) : self;
    };
  }
  logger[GATED as unknown as string] = true;
  return logger;
}

/** Wraps a logger module's getLogger so every logger it hands out (new or cached) is gated. */
function gateModule(mod: LoggerModule): void {
  const getLogger = mod.getLogger;
  if ((getLogger as unknown as Record<symbol, unknown>)[GATED]) {
    return;
  }
  const wrapped = (name?: string): WinstonLogger => gate(getLogger(name));
  (wrapped as unknown as Record<symbol, unknown>)[GATED] = true;
  mod.getLogger = wrapped;
}

/**
 * Makes fabric-shim and fabric-contract-api quiet and cheap (see the module
 * comment). Call it before anything loads fabric-shim or fabric-contract-api
 * (server.ts does, in its first import): both create their loggers when
 * their modules load, and a logger created before this call is not gated.
 */
export function quietShimLogging(env: NodeJS.ProcessEnv = process.env): void {
  env[LEVEL_ENV] ??= QUIET_LEVEL;
  // Deep requires of the two packages' logger modules: they have no public
  // hook for this. Loading them first is harmless (each only defines its
  // module-level logger map and the process-wide unhandledRejection logger).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  gateModule(require('fabric-shim/lib/logger') as LoggerModule);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  gateModule(require('fabric-contract-api/lib/logger') as LoggerModule);
}
