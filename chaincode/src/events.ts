import type { EventName, EventPayloads } from '@fabpay/model';
import { canonicalJson } from './canonical';

/** Minimal stub surface for events. */
export interface EventSink {
  setEvent(name: string, payload: Uint8Array): void;
}

/**
 * Emits the transaction's one event: a name and payload type of
 * @fabpay/model's EventPayloads, as canonical JSON.
 */
export function emit<N extends EventName>(stub: EventSink, name: N, payload: EventPayloads[N]): void {
  stub.setEvent(name, Buffer.from(canonicalJson(payload), 'utf8'));
}
