// Cross-node events: when several relais nodes share one PostgreSQL, every
// event a node publishes on its bus is sent with NOTIFY on `relais_events`, and
// every node republishes what the others sent on its own bus, marked with the
// sender's node id in `origin`. Relayed events are never sent again (no loops)
// and never recorded again (the `event` table already holds them).
//
// It does not make delivery durable: a node that is disconnected misses what
// is sent meanwhile (the `event` table is the record), and events raised
// while this node's connection is down wait in a bounded buffer, oldest
// dropped first. It is not used on PGlite: one process, so one bus already
// reaches every subscriber; the caller creates it only for PostgreSQL.
//
// Strategies:
// - One dedicated pg.Client (LISTEN holds its session; a pool would hand the
//   session to someone else), reconnected with exponential backoff and jitter
//   when it drops or stops answering a periodic ping; never a crash.
// - Events are packed, in order, into as few notifications as fit, all sent
//   by one statement: one round trip per burst, not per event.
// - NOTIFY payloads must be shorter than 8000 bytes. Events are sent whole
//   rather than as an `event` row id for receivers to read back: publish()
//   does not know the ids (alert events are inserted by SQL in WITH parts),
//   and a read per event on every node would load the shared database where
//   the relay is busiest. Payloads are small by construction (ids, a domain,
//   a reply code: under 300 bytes), so only a bug or hostile input gets near
//   the limit: such an event keeps its type and its scalar fields, strings
//   cut to fit, with `isTruncated: true`. JSON is sent escaped to ASCII, so
//   its length is its size in bytes whatever the server encoding.
// - Each notification carries the sender's random run id and a sequence
//   number: a node ignores its own (a LISTEN session hears its own NOTIFY),
//   and a notification re-sent after a lost reply is dropped as a duplicate.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Logger } from '../log.ts';
import type { EventBus, EventType, RelayEvent } from './bus.ts';
import {
  asciiJson, closeWithin, EVENT_TYPES, isPlainObject, MAX_NOTIFY_BYTES, PACKETS_PER_STATEMENT, REMEMBERED_RUNS,
  TRUNCATED_STRING_CHARS, type Packet,
} from './notify-wire.ts';

/** The PostgreSQL channel events travel on. */
export const EVENTS_CHANNEL = 'relais_events';

export interface EventRelayOptions {
  /** postgres:// URL of the database the nodes share. */
  databaseUrl: string;
  bus: EventBus;
  /** This node's id, shown to subscribers on other nodes as `origin`. */
  nodeId: string;
  log: Logger;
  /** Local events kept while disconnected; older ones are dropped. */
  maxPendingEvents?: number;
  /** First reconnect delay, doubled on each failure up to `maxBackoffMs`. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** How often an idle connection is checked; 0: never (TCP keepalive only). */
  pingIntervalMs?: number;
  /** A query (ping, send) not answered within this time counts as a lost connection. */
  queryTimeoutMs?: number;
}

/** A snapshot for health output and metrics. */
export interface EventRelayStatus {
  isConnected: boolean;
  /** Local events waiting to be sent. */
  pendingEvents: number;
  sentEvents: number;
  receivedEvents: number;
  /** Local events dropped because the buffer was full while disconnected. */
  droppedEvents: number;
  /** Events cut down to fit a notification. */
  truncatedEvents: number;
}

/**
 * Sends the events this node's bus publishes to the other nodes sharing the
 * PostgreSQL database, and publishes theirs on this node's bus.
 */
export class EventRelay {
  readonly #o: Required<Omit<EventRelayOptions, 'bus' | 'log'>> & Pick<EventRelayOptions, 'bus' | 'log'>;
  readonly #run = randomBytes(9).toString('hex');
  /** Room in one notification for the events, after the envelope. */
  readonly #eventBudget: number;
  #seq = 0;
  #client: pg.Client | null = null;
  /** The client between connect and LISTEN done: its notifications count already. */
  #connecting: pg.Client | null = null;
  #isStarted = false;
  #isStopped = false;
  #unsubscribe: (() => void) | null = null;
  #pending: RelayEvent[] = [];
  /** Packed notifications not yet confirmed sent; re-sent as they are (same sequence numbers). */
  #unsent: string[] = [];
  #unsentEvents = 0;
  #flushing: Promise<void> | null = null;
  #retryTimer: NodeJS.Timeout | null = null;
  #reconnectTimer: NodeJS.Timeout | null = null;
  #pingTimer: NodeJS.Timeout | null = null;
  #connectFailures = 0;
  #sendFailures = 0;
  #hasConnected = false;
  /** Last sequence number seen per remote run, oldest run first. */
  readonly #lastSeq = new Map<string, number>();
  #sent = 0;
  #received = 0;
  #dropped = 0;
  #truncated = 0;

  constructor(options: EventRelayOptions) {
    if (!options.databaseUrl) throw new Error('EventRelay needs a PostgreSQL URL (PGlite needs no relay: one process)');
    if (!options.nodeId || options.nodeId.length > 200) throw new Error('EventRelay needs a node id of 1 to 200 characters');
    this.#o = {
      ...options,
      maxPendingEvents: options.maxPendingEvents ?? 10_000,
      minBackoffMs: options.minBackoffMs ?? 200,
      maxBackoffMs: options.maxBackoffMs ?? 30_000,
      pingIntervalMs: options.pingIntervalMs ?? 30_000,
      queryTimeoutMs: options.queryTimeoutMs ?? 15_000,
    };
    const envelope = asciiJson({ v: 1, n: options.nodeId, r: this.#run, s: Number.MAX_SAFE_INTEGER, e: [] } satisfies Packet);
    this.#eventBudget = MAX_NOTIFY_BYTES - envelope.length;
  }

  get isConnected(): boolean {
    return this.#client !== null;
  }

  status(): EventRelayStatus {
    return {
      isConnected: this.isConnected,
      pendingEvents: this.#pending.length + this.#unsentEvents,
      sentEvents: this.#sent,
      receivedEvents: this.#received,
      droppedEvents: this.#dropped,
      truncatedEvents: this.#truncated,
    };
  }

  /**
   * Subscribes to the bus and connects. Resolves once listening, or after a
   * first failed attempt (logged; retried in the background).
   */
  async start(): Promise<void> {
    if (this.#isStarted) return;
    this.#isStarted = true;
    this.#unsubscribe = this.#o.bus.subscribe((event) => this.#onLocal(event));
    if (this.#o.pingIntervalMs > 0) {
      this.#pingTimer = setInterval(() => this.#ping(), this.#o.pingIntervalMs);
      this.#pingTimer.unref();
    }
    await this.#connect().catch((err: unknown) => this.#connectFailed(err));
  }

  /** Sends what is pending if connected (bounded by the query timeout), then closes. */
  async stop(): Promise<void> {
    if (this.#isStopped) return;
    this.#isStopped = true;
    this.#unsubscribe?.();
    for (const timer of [this.#retryTimer, this.#reconnectTimer]) if (timer) clearTimeout(timer);
    if (this.#pingTimer) clearInterval(this.#pingTimer);
    await this.#flushing;
    if (this.#client && (this.#pending.length || this.#unsent.length)) await this.#flush();
    const unsent = this.#pending.length + this.#unsentEvents;
    if (unsent) this.#o.log.warn('event relay: stopped with events not sent to other nodes', { events: unsent });
    const client = this.#client;
    this.#client = null;
    if (client) await closeWithin(client, this.#o.queryTimeoutMs).catch((err: unknown) => this.#o.log.warn('event relay: closing the connection failed', { err }));
  }

  #onLocal(event: RelayEvent): void {
    // Relayed events came from another node: sending them again would loop.
    if (event.origin !== undefined || this.#isStopped) return;
    this.#pending.push(event);
    const excess = Math.min(this.#pending.length, this.#pending.length + this.#unsentEvents - this.#o.maxPendingEvents);
    if (excess > 0) {
      this.#pending.splice(0, excess);
      // Logged on the first drop and then every 1000, not once per event.
      if (Math.floor(this.#dropped / 1000) !== Math.floor((this.#dropped + excess) / 1000) || this.#dropped === 0) {
        this.#o.log.warn('event relay: buffer full, dropping the oldest local events', { dropped: this.#dropped + excess });
      }
      this.#dropped += excess;
    }
    this.#flushSoon();
  }

  #flushSoon(): void {
    if (this.#flushing || this.#retryTimer || !this.#client) return;
    // A microtask later: every event of one publish() call goes in one statement.
    this.#flushing = Promise.resolve()
      .then(() => this.#flush())
      .finally(() => {
        this.#flushing = null;
      });
  }

  async #flush(): Promise<void> {
    while (this.#client) {
      if (this.#unsent.length === 0) this.#pack();
      if (this.#unsent.length === 0) return;
      const client = this.#client;
      try {
        await client.query(
          'select pg_notify($1, p) from unnest($2::text[]) with ordinality as u(p, i) order by i',
          [EVENTS_CHANNEL, this.#unsent],
        );
      } catch (err) {
        // Kept as packed: if the statement did commit, receivers drop the copy by its sequence number.
        this.#sendFailures++;
        this.#o.log.warn('event relay: sending events to other nodes failed; retrying', { events: this.#unsentEvents, err });
        if (!this.#isStopped) {
          this.#retryTimer = setTimeout(() => {
            this.#retryTimer = null;
            this.#flushSoon();
          }, this.#backoffMs(this.#sendFailures));
          this.#retryTimer.unref();
        }
        return;
      }
      this.#sent += this.#unsentEvents;
      this.#unsent = [];
      this.#unsentEvents = 0;
      this.#sendFailures = 0;
    }
  }

  /** Moves pending events into notifications, in order, as many as fit in one statement. */
  #pack(): void {
    let batch: string[] = [];
    let size = 0;
    let used = 0;
    const close = () => {
      if (batch.length === 0) return;
      const packet = `{"v":1,"n":${asciiJson(this.#o.nodeId)},"r":"${this.#run}","s":${++this.#seq},"e":[${batch.join(',')}]}`;
      this.#unsent.push(packet);
      batch = [];
      size = 0;
    };
    for (const event of this.#pending) {
      const encoded = this.#encode(event);
      used++;
      if (encoded === null) continue;
      if (batch.length && size + 1 + encoded.length > this.#eventBudget) {
        close();
        if (this.#unsent.length === PACKETS_PER_STATEMENT) {
          used--;
          break;
        }
      }
      batch.push(encoded);
      size += encoded.length + (batch.length > 1 ? 1 : 0);
      this.#unsentEvents++;
    }
    close();
    this.#pending.splice(0, used);
  }

  /** One event as JSON that fits a notification, cut down if it must be; null if it cannot be encoded. */
  #encode(event: RelayEvent): string | null {
    let json: string;
    try {
      json = asciiJson({ t: event.type, p: event.payload });
    } catch (err) {
      this.#o.log.error('event relay: an event payload is not JSON; not sent', { type: event.type, err });
      return null;
    }
    if (json.length <= this.#eventBudget) return json;
    this.#truncated++;
    this.#o.log.warn('event relay: event too large for a notification; sent cut down', { type: event.type, bytes: json.length });
    for (const maxChars of [...TRUNCATED_STRING_CHARS, 0]) {
      const payload: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(event.payload)) {
        if (key.length > 100) continue;
        if (typeof value === 'number' || typeof value === 'boolean' || value === null) payload[key] = value;
        else if (typeof value === 'string' && maxChars > 0) payload[key] = value.slice(0, maxChars);
      }
      payload.isTruncated = true;
      json = asciiJson({ t: event.type, p: payload });
      if (json.length <= this.#eventBudget) return json;
    }
    return asciiJson({ t: event.type, p: { isTruncated: true } });
  }

  #onNotification(client: pg.Client, message: pg.Notification): void {
    if ((client !== this.#client && client !== this.#connecting) || message.channel !== EVENTS_CHANNEL || !message.payload) return;
    let packet: Packet;
    try {
      packet = JSON.parse(message.payload) as Packet;
    } catch (err) {
      this.#o.log.warn('event relay: ignored a notification that is not JSON', { err });
      return;
    }
    if (!isPlainObject(packet) || typeof packet.n !== 'string' || typeof packet.r !== 'string' || typeof packet.s !== 'number' || !Array.isArray(packet.e)) {
      this.#o.log.warn('event relay: ignored a notification of unknown shape');
      return;
    }
    // A LISTEN session hears its own NOTIFY.
    if (packet.r === this.#run) return;
    const last = this.#lastSeq.get(packet.r);
    if (last !== undefined && packet.s <= last) return;
    this.#lastSeq.delete(packet.r);
    this.#lastSeq.set(packet.r, packet.s);
    if (this.#lastSeq.size > REMEMBERED_RUNS) this.#lastSeq.delete(this.#lastSeq.keys().next().value!);
    for (const item of packet.e) {
      if (!isPlainObject(item) || typeof item.t !== 'string' || !Object.hasOwn(EVENT_TYPES, item.t) || !isPlainObject(item.p)) {
        this.#o.log.warn('event relay: ignored an event of unknown type or shape', { from: packet.n });
        continue;
      }
      this.#received++;
      try {
        this.#o.bus.publish([{ type: item.t as EventType, payload: item.p, origin: packet.n }]);
      } catch (err) {
        // A subscriber threw: it must not take the connection (or the process) down.
        this.#o.log.error('event relay: a subscriber failed on a relayed event', { type: item.t, err });
      }
    }
  }

  async #connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.#o.databaseUrl,
      // PostgreSQL keeps 63 bytes: enough to find the node in pg_stat_activity.
      application_name: `relais events ${this.#o.nodeId}`.slice(0, 63),
      keepAlive: true,
      connectionTimeoutMillis: this.#o.queryTimeoutMs,
      query_timeout: this.#o.queryTimeoutMs,
    });
    client.on('error', (err) => this.#lost(client, err));
    client.on('end', () => this.#lost(client));
    client.on('notification', (message) => this.#onNotification(client, message));
    this.#connecting = client;
    try {
      await client.connect();
      await client.query(`listen ${EVENTS_CHANNEL}`);
    } catch (err) {
      // Not awaited: closing a half-open connection may hang. The connect error is what gets logged.
      client.end().catch(() => undefined);
      throw err;
    } finally {
      this.#connecting = null;
    }
    if (this.#isStopped) {
      await closeWithin(client, this.#o.queryTimeoutMs);
      return;
    }
    this.#client = client;
    this.#connectFailures = 0;
    if (this.#hasConnected) this.#o.log.info('event relay: reconnected', { pendingEvents: this.#pending.length + this.#unsentEvents });
    this.#hasConnected = true;
    this.#flushSoon();
  }

  #connectFailed(err: unknown): void {
    this.#connectFailures++;
    this.#o.log.warn('event relay: could not connect; retrying', { attempt: this.#connectFailures, err });
    this.#scheduleReconnect();
  }

  #lost(client: pg.Client, err?: Error): void {
    if (client !== this.#client) return;
    this.#client = null;
    if (this.#isStopped) return;
    this.#o.log.warn('event relay: connection lost; reconnecting', { ...(err ? { err } : {}) });
    client.end().catch(() => undefined); // already broken: nothing more to learn from closing it
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    if (this.#isStopped || this.#reconnectTimer) return;
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = null;
      this.#connect().catch((err: unknown) => this.#connectFailed(err));
    }, this.#backoffMs(this.#connectFailures));
    this.#reconnectTimer.unref();
  }

  /** minBackoffMs doubled per failure, at most maxBackoffMs, ±20% so nodes do not retry in step. */
  #backoffMs(failures: number): number {
    const base = Math.min(this.#o.maxBackoffMs, this.#o.minBackoffMs * 2 ** Math.min(failures, 20));
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }

  /** A connection that silently died (network partition) is only noticed by using it. */
  #ping(): void {
    const client = this.#client;
    if (!client || this.#flushing) return;
    client.query('select 1').catch((err: Error) => this.#lost(client, err));
  }
}
