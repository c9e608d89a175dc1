import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseReply } from '../relay-core/bounces/index.ts';
import type { DeliveryStatus } from '../relay-core/delivery/index.ts';
import { EventBus, type RelayEvent } from '../relay-core/events/index.ts';
import { QueueAdmin, QueueService } from '../relay-core/queue/index.ts';
import { addressHasher } from '../relay-core/stats/index.ts';
import { openTestDb } from '../test/support/db.ts';
import { RelayMetrics } from './metrics.ts';

type TestDb = Awaited<ReturnType<typeof openTestDb>>;
let db: TestDb;

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the Prometheus text exposition format (0.0.4): one sample per line, comments skipped. */
function parseExposition(body: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of body.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not an exposition line: ${line.slice(0, 200)}`);
    const labels: Record<string, string> = {};
    for (const [, key, raw] of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[key!] = raw!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

const CATEGORIES = new Set([
  'delivered', 'invalid-recipient', 'invalid-domain', 'mailbox-full', 'mailbox-disabled', 'policy-block', 'content-rejected',
  'auth-failure', 'rate-limited', 'greylisted', 'message-too-big', 'network', 'protocol', 'other',
]);
/** Every label value a relais metric may carry (process metrics aside). */
const ALLOWED_LABELS: Record<string, Set<string>> = {
  kind: new Set(['message', 'dsn', 'policy-block', 'complaint', 'spike', 'other']),
  outcome: new Set(['delivered', 'deferred', 'bounced', 'expired']),
  category: CATEGORIES,
  state: new Set(['queued', 'active', 'deferred', 'held', 'delivered', 'bounced', 'expired']),
  le: new Set(['1', '5', '15', '30', '60', '120', '300', '600', '1800', '3600', '7200', '14400', '28800', '86400', '172800', '432000', '+Inf']),
};

async function render(metrics: RelayMetrics): Promise<Sample[]> {
  const { contentType, body } = await metrics.render();
  expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseExposition(body);
}

function makeQueue(bus: EventBus) {
  return new QueueService({
    db, events: bus, hashAddress: addressHasher(Buffer.alloc(32, 1)), nodeId: 'node-m', hostname: 'relay.test',
    schedule: { retryFirstMs: 300_000, retryMaxMs: 3_600_000, maxAgeMs: 5 * 86_400_000 }, leaseMs: 60_000,
  });
}

beforeAll(async () => {
  db = await openTestDb();
});
afterAll(async () => db?.drop());
beforeEach(async () => {
  await new QueueAdmin({ db }).remove({ all: true });
});

describe('RelayMetrics', () => {
  it('counts messages and recipient outcomes by category from local events, and leaves relayed events to their node', async () => {
    const bus = new EventBus();
    const metrics = new RelayMetrics({ db, bus, hasProcessMetrics: false });
    const delivered = (ageMs: number): RelayEvent => ({
      type: 'recipient.delivered', payload: { domain: 'one.test', code: 250, enhanced: '2.0.0', category: 'delivered', ageMs },
    });
    bus.publish([
      { type: 'message.received', payload: { messageId: 'm1', sizeBytes: 100, recipients: 2, isDsn: false } },
      { type: 'message.received', payload: { messageId: 'm2', sizeBytes: 100, recipients: 1, isDsn: false } },
      { type: 'message.received', payload: { messageId: 'm3', sizeBytes: 100, recipients: 1, isDsn: true } },
      delivered(3_000),
      delivered(90_000),
      { type: 'recipient.bounced', payload: { domain: 'two.test', code: 550, enhanced: '5.1.1', category: 'invalid-recipient', ageMs: 1 } },
      { type: 'recipient.deferred', payload: { domain: 'two.test', code: 451, enhanced: '4.7.1', category: 'greylisted', ageMs: 1 } },
      { type: 'recipient.expired', payload: { domain: 'three.test', code: 421, enhanced: '4.4.1', category: 'network', ageMs: 1 } },
      { type: 'alert.raised', payload: { alertId: '1', kind: 'policy-block', subject: 'two.test' } },
      { type: 'recipient.complained', payload: { feedbackType: 'abuse' } },
      { type: 'message.deleted', payload: { messageId: 'm1' } },
      // Raised on another node: counted there.
      { ...delivered(1_000), origin: 'node-b' },
      { type: 'message.received', payload: { messageId: 'm4', sizeBytes: 1, recipients: 1, isDsn: false }, origin: 'node-b' },
    ]);
    const samples = await render(metrics);
    expect(valueOf(samples, 'relais_messages_received_total', { kind: 'message' })).toBe(2);
    expect(valueOf(samples, 'relais_messages_received_total', { kind: 'dsn' })).toBe(1);
    expect(valueOf(samples, 'relais_recipients_total', { outcome: 'delivered', category: 'delivered' })).toBe(2);
    expect(valueOf(samples, 'relais_recipients_total', { outcome: 'bounced', category: 'invalid-recipient' })).toBe(1);
    expect(valueOf(samples, 'relais_recipients_total', { outcome: 'deferred', category: 'greylisted' })).toBe(1);
    expect(valueOf(samples, 'relais_recipients_total', { outcome: 'expired', category: 'network' })).toBe(1);
    expect(valueOf(samples, 'relais_recipients_total', { outcome: 'bounced', category: 'policy-block' })).toBe(0);
    expect(valueOf(samples, 'relais_delivery_duration_seconds_count')).toBe(2);
    expect(valueOf(samples, 'relais_delivery_duration_seconds_sum')).toBe(93);
    expect(valueOf(samples, 'relais_delivery_duration_seconds_bucket', { le: '5' })).toBe(1);
    expect(valueOf(samples, 'relais_delivery_duration_seconds_bucket', { le: '120' })).toBe(2);
    expect(valueOf(samples, 'relais_alerts_total', { kind: 'policy-block' })).toBe(1);
    expect(valueOf(samples, 'relais_alerts_total', { kind: 'complaint' })).toBe(0);
    expect(valueOf(samples, 'relais_complaints_total')).toBe(1);
    metrics.stop();
  });

  it('turns hostile or malformed payloads into "other" and never lets an address, a domain or a long string into a label', async () => {
    const bus = new EventBus();
    const metrics = new RelayMetrics({ db, bus, hasProcessMetrics: false });
    const huge = 'z'.repeat(200_000);
    const hostile: RelayEvent[] = [
      { type: 'recipient.bounced', payload: { domain: 'evil.test', category: 'victim@example.org' } },
      { type: 'recipient.bounced', payload: { domain: 'evil.test', category: huge } },
      { type: 'recipient.bounced', payload: { domain: 'evil.test', category: 'delivered"} 1\nrelais_fake 1' } },
      { type: 'recipient.bounced', payload: { category: '__proto__' } },
      { type: 'recipient.bounced', payload: { category: 'hasOwnProperty' } },
      { type: 'recipient.deferred', payload: { category: 42 } },
      { type: 'recipient.deferred', payload: {} },
      { type: 'recipient.delivered', payload: { category: ['delivered'], ageMs: 'soon' } },
      { type: 'recipient.delivered', payload: { category: 'delivered', ageMs: Number.NaN } },
      { type: 'recipient.delivered', payload: { category: 'delivered', ageMs: -500 } },
      { type: 'recipient.delivered', payload: { category: 'delivered', ageMs: Number.POSITIVE_INFINITY } },
      { type: 'message.received', payload: { isDsn: 'yes' } },
      { type: 'alert.raised', payload: { kind: 'attacker@example.org', subject: huge } },
      { type: 'alert.raised', payload: {} },
      { type: 'recipient.complained', payload: { feedbackType: huge } },
      { type: 'user.hacked' as RelayEvent['type'], payload: { category: 'x@y.test' } },
    ];
    bus.publish(hostile);
    const { body } = await metrics.render();
    const samples = parseExposition(body);
    expect(body.length).toBeLessThan(20_000);
    expect(body).not.toMatch(/@|evil\.test|zzzz|relais_fake/);
    for (const sample of samples) {
      for (const [name, value] of Object.entries(sample.labels)) {
        expect(ALLOWED_LABELS[name], `label ${name} of ${sample.name}`).toBeDefined();
        expect(ALLOWED_LABELS[name]!.has(value), `${sample.name}{${name}="${value.slice(0, 50)}"}`).toBe(true);
      }
    }
    expect(valueOf(samples, 'relais_recipients_total', { outcome: 'bounced', category: 'other' })).toBe(5);
    expect(valueOf(samples, 'relais_recipients_total', { outcome: 'deferred', category: 'other' })).toBe(2);
    expect(valueOf(samples, 'relais_recipients_total', { outcome: 'delivered', category: 'other' })).toBe(1);
    expect(valueOf(samples, 'relais_recipients_total', { outcome: 'delivered', category: 'delivered' })).toBe(3);
    // Only the negative age (clock skew) is a usable duration; it counts as 0.
    expect(valueOf(samples, 'relais_delivery_duration_seconds_count')).toBe(1);
    expect(valueOf(samples, 'relais_delivery_duration_seconds_sum')).toBe(0);
    expect(valueOf(samples, 'relais_messages_received_total', { kind: 'message' })).toBe(1);
    expect(valueOf(samples, 'relais_alerts_total', { kind: 'other' })).toBe(2);
    expect(valueOf(samples, 'relais_complaints_total')).toBe(1);
    metrics.stop();
  });

  it('reports the queue by state from the database, every state present, and the age of the oldest pending message', async () => {
    const bus = new EventBus();
    const metrics = new RelayMetrics({ db, bus, hasProcessMetrics: false });
    const queue = makeQueue(bus);
    const body = Buffer.from('From: a@example.org\r\nSubject: m\r\n\r\nhello\r\n');
    let samples = await render(metrics);
    for (const state of ALLOWED_LABELS.state!) expect(valueOf(samples, 'relais_queue_recipients', { state })).toBe(0);
    expect(valueOf(samples, 'relais_queue_oldest_seconds')).toBe(0);

    await queue.enqueue({ mailFrom: 'a@example.org', submittedBy: null, rcptTo: ['x@one.test', 'y@one.test'], body });
    await queue.enqueue({ mailFrom: 'b@example.org', submittedBy: null, rcptTo: ['z@two.test'], body });
    const [claim] = await queue.claimDue(1);
    samples = await render(metrics);
    expect(valueOf(samples, 'relais_queue_recipients', { state: 'queued' })).toBe(2);
    expect(valueOf(samples, 'relais_queue_recipients', { state: 'active' })).toBe(1);
    expect(valueOf(samples, 'relais_queue_recipients', { state: 'held' })).toBe(0);
    expect(valueOf(samples, 'relais_queue_oldest_seconds')).toBeGreaterThanOrEqual(0);
    expect(valueOf(samples, 'relais_queue_oldest_seconds')).toBeLessThan(60);
    // The real queue's events feed the counters.
    expect(valueOf(samples, 'relais_messages_received_total', { kind: 'message' })).toBe(2);

    await queue.recordAttempts([{ claim: claim!, reply: parseReply(250, '2.0.0 Ok: queued'), mxHost: 'mx.one.test', isTls: true }]);
    samples = await render(metrics);
    expect(valueOf(samples, 'relais_recipients_total', { outcome: 'delivered', category: 'delivered' })).toBe(1);
    expect(valueOf(samples, 'relais_delivery_duration_seconds_count')).toBe(1);
    expect(valueOf(samples, 'relais_queue_recipients', { state: 'queued' })).toBe(2);
    expect(samples.filter((s) => s.name === 'relais_queue_recipients')).toHaveLength(7);

    // Old mail shows: a message received an hour ago.
    await db.query(`update message set received_at = now() - interval '1 hour'`);
    samples = await render(metrics);
    expect(valueOf(samples, 'relais_queue_oldest_seconds')).toBeGreaterThanOrEqual(3600);
    metrics.stop();
  });

  it('reports delivery sessions and throttled destinations without naming a domain, and counts SMTP auth failures', async () => {
    let status: DeliveryStatus = { activeSessions: 0, sessionsByDomain: {}, waitingRecipients: 0, errors: 0, throttled: {} };
    const metrics = new RelayMetrics({ db, bus: new EventBus(), delivery: { status: () => status }, hasProcessMetrics: false });
    metrics.authFailed();
    metrics.authFailed();
    metrics.connectionAccepted();
    let samples = await render(metrics);
    expect(valueOf(samples, 'relais_delivery_sessions')).toBe(0);
    expect(valueOf(samples, 'relais_destinations_throttled')).toBe(0);
    expect(valueOf(samples, 'relais_smtp_auth_failures_total')).toBe(2);
    expect(valueOf(samples, 'relais_smtp_connections_total')).toBe(1);

    const until = new Date(Date.now() + 60_000);
    status = {
      activeSessions: 5, sessionsByDomain: { 'gmail.test': 3, 'outlook.test': 2 }, waitingRecipients: 7, errors: 3,
      throttled: { 'gmail.test': { until, maxSessions: 1 }, 'yahoo.test': { until, maxSessions: 2 } },
    };
    const { body } = await metrics.render();
    samples = parseExposition(body);
    expect(valueOf(samples, 'relais_delivery_sessions')).toBe(5);
    expect(valueOf(samples, 'relais_delivery_waiting_recipients')).toBe(7);
    expect(valueOf(samples, 'relais_destinations_throttled')).toBe(2);
    expect(valueOf(samples, 'relais_delivery_errors_total')).toBe(3);
    expect(body).not.toMatch(/gmail|outlook|yahoo/);
    status = { ...status, errors: 4 };
    expect(valueOf(await render(metrics), 'relais_delivery_errors_total')).toBe(4);
    metrics.stop();
  });

  it('each instance has its own registry, with process metrics under the relais_ prefix', async () => {
    const one = new RelayMetrics({ db, bus: new EventBus() });
    const two = new RelayMetrics({ db, bus: new EventBus() });
    one.authFailed();
    const [a, b] = await Promise.all([render(one), render(two)]);
    expect(valueOf(a, 'relais_smtp_auth_failures_total')).toBe(1);
    expect(valueOf(b, 'relais_smtp_auth_failures_total')).toBe(0);
    expect(valueOf(a, 'relais_process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(a.some((s) => s.name === 'relais_nodejs_eventloop_lag_seconds')).toBe(true);
    expect(a.every((s) => s.name.startsWith('relais_'))).toBe(true);
    one.stop();
    two.stop();
  });

  it('still renders when the database cannot be read: queue gauges are unknown, never 0, and the failure is counted', async () => {
    const broken = { query: () => Promise.reject(new Error('connection refused')) };
    const metrics = new RelayMetrics({ db: broken, bus: new EventBus(), hasProcessMetrics: false });
    const samples = await render(metrics);
    expect(samples.some((s) => s.name === 'relais_queue_recipients')).toBe(false);
    expect(valueOf(samples, 'relais_queue_oldest_seconds')).toBeNaN();
    expect(valueOf(samples, 'relais_metrics_query_failures_total')).toBe(1);
    expect(valueOf(samples, 'relais_messages_received_total', { kind: 'message' })).toBe(0);
  });
});
