import './testing/quiet';
import { spawnSync } from 'node:child_process';
import { DISPATCH_ENV, dispatchModeFromEnv } from './dispatch-mode';
import { LEVEL_ENV, QUIET_LEVEL, quietShimLogging } from './shim-logging';

/** The part of a winston logger these tests look at. */
interface Probe {
  level: string;
  format: { transform(info: unknown, opts?: unknown): unknown };
  debug(message: string): unknown;
  info(message: string, ...meta: unknown[]): unknown;
  error(message: string): unknown;
}

describe('dispatch mode', () => {
  test('direct by default, contract on request, anything else refused', () => {
    expect(dispatchModeFromEnv({})).toBe('direct');
    expect(dispatchModeFromEnv({ [DISPATCH_ENV]: '' })).toBe('direct');
    expect(dispatchModeFromEnv({ [DISPATCH_ENV]: 'direct' })).toBe('direct');
    expect(dispatchModeFromEnv({ [DISPATCH_ENV]: ' Contract ' })).toBe('contract');
    expect(() => dispatchModeFromEnv({ [DISPATCH_ENV]: 'fast' })).toThrow(/must be "direct" or "contract"/);
  });
});

describe('quiet shim logging', () => {
  test('defaults the level to WARNING only when the environment names none', () => {
    const unset: NodeJS.ProcessEnv = {};
    quietShimLogging(unset);
    expect(unset[LEVEL_ENV]).toBe(QUIET_LEVEL);
    const set: NodeJS.ProcessEnv = { [LEVEL_ENV]: 'DEBUG' };
    quietShimLogging(set);
    expect(set[LEVEL_ENV]).toBe('DEBUG');
  });

  test("fabric-shim's and fabric-contract-api's loggers skip formatting for levels they drop, and still log the others", () => {
    quietShimLogging({ [LEVEL_ENV]: 'WARNING' });
    for (const mod of ['fabric-shim/lib/logger', 'fabric-contract-api/lib/logger']) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { getLogger } = require(mod) as { getLogger(name: string): Probe };
      const logger = getLogger('fabpay-test');
      expect(getLogger('fabpay-test')).toBe(logger);
      logger.level = 'warn';
      const formatted = jest.spyOn(logger.format, 'transform').mockReturnValue(false);
      try {
        logger.debug('dropped');
        logger.info('dropped %s', 'too');
        expect(formatted).not.toHaveBeenCalled();
        logger.error('kept');
        expect(formatted).toHaveBeenCalledTimes(1);
        // A level raised later is honoured: the gate asks the logger each time.
        logger.level = 'debug';
        logger.debug('kept now');
        expect(formatted).toHaveBeenCalledTimes(2);
      } finally {
        formatted.mockRestore();
        logger.level = 'warn';
      }
    }
  });
});

describe('the server process', () => {
  /** Loads server-setup in a fresh process (it acts once, at load) and reports what it set up. */
  function serverSetup(env: NodeJS.ProcessEnv): { mode: string; level: string | null; gated: boolean } {
    const code = [
      "const s = require('./server-setup');",
      "const l = require('fabric-shim/lib/logger');",
      'console.log(JSON.stringify({ mode: s.SERVER_DISPATCH, level: process.env.CORE_CHAINCODE_LOGGING_LEVEL ?? null,',
      ' gated: Object.getOwnPropertySymbols(l.getLogger).length > 0 }));',
    ].join('');
    const r = spawnSync(process.execPath, [require.resolve('tsx/cli'), '-e', code], {
      cwd: __dirname,
      env: { PATH: process.env.PATH, ...env },
      encoding: 'utf8',
    });
    if (r.status !== 0) {
      throw new Error(r.stderr);
    }
    return JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as {
      mode: string;
      level: string | null;
      gated: boolean;
    };
  }

  test('direct (default): WARNING unless configured, gated loggers; contract: logging exactly as before', () => {
    expect(serverSetup({})).toEqual({ mode: 'direct', level: 'WARNING', gated: true });
    expect(serverSetup({ [LEVEL_ENV]: 'DEBUG' })).toEqual({ mode: 'direct', level: 'DEBUG', gated: true });
    expect(serverSetup({ [DISPATCH_ENV]: 'contract' })).toEqual({
      mode: 'contract',
      level: null,
      gated: false,
    });
  });
});
