import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, isPostgres, type TestDatabase } from '../../test/support/db.ts';
import type { Logger } from '../log.ts';
import { EventBus, type RelayEvent } from './bus.ts';
import { EventRelay } from './notify.ts';

/** Polls `check` until it returns a truthy value or the deadline passes. */
async function waitFor<T>(check: () => Promise<T> | T, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function recordingLog(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const write = (message: string) => lines.push(message);
  return { lines, info: write, warn: write, error: write };
}

interface Node {
  bus: EventBus;
  relay: EventRelay;
  seen: RelayEvent[];
  log: ReturnType<typeof recordingLog>;
}

let target: TestDatabase | undefined;
const nodes: Node[] = [];

async function startNode(nodeId: string): Promise<Node> {
  const bus = new EventBus();
  const log = recordingLog();
  const relay = new EventRelay({ databaseUrl: target!.databaseUrl, bus, nodeId, log, minBackoffMs: 20, maxBackoffMs: 500 });
  const seen: RelayEvent[] = [];
  bus.subscribe((event) => seen.push(event));
  await relay.start();
  const node = { bus, relay, seen, log };
  nodes.push(node);
  return node;
}

/** Runs `fn` with an admin connection to the test database. */
async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: target!.databaseUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function backendPid(nodeId: string): Promise<number | undefined> {
  return withAdmin(async (c) => {
    const { rows } = await c.query<{ pid: number }>(
      'select pid from pg_stat_activity where application_name = $1', [`relais events ${nodeId}`]);
    return rows[0]?.pid;
  });
}

const received = (node: Node, marker: string) => node.seen.filter((e) => e.payload.marker === marker);

beforeAll(async () => {
  if (isPostgres()) target = await createTestDatabase();
});
afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.relay.stop()));
});
afterAll(async () => target?.drop());

describe('EventRelay', () => {
  it('is refused without a PostgreSQL URL: on PGlite one process needs no relay', () => {
    expect(() => new EventRelay({ databaseUrl: '', bus: new EventBus(), nodeId: 'a', log: recordingLog() })).toThrow(/PostgreSQL/);
  });

  it.skipIf(!isPostgres())('an event published on one node reaches a subscriber on the other exactly once, and never comes back', async () => {
    const a = await startNode('node-a');
    const b = await startNode('node-b');
    a.bus.publish([{ type: 'message.received', payload: { marker: 'one', messageId: 'm1', sizeBytes: 10, recipients: 1, isDsn: false } }]);
    await waitFor(() => received(b, 'one').length, 'the event on node b');
    expect(received(b, 'one')).toEqual([
      { type: 'message.received', payload: { marker: 'one', messageId: 'm1', sizeBytes: 10, recipients: 1, isDsn: false }, origin: 'node-a' },
    ]);

    // A reply from b, sent after b republished: had b sent the event back, a would hear that first.
    b.bus.publish([{ type: 'message.deleted', payload: { marker: 'reply', messageId: 'm1' } }]);
    await waitFor(() => received(a, 'reply').length, 'the reply on node a');
    expect(received(a, 'one')).toEqual([expect.not.objectContaining({ origin: expect.anything() })]);
    expect(received(a, 'reply')).toEqual([expect.objectContaining({ origin: 'node-b' })]);
    expect(received(b, 'one')).toHaveLength(1);
    expect(received(b, 'reply')).toHaveLength(1);
    expect(a.relay.status()).toMatchObject({ isConnected: true, sentEvents: 1, receivedEvents: 1, pendingEvents: 0 });
  });

  it.skipIf(!isPostgres())('a burst of events arrives complete and in order, packed into few notifications', async () => {
    const a = await startNode('node-a');
    const b = await startNode('node-b');
    const listener = new pg.Client({ connectionString: target!.databaseUrl });
    await listener.connect();
    let notifications = 0;
    let events = 0;
    listener.on('notification', (n) => {
      notifications++;
      events += (JSON.parse(n.payload!) as { e: unknown[] }).e.length;
    });
    await listener.query('listen relais_events');
    try {
      const burst = Array.from({ length: 2000 }, (_, i): RelayEvent => ({
        type: 'recipient.delivered', payload: { marker: 'burst', i, domain: `d${i % 7}.test`, code: 250, enhanced: '2.0.0', category: 'delivered', ageMs: i },
      }));
      a.bus.publish(burst);
      await waitFor(() => received(b, 'burst').length === 2000, 'the whole burst on node b');
      expect(received(b, 'burst').map((e) => e.payload.i)).toEqual(burst.map((e) => e.payload.i));
      await waitFor(() => events === 2000, 'the whole burst on the test listener');
      // About 130 bytes an event, under 8000 bytes a notification.
      expect(notifications).toBeGreaterThanOrEqual(30);
      expect(notifications).toBeLessThanOrEqual(40);
    } finally {
      await listener.end();
    }
  });

  it.skipIf(!isPostgres())('a payload near the size limit arrives whole; a larger one arrives cut down, keeping its type and short fields', async () => {
    const a = await startNode('node-a');
    const b = await startNode('node-b');
    const near = 'x'.repeat(7700);
    const accented = 'é'.repeat(1250); // 7500 bytes once escaped to ASCII
    const huge = 'y'.repeat(200_000);
    a.bus.publish([
      { type: 'alert.raised', payload: { marker: 'near', alertId: '1', kind: 'policy-block', subject: near } },
      { type: 'alert.raised', payload: { marker: 'accented', alertId: '2', kind: 'policy-block', subject: accented } },
      { type: 'alert.raised', payload: { marker: 'huge', alertId: '3', kind: 'policy-block', subject: huge, nested: { deep: huge } } },
    ]);
    await waitFor(() => received(b, 'huge').length, 'the huge event on node b');
    expect(received(b, 'near')[0]!.payload.subject).toBe(near);
    expect(received(b, 'accented')[0]!.payload.subject).toBe(accented);
    const cut = received(b, 'huge')[0]!;
    expect(cut.type).toBe('alert.raised');
    expect(cut.payload).toEqual({ marker: 'huge', alertId: '3', kind: 'policy-block', subject: 'y'.repeat(1000), isTruncated: true });
    expect(a.relay.status().truncatedEvents).toBe(1);
    // Sent in order: nothing was lost around the large ones.
    expect(b.seen.map((e) => e.payload.marker)).toEqual(['near', 'accented', 'huge']);
  });

  it.skipIf(!isPostgres())('ignores notifications on its channel that are not from a relay, or carry an unknown event type', async () => {
    const b = await startNode('node-b');
    await withAdmin(async (c) => {
      await c.query("select pg_notify('relais_events', 'not json')");
      await c.query(`select pg_notify('relais_events', $1)`, [JSON.stringify({ v: 1, n: 'x', r: 'r1', s: 1, e: [{ t: 'user.deleted', p: {} }, { t: 'message.deleted', p: 'x' }] })]);
      await c.query(`select pg_notify('relais_events', $1)`, [JSON.stringify({ v: 1, n: 'x', r: 'r1', s: 2, e: [{ t: 'message.deleted', p: { marker: 'ok' } }] })]);
      // A copy of an earlier notification (a retried send whose first reply was lost) is dropped.
      await c.query(`select pg_notify('relais_events', $1)`, [JSON.stringify({ v: 1, n: 'x', r: 'r1', s: 2, e: [{ t: 'message.deleted', p: { marker: 'ok' } }] })]);
      await c.query(`select pg_notify('relais_events', $1)`, [JSON.stringify({ v: 1, n: 'x', r: 'r1', s: 3, e: [{ t: 'message.deleted', p: { marker: 'last' } }] })]);
    });
    await waitFor(() => received(b, 'last').length, 'the last notification');
    expect(b.seen.map((e) => e.payload.marker)).toEqual(['ok', 'last']);
    expect(b.log.lines).toEqual(expect.arrayContaining([expect.stringMatching(/not JSON/), expect.stringMatching(/unknown type/)]));
  });

  it.skipIf(!isPostgres())('a node whose connection is terminated reconnects: it receives again, and what it raised meanwhile is sent once', async () => {
    const a = await startNode('node-a');
    const b = await startNode('node-b');

    const oldB = await waitFor(() => backendPid('node-b'), "node b's backend");
    await withAdmin((c) => c.query('select pg_terminate_backend($1)', [oldB]));
    const newB = await waitFor(async () => {
      const pid = await backendPid('node-b');
      return pid !== undefined && pid !== oldB && b.relay.isConnected && pid;
    }, 'node b to reconnect');
    expect(newB).not.toBe(oldB);
    expect(b.log.lines).toContain('event relay: connection lost; reconnecting');
    a.bus.publish([{ type: 'message.deleted', payload: { marker: 'after-b', messageId: 'm2' } }]);
    await waitFor(() => received(b, 'after-b').length, 'an event on node b after its reconnect');

    // The sender loses its connection, then raises events at once: they wait and go out after the reconnect.
    const oldA = await waitFor(() => backendPid('node-a'), "node a's backend");
    await withAdmin((c) => c.query('select pg_terminate_backend($1)', [oldA]));
    a.bus.publish([{ type: 'message.deleted', payload: { marker: 'during-a', messageId: 'm3' } }]);
    await waitFor(() => received(b, 'during-a').length, 'the event raised during the outage on node b');
    b.bus.publish([{ type: 'message.deleted', payload: { marker: 'reply', messageId: 'm3' } }]);
    await waitFor(() => received(a, 'reply').length, 'the reply on node a');
    expect(received(b, 'during-a')).toHaveLength(1);
    expect(received(b, 'after-b')).toHaveLength(1);
    expect(received(a, 'during-a')).toHaveLength(1);
    expect(a.log.lines).toContain('event relay: reconnected');
  });
});
