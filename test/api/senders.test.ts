// Holding and releasing a sender through the API, as after a traffic spike:
// the sender's new mail is refused with 451 4.7.1 until an admin releases it.
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiTokens } from '../../relay-core/accounts/index.ts';
import type { RunningRelay } from '../../server/relay.ts';
import { ApiClient } from '../support/api-client.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { startTestRelay } from '../support/relay.ts';

let db: TestDatabase;
let relay: RunningRelay;
let admin: ApiClient;

beforeAll(async () => {
  db = await createTestDatabase();
  relay = await startTestRelay(db);
  await relay.users.add('alice', 'alice password', ['alice@example.org']);
  admin = new ApiClient(relay.httpPort);
  admin.token = (await new ApiTokens({ db: relay.db }).create({ name: 'ops', scope: 'admin', by: 'test' })).secret;
});
afterAll(async () => {
  await relay?.stop();
  await db?.drop();
});

const submit = () => nodemailer.createTransport({
  host: '127.0.0.1', port: relay.smtpPort, secure: false, requireTLS: true,
  tls: { rejectUnauthorized: false }, auth: { user: 'alice', pass: 'alice password' },
}).sendMail({ from: 'alice@example.org', to: 'someone@dest.test', subject: 'x', text: 'x' });

describe('sender holds over the API', () => {
  it('holds a login, which then gets 451 4.7.1 at MAIL FROM, and releases it', async () => {
    const held = await admin.request('mutation { holdSender(key: "alice", reason: "checking a report") { hold { key source reason } problem { code } } }');
    expect(held.data?.holdSender).toEqual({ hold: { key: 'alice', source: 'manual', reason: 'checking a report' }, problem: null });
    const list = await admin.request('{ senderHolds { edges { node { key reason } } } }');
    expect(list.data?.senderHolds.edges).toEqual([{ node: { key: 'alice', reason: 'checking a report' } }]);
    await expect(submit()).rejects.toThrow(/451 4\.7\.1/);
    const released = await admin.request('mutation { releaseSender(key: "alice") { hold { releasedAt } problem { code } } }');
    expect(released.data?.releaseSender.hold.releasedAt).toBeTruthy();
    await expect(submit()).resolves.toMatchObject({ response: expect.stringMatching(/^250/) });
  });

  it('answers bad keys and unknown holds with typed problems; a read token may list but not hold', async () => {
    const bad = await admin.request('mutation { holdSender(key: "a\\r\\nb", reason: "x") { problem { code } } }');
    expect(bad.data?.holdSender.problem.code).toBe('INVALID_INPUT');
    const unknown = await admin.request('mutation { releaseSender(key: "nobody") { problem { code } } }');
    expect(unknown.data?.releaseSender.problem.code).toBe('NOT_FOUND');
    const reader = new ApiClient(relay.httpPort);
    reader.token = (await new ApiTokens({ db: relay.db }).create({ name: 'ro', scope: 'read', by: 'test' })).secret;
    expect((await reader.request('{ senderHolds { edges { node { key } } } }')).errors).toBeUndefined();
    expect((await reader.request('mutation { holdSender(key: "alice", reason: "x") { problem { code } } }')).errors?.[0]?.message).toMatch(/not authorized/i);
  });
});
