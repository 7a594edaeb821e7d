/**
 * Chaincode-as-a-service entry point: `node chaincode/dist/server.js`.
 *
 * Environment (the same names Fabric's CCaaS samples use):
 * - CHAINCODE_SERVER_ADDRESS  host:port to listen on, e.g. 0.0.0.0:9999 (required)
 * - CHAINCODE_ID              package ID from `peer lifecycle chaincode install`,
 *                             e.g. fabpay_1.0:3f2a... (required)
 * - CHAINCODE_TLS_KEY_FILE    PEM private key; with CHAINCODE_TLS_CERT_FILE enables TLS
 * - CHAINCODE_TLS_CERT_FILE   PEM certificate chain
 * - CHAINCODE_TLS_CLIENT_CACERT_FILE  PEM CA(s) for peer client certificates;
 *                             when set the server requires mutual TLS
 *
 * - FABPAY_CPU_PROFILE_DIR   when set, SIGUSR2 starts a CPU profile and the next
 *                             SIGUSR2 (or stopping) writes it into that directory
 *
 * - FABPAY_GOVERNANCE_GENESIS_SHA256  digest of the genesis governance terms
 *                             this org agreed to (endorser.ts); without it the
 *                             server endorses no initGovernance
 * - FABPAY_CHAINCODE_DISPATCH `direct` (default) or `contract`, read once at
 *                             start (dispatch-mode.ts). direct: pay, payFrom,
 *                             payWithCredits, payBatch, getPayment, getBalance
 *                             and getAccount skip fabric-contract-api's per-call
 *                             machinery (fast-dispatch.ts; same checks, codes,
 *                             results and metadata), and fabric-shim logs at
 *                             WARNING unless CORE_CHAINCODE_LOGGING_LEVEL says
 *                             otherwise, with suppressed levels costing nothing
 *                             (shim-logging.ts). contract: everything through
 *                             fabric-contract-api and fabric-shim's logging as
 *                             before (INFO: a line per transaction), for
 *                             before/after comparisons.
 * - CORE_CHAINCODE_LOGGING_LEVEL  fabric-shim's level: CRITICAL, ERROR, WARNING,
 *                             INFO, DEBUG
 *
 * It builds the chaincode as `fabric-chaincode-node server` does (fabric-shim's
 * ChaincodeFromContract over our `contracts` and `serializers`) with the
 * GuardedChaincode wrapper (stable codes, bounded messages), takes its
 * configuration from the environment and can be started and stopped from
 * code (used by the unit test).
 */
// First: reads the dispatch mode and sets fabric-shim's logging up before fabric-shim loads.
import { SERVER_DISPATCH } from './server-setup';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Shim } from 'fabric-shim';
import { profileOnSignal } from './cpu-profile';
import { DispatchMode } from './dispatch-mode';
import { GuardedChaincode } from './guard';
import { contracts, serializers } from './index';

/** Server settings. */
export interface ServerConfig {
  /** host:port to bind. */
  address: string;
  /** Chaincode package ID the peer knows this server by. */
  ccid: string;
  /** TLS material; absent = plaintext (only for local tests). */
  tls?: { key: Buffer; cert: Buffer; clientCACerts?: Buffer };
  /** Dispatch mode; default the one read from FABPAY_CHAINCODE_DISPATCH at start. */
  dispatch?: DispatchMode;
}

/** A started server. */
export interface RunningServer {
  address: string;
  /** Stops accepting connections and ends open streams (waits up to graceMs, then forces). */
  stop(graceMs?: number): Promise<void>;
}

/** Reads {@link ServerConfig} from the environment; throws a clear message for missing or half-set values. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const address = env.CHAINCODE_SERVER_ADDRESS ?? '';
  const ccid = env.CHAINCODE_ID ?? '';
  if (!address || !ccid) {
    throw new Error('CHAINCODE_SERVER_ADDRESS and CHAINCODE_ID must be set');
  }
  const keyFile = env.CHAINCODE_TLS_KEY_FILE ?? '';
  const certFile = env.CHAINCODE_TLS_CERT_FILE ?? '';
  const caFile = env.CHAINCODE_TLS_CLIENT_CACERT_FILE ?? '';
  if (!keyFile !== !certFile) {
    throw new Error('set both CHAINCODE_TLS_KEY_FILE and CHAINCODE_TLS_CERT_FILE, or neither');
  }
  if (caFile && !keyFile) {
    throw new Error(
      'CHAINCODE_TLS_CLIENT_CACERT_FILE needs CHAINCODE_TLS_KEY_FILE and CHAINCODE_TLS_CERT_FILE',
    );
  }
  const config: ServerConfig = { address, ccid };
  if (keyFile) {
    config.tls = { key: readFileSync(keyFile), cert: readFileSync(certFile) };
    if (caFile) {
      config.tls.clientCACerts = readFileSync(caFile);
    }
  }
  return config;
}

/** The grpc-js server inside fabric-shim's ChaincodeServer (not part of its typed API). */
interface GrpcServerHandle {
  _server: { tryShutdown(cb: (err?: Error) => void): void; forceShutdown(): void };
}

/**
 * Title and version for the contract metadata, from chaincode/package.json as
 * fabric-shim's bootstrap does (dist/ and src/ both sit one level below it).
 */
const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as {
  name: string;
  version: string;
};

/** Starts the chaincode server and resolves once it listens. */
export async function startServer(config: ServerConfig): Promise<RunningServer> {
  // ChaincodeFromContract appends its system contract to the array it is given.
  const chaincode = new GuardedChaincode([...contracts], serializers, {}, pkg.name, pkg.version, {
    dispatch: config.dispatch ?? SERVER_DISPATCH,
  });
  const opts: Record<string, unknown> = { ccid: config.ccid, address: config.address };
  if (config.tls) {
    opts.tlsProps = config.tls;
  }
  // fabric-shim's types want ChaincodeInterface; ChaincodeFromContract implements Init/Invoke.
  const srv = Shim.server(chaincode, opts as unknown as Parameters<typeof Shim.server>[1]);
  await srv.start();
  const grpc = (srv as unknown as GrpcServerHandle)._server;
  return {
    address: config.address,
    stop: (graceMs = 2000) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          grpc.forceShutdown();
          resolve();
        }, graceMs);
        grpc.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
  };
}

async function main(): Promise<void> {
  const config = configFromEnv();
  const profiler = profileOnSignal((line) => console.log(`fabpay chaincode server: ${line}`));
  const running = await startServer(config);
  console.log(
    `fabpay chaincode server ${config.ccid} listening on ${config.address} (${config.tls ? (config.tls.clientCACerts ? 'mutual TLS' : 'TLS') : 'plaintext'}, ${SERVER_DISPATCH} dispatch)`,
  );
  const stop = (signal: string) => {
    console.log(`fabpay chaincode server: ${signal}, stopping`);
    void running
      .stop()
      .then(async () => {
        const file = await profiler?.stop();
        if (file) console.log(`fabpay chaincode server: CPU profile written: ${file}`);
      })
      .finally(() => process.exit(0));
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(`fabpay chaincode server failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
