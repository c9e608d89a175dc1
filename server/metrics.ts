// Prometheus metrics of one relais node, rendered for /metrics. Holds no
// business rule: it counts the events relay-core publishes and reads the
// queue and the delivery status when scraped.
//
// It does not put addresses, domains, subjects or reply texts in labels:
// every label takes its value from a closed set written below (an outcome, a
// bounce category, a recipient state, an alert kind), and anything else,
// including whatever a hostile or buggy payload carries, becomes "other". A
// scrape's size is fixed by the code, never by the traffic.
//
// Strategies:
// - Its own Registry (never prom-client's global one): several relays, or
//   tests, live in one process.
// - Counters count only events raised by this node (no `origin`): each node
//   counts its own work and Prometheus sums the nodes. The queue gauges read
//   the shared database, so every node reports the same totals: take max(),
//   not sum(), across nodes.
// - Queue gauges are read at scrape time; concurrent scrapes share one query,
//   so hammering /metrics runs at most one count at a time. A failed read
//   leaves relais_queue_recipients without samples and the oldest age NaN
//   (unknown, never a reassuring 0), and counts
//   relais_metrics_query_failures_total.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AlertKind } from '../relay-core/alerts/index.ts';
import type { BounceCategory } from '../relay-core/bounces/index.ts';
import type { Sql } from '../relay-core/db/index.ts';
import type { DeliveryStatus } from '../relay-core/delivery/index.ts';
import type { EventBus, EventType, RelayEvent } from '../relay-core/events/index.ts';
import type { Logger } from '../relay-core/log.ts';
import type { RecipientState } from '../relay-core/queue/index.ts';

export interface RelayMetricsOptions {
  db: Sql;
  bus: EventBus;
  /** The delivery workers of this node; none: no delivery gauges. */
  delivery?: { status(): DeliveryStatus };
  log?: Logger;
  /** Node.js process metrics (CPU, memory, event loop lag, GC) with the relais_ prefix. */
  hasProcessMetrics?: boolean;
}

// The closed label sets. Records rather than arrays: the compiler insists on
// every member of the union, so a new category or state cannot be forgotten.
const CATEGORIES: Record<BounceCategory, true> = {
  delivered: true, 'invalid-recipient': true, 'invalid-domain': true, 'mailbox-full': true, 'mailbox-disabled': true,
  'policy-block': true, 'content-rejected': true, 'auth-failure': true, 'rate-limited': true, greylisted: true,
  'message-too-big': true, network: true, protocol: true, other: true,
};
const STATES: Record<RecipientState, true> = {
  queued: true, active: true, deferred: true, held: true, delivered: true, bounced: true, expired: true,
};
const ALERT_KINDS: Record<AlertKind | 'other', true> = { 'policy-block': true, complaint: true, spike: true, other: true };
const OUTCOMES: Partial<Record<EventType, string>> = {
  'recipient.delivered': 'delivered',
  'recipient.deferred': 'deferred',
  'recipient.bounced': 'bounced',
  'recipient.expired': 'expired',
};
/** Recipients still to be tried: the age of the oldest is how far behind the queue is. */
const PENDING_STATES: RecipientState[] = ['queued', 'active', 'deferred'];

/** From one second (a fast relay) to five days (the usual maximum queue age). */
const DURATION_BUCKETS_S = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 14_400, 28_800, 86_400, 172_800, 432_000];

/** `value` if it is a member of `set`, else "other". */
function labelOf(value: unknown, set: Record<string, true>): string {
  return typeof value === 'string' && Object.hasOwn(set, value) ? value : 'other';
}

interface QueueSnapshot {
  byState: Map<string, number>;
  oldestSeconds: number;
}

export class RelayMetrics {
  readonly #o: RelayMetricsOptions;
  readonly #registry = new Registry();
  readonly #unsubscribe: () => void;
  readonly #received: Counter<'kind'>;
  readonly #recipients: Counter<'outcome' | 'category'>;
  readonly #duration: Histogram;
  readonly #alerts: Counter<'kind'>;
  readonly #complaints: Counter;
  readonly #authFailures: Counter;
  readonly #connections: Counter;
  readonly #queryFailures: Counter;
  readonly #queueRecipients: Gauge<'state'>;
  readonly #queueOldest: Gauge;
  #snapshot: Promise<QueueSnapshot | null> | null = null;

  constructor(options: RelayMetricsOptions) {
    this.#o = options;
    const registers = [this.#registry];
    if (options.hasProcessMetrics ?? true) collectDefaultMetrics({ register: this.#registry, prefix: 'relais_' });

    this.#received = new Counter({ name: 'relais_messages_received_total', help: 'Messages queued by this node: submitted (message) or generated notices (dsn).', labelNames: ['kind'], registers });
    this.#recipients = new Counter({
      name: 'relais_recipients_total', help: 'Delivery attempt outcomes recorded by this node, by outcome and bounce category.',
      labelNames: ['outcome', 'category'], registers,
    });
    this.#duration = new Histogram({
      name: 'relais_delivery_duration_seconds', help: 'Time from receipt to delivery of each delivered recipient.',
      buckets: DURATION_BUCKETS_S, registers,
    });
    this.#alerts = new Counter({ name: 'relais_alerts_total', help: 'Alerts raised by this node, by kind.', labelNames: ['kind'], registers });
    this.#complaints = new Counter({ name: 'relais_complaints_total', help: 'Complaint (ARF) reports received by this node.', registers });
    this.#authFailures = new Counter({ name: 'relais_smtp_auth_failures_total', help: 'Failed SMTP AUTH attempts on the submission listener.', registers });
    this.#connections = new Counter({ name: 'relais_smtp_connections_total', help: 'Connections accepted by the submission listener.', registers });
    this.#queryFailures = new Counter({ name: 'relais_metrics_query_failures_total', help: 'Scrapes whose queue query failed (queue gauges unknown).', registers });
    this.#queueRecipients = new Gauge({ name: 'relais_queue_recipients', help: 'Recipients in the queue (shared by all nodes), by state.', labelNames: ['state'], registers });
    this.#queueOldest = new Gauge({ name: 'relais_queue_oldest_seconds', help: 'Age of the oldest message with a recipient queued, active or deferred (held ones excluded); 0 when none.', registers });

    // Every series exists from the start at 0, so rate() sees the first increment.
    for (const kind of ['message', 'dsn']) this.#received.inc({ kind }, 0);
    for (const outcome of Object.values(OUTCOMES)) for (const category of Object.keys(CATEGORIES)) this.#recipients.inc({ outcome, category }, 0);
    for (const kind of Object.keys(ALERT_KINDS)) this.#alerts.inc({ kind }, 0);

    const delivery = options.delivery;
    if (delivery) {
      const gauge = (name: string, help: string, value: (s: DeliveryStatus) => number) =>
        new Gauge({ name, help, registers, collect() { this.set(value(delivery.status())); } });
      gauge('relais_delivery_sessions', 'SMTP sessions open to destinations now.', (s) => s.activeSessions);
      gauge('relais_delivery_waiting_recipients', 'Recipients claimed by this node, not yet handed to a session.', (s) => s.waitingRecipients);
      gauge('relais_destinations_throttled', 'Destinations that asked this node to slow down and are still slowed.', (s) => Object.keys(s.throttled).length);
      let countedErrors = 0;
      new Counter({
        name: 'relais_delivery_errors_total', help: 'Delivery errors logged by this node (database, unexpected failures; not delivery outcomes).', registers,
        collect() {
          const errors = delivery.status().errors;
          this.inc(Math.max(0, errors - countedErrors));
          countedErrors = Math.max(countedErrors, errors);
        },
      });
    }

    this.#unsubscribe = options.bus.subscribe((event) => {
      try {
        this.#count(event);
      } catch (err) {
        // Publishing happens after a commit: a metrics bug must not fail the publisher.
        this.#o.log?.error('metrics: could not count an event', { type: event.type, err });
      }
    });
  }

  /** A failed SMTP AUTH on the submission listener. */
  authFailed(): void {
    this.#authFailures.inc();
  }

  /** A connection accepted by the submission listener. */
  connectionAccepted(): void {
    this.#connections.inc();
  }

  /** The exposition text, with the queue read now. */
  async render(): Promise<{ contentType: string; body: string }> {
    const snapshot = await this.#readQueue();
    this.#queueRecipients.reset();
    if (snapshot) for (const state of Object.keys(STATES)) this.#queueRecipients.set({ state }, snapshot.byState.get(state) ?? 0);
    // A gauge without labels always has a sample: unknown is NaN.
    this.#queueOldest.set(snapshot ? snapshot.oldestSeconds : Number.NaN);
    return { contentType: this.#registry.contentType, body: await this.#registry.metrics() };
  }

  /** Stops counting events. */
  stop(): void {
    this.#unsubscribe();
  }

  #count(event: RelayEvent): void {
    // Relayed from another node: that node counts it.
    if (event.origin !== undefined) return;
    const p = event.payload;
    const outcome = OUTCOMES[event.type];
    if (outcome) {
      this.#recipients.inc({ outcome, category: labelOf(p.category, CATEGORIES) });
      if (outcome === 'delivered' && typeof p.ageMs === 'number' && Number.isFinite(p.ageMs)) {
        // Nodes' clocks differ slightly from the database's: a small negative age is 0.
        this.#duration.observe(Math.max(0, p.ageMs) / 1000);
      }
    } else if (event.type === 'message.received') {
      this.#received.inc({ kind: p.isDsn === true ? 'dsn' : 'message' });
    } else if (event.type === 'alert.raised') {
      this.#alerts.inc({ kind: labelOf(p.kind, ALERT_KINDS) });
    } else if (event.type === 'recipient.complained') {
      this.#complaints.inc();
    }
  }

  /** One queue read at a time: a scrape arriving meanwhile shares it. */
  #readQueue(): Promise<QueueSnapshot | null> {
    this.#snapshot ??= this.#queryQueue().finally(() => {
      this.#snapshot = null;
    });
    return this.#snapshot;
  }

  async #queryQueue(): Promise<QueueSnapshot | null> {
    try {
      const [states, oldest] = await Promise.all([
        this.#o.db.query<{ state: string; n: string | number }>('select state, count(*) as n from recipient group by state'),
        this.#o.db.query<{ seconds: string | number | null }>(
          `select extract(epoch from now() - min(m.received_at)) as seconds from message m
           where exists (select 1 from recipient r where r.message_id = m.id and r.state in (?))`,
          [PENDING_STATES],
        ),
      ]);
      return {
        byState: new Map(states.map((r) => [r.state, Number(r.n)])),
        oldestSeconds: Math.max(0, Number(oldest[0]?.seconds ?? 0)),
      };
    } catch (err) {
      this.#queryFailures.inc();
      this.#o.log?.warn('metrics: could not read the queue', { err });
      return null;
    }
  }
}
