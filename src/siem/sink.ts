// What the SIEM streamer sends batches of ledger events to: a syslog receiver or an OTLP endpoint.
import type { StoredEvent } from '../ledger/log.js';

export interface SiemSink {
  /** The sink's name: its cursor's key in siem_cursors and its metrics label (`syslog`, `otlp`). */
  readonly name: string;
  /** Where it sends, without credentials, for the log. */
  readonly target: string;
  /**
   * Sends a batch, in seq order; resolves once the receiver has acknowledged it as far as the
   * protocol allows (the streamer then advances the sink's cursor past it), rejects otherwise
   * (with a SinkError saying how soon to try again). `signal` aborts a send on stop.
   */
  send(events: readonly StoredEvent[], signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

/**
 * A batch the sink did not get acknowledged. `retry`: `soon` for what passes by itself (a receiver
 * down, 429, 5xx: backoff), `slow` for a refusal that needs a person (a 4xx: the batch is kept and
 * tried again slowly, never skipped); `afterMs` when the receiver said when (Retry-After).
 */
export class SinkError extends Error {
  constructor(
    message: string,
    readonly retry: 'soon' | 'slow',
    readonly afterMs?: number,
  ) {
    super(message);
    this.name = 'SinkError';
  }
}
