/**
 * gRPC connections to one peer. Each connection is a separate grpc.Client
 * with its own HTTP/2 connection: grpc-js would otherwise share one
 * subchannel (one TCP connection) between clients with identical options,
 * making a "pool" a single connection with one flow-control window.
 */
import * as grpc from '@grpc/grpc-js';
import type { EndpointConfig } from '../profile';

export interface ConnectionOptions {
  /**
   * Keepalive ping interval. Fabric peers refuse pings more frequent than
   * their `keepalive.client.minInterval` (60 s) with GOAWAY too_many_pings,
   * so values below 60 s are rejected.
   */
  readonly keepaliveMs: number;
  /** Keepalive ack timeout. */
  readonly keepaliveTimeoutMs: number;
  /** Max inbound message (block events can be large; Fabric's own default is 100 MiB). */
  readonly maxReceiveMessageBytes: number;
  /** Max outbound message. */
  readonly maxSendMessageBytes: number;
}

export const DEFAULT_CONNECTION_OPTIONS: ConnectionOptions = {
  keepaliveMs: 120_000,
  keepaliveTimeoutMs: 20_000,
  maxReceiveMessageBytes: 100 * 1024 * 1024,
  maxSendMessageBytes: 100 * 1024 * 1024,
};

/** The peer's minimum keepalive interval. */
export const PEER_MIN_KEEPALIVE_MS = 60_000;

/** Channel options for connection `index` of an endpoint. */
export function channelOptions(
  endpoint: EndpointConfig,
  options: ConnectionOptions,
  index: number,
): grpc.ChannelOptions {
  if (options.keepaliveMs < PEER_MIN_KEEPALIVE_MS) {
    throw new RangeError(
      `keepaliveMs ${options.keepaliveMs} is below the peer's 60 s minimum; the peer would close the connection`,
    );
  }
  return {
    'grpc.use_local_subchannel_pool': 1,
    // A distinct option per connection also defeats subchannel sharing, should
    // the local pool option ever be ignored.
    'fabpay.connection_index': index,
    'grpc.keepalive_time_ms': options.keepaliveMs,
    'grpc.keepalive_timeout_ms': options.keepaliveTimeoutMs,
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.max_receive_message_length': options.maxReceiveMessageBytes,
    'grpc.max_send_message_length': options.maxSendMessageBytes,
    // grpc-js backs off reconnects up to 120 s by default; a restarted peer
    // should rejoin within seconds.
    'grpc.initial_reconnect_backoff_ms': 250,
    'grpc.max_reconnect_backoff_ms': 5_000,
    ...(endpoint.serverNameOverride
      ? {
          'grpc.ssl_target_name_override': endpoint.serverNameOverride,
          'grpc.default_authority': endpoint.serverNameOverride,
        }
      : {}),
  };
}

/** Opens `count` separate connections to an endpoint (lazily: grpc-js connects on first use). */
export function openConnections(
  endpoint: EndpointConfig,
  options: ConnectionOptions,
  count: number,
): grpc.Client[] {
  const credentials = endpoint.tlsRootCert
    ? grpc.credentials.createSsl(Buffer.from(endpoint.tlsRootCert))
    : grpc.credentials.createInsecure();
  return Array.from(
    { length: count },
    (_, i) => new grpc.Client(endpoint.address, credentials, channelOptions(endpoint, options, i)),
  );
}

/** Resolves when the connection is ready, rejects after `timeoutMs`. Triggers a connect attempt. */
export function waitForReady(client: grpc.Client, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    client.waitForReady(Date.now() + timeoutMs, (err) => (err ? reject(err) : resolve()));
  });
}
