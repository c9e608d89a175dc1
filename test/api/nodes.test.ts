// Subscriptions across nodes, and clients that connect and say nothing. Two
// relais share one PostgreSQL: an alert raised on node A reaches a
// subscriber connected to node B (LISTEN/NOTIFY).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { AdminAccounts, ApiTokens } from '../../relay-core/accounts/index.ts';
import { loadConfig } from '../../relay-core/config/index.ts';
import { silentLogger } from '../../relay-core/log.ts';
import { startRelay, type RunningRelay } from '../../server/relay.ts';
import { ApiClient, take } from '../support/api-client.ts';
import { createTestDatabase, isPostgres, type TestDatabase } from '../support/db.ts';
import { relayEnv } from '../support/relay.ts';

let db: TestDatabase;
let a: RunningRelay;
let b: RunningRelay;
let token: string;

beforeAll(async () => {
  db = await createTestDatabase();
  a = await startRelay(loadConfig({ env: relayEnv(db) }), silentLogger);
  if (isPostgres()) b = await startRelay(loadConfig({ env: relayEnv(db, { RELAIS_DATA_DIR: `${db.dataDir}/node-b` }) }), silentLogger);
  await new AdminAccounts({ db: a.db }).add('root', 'a long admin password');
  token = (await new ApiTokens({ db: a.db }).create({ name: 'ops', scope: 'read', by: 'test' })).secret;
});
afterAll(async () => {
  await b?.stop();
  await a?.stop();
  await db?.drop();
});

describe('API across nodes', () => {
  it.skipIf(!isPostgres())('an alert raised on one node reaches a subscriber connected to another', async () => {
    const onB = new ApiClient(b.httpPort);
    onB.token = token;
    const ws = onB.ws();
    const feed = take<{ alerts: { kind: string; subject: string } }>(ws, 'subscription { alerts { kind subject } }', 1);
    let got: { alerts: { kind: string; subject: string } }[] | null = null;
    void feed.results.then((r) => (got = r));
    // Raised on node A, the way its queue raises one (row and event in one transaction, then published).
    for (let i = 0; i < 50 && !got; i++) {
      const events = [{ type: 'alert.raised' as const, payload: { alertId: String(i), kind: 'policy-block', subject: `blocker${i}.test` } }];
      await a.db.transaction((tx) => a.events.record(tx, events));
      a.events.publish(events);
      await new Promise((r) => setTimeout(r, 200));
    }
    const [first] = await feed.results;
    expect(first!.alerts).toMatchObject({ kind: 'policy-block' });
    expect(first!.alerts.subject).toMatch(/^blocker\d+\.test$/);
    await ws.dispose();
  });

  it('closes a WebSocket that never sends connection_init', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${a.httpPort}/graphql`, 'graphql-transport-ws');
    const code = await new Promise<number>((resolve) => socket.on('close', (c) => resolve(c)));
    expect(code).toBe(4408);
  });
});
