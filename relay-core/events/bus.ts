import { EventEmitter } from 'node:events';
import type { Sql } from '../db/index.ts';

/** Event types, `noun.pastTense` (STYLE.md). */
export type EventType =
  | 'message.received'
  | 'recipient.delivered'
  | 'recipient.deferred'
  | 'recipient.bounced'
  | 'recipient.expired'
  /** A complaint (ARF abuse report) came back through the returns address. */
  | 'recipient.complained'
  | 'message.deleted'
  | 'alert.raised';

export interface RelayEvent {
  type: EventType;
  payload: Record<string, unknown>;
  /**
   * The id of the node that raised the event, set only on events relayed from
   * another node (notify.ts); absent: raised by this process.
   */
  origin?: string;
}

/**
 * Events are written to the `event` table inside the transaction of the state
 * change they describe, then published in-process once that transaction has
 * committed. Payloads never carry a sender together with a recipient.
 */
export class EventBus {
  readonly #emitter = new EventEmitter();

  constructor() {
    this.#emitter.setMaxListeners(0);
  }

  /** SQL inserting the events (a statement, or a WITH part), with its parameters; null for none. */
  static insertSql(events: RelayEvent[]): { sql: string; params: unknown[] } | null {
    if (events.length === 0) return null;
    return {
      sql: `insert into event (type, payload) values ${events.map(() => '(?, ?::jsonb)').join(', ')}`,
      params: events.flatMap((e) => [e.type, JSON.stringify(e.payload)]),
    };
  }

  /** Inserts the events in `tx`; call `publish` with the same list after commit. */
  async record(tx: Sql, events: RelayEvent[]): Promise<void> {
    const insert = EventBus.insertSql(events);
    if (insert) await tx.query(insert.sql, insert.params);
  }

  publish(events: RelayEvent[]): void {
    for (const event of events) this.#emitter.emit('event', event);
  }

  subscribe(listener: (event: RelayEvent) => void): () => void {
    this.#emitter.on('event', listener);
    return () => this.#emitter.off('event', listener);
  }
}
