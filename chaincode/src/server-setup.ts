/**
 * The CCaaS server's process-wide setup, in a module of its own because it
 * must run before fabric-shim is loaded: server.ts imports it first. Reads
 * {@link DISPATCH_ENV} once; in the direct mode makes fabric-shim's logging
 * quiet (shim-logging.ts), in the contract mode leaves it as it always was.
 */
import { DispatchMode, dispatchModeFromEnv } from './dispatch-mode';
import { quietShimLogging } from './shim-logging';

/** The dispatch mode this server process runs, read once at start. */
export const SERVER_DISPATCH: DispatchMode = dispatchModeFromEnv(process.env);

if (SERVER_DISPATCH === 'direct') {
  quietShimLogging(process.env);
}
