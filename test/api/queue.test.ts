// The queue over the GraphQL API, against a relay fed by real SMTP whose
// mail to full-…@dest.test stays deferred (452 4.2.2, next try in an hour):
// listing with filters and a real cursor, one-message and bulk actions, who
// may see and do what (admin, read token, mail users, nobody), and hostile
// input answered with problems, never a 500; subjects decoded as plain text.
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminAccounts, ApiTokens } from '../../relay-core/accounts/index.ts';
import { ApiClient, type GraphQLResponse } from '../support/api-client.ts';
import { waitFor } from '../support/relay.ts';
import { startMailWorld, type MailWorld } from '../support/world.ts';

let world: MailWorld;
let readToken: string;
const ids: Record<'alice1' | 'alice2' | 'bob', string> = { alice1: '', alice2: '', bob: '' };

const ENTRY = 'id mailFrom submittedBy subject sizeBytes receivedAt recipients { rcptTo domain state attempts nextAttemptAt lastAttemptAt lastReply { code enhanced text } lastMx isLastTls }';
const LIST = `query ($filter: QueueFilterInput, $first: Int, $after: String, $last: Int) {
  queueEntries(filter: $filter, first: $first, after: $after, last: $last) {
    edges { cursor node { ${ENTRY} } } pageInfo { hasNextPage hasPreviousPage endCursor } problem { code message } } }`;
const ONE = `query ($id: ID!) { queueEntry(id: $id) { entry { ${ENTRY} } problem { code message } } }`;
const act = (verb: string) => `mutation ($id: ID!) { ${verb}Message(id: $id) { recipientsAffected messagesDeleted entry { id recipients { state } } problem { code message } } }`;
const bulk = (verb: string) => `mutation ($filter: QueueFilterInput!) { ${verb}Messages(filter: $filter) { recipientsAffected messagesDeleted problem { code message } } }`;

/** An RFC 2047 encoded-word followed by markup: decoded, it must stay a plain string. */
const HOSTILE_SUBJECT = '=?utf-8?q?caf=C3=A9?= <img src=x onerror=alert(1)>';

/** Sends a message whose Subject header is `subject` exactly as given (already encoded). */
function send(login: string, from: string, to: string, subject = 'queued'): Promise<{ response: string }> {
  return nodemailer.createTransport({
    host: '127.0.0.1', port: world.relay.smtpPort, secure: false, requireTLS: true,
    tls: { rejectUnauthorized: false }, auth: { user: login, pass: `${login} password` },
  }).sendMail({ envelope: { from, to }, raw: `From: ${from}\r\nTo: ${to}\r\nSubject: ${subject}\r\n\r\nx\r\n` });
}

const queueIdOf = (info: { response: string }) => /queued as ([0-9A-F]+)/.exec(info.response)![1]!;

async function admin(): Promise<ApiClient> {
  const c = new ApiClient(world.relay.httpPort);
  expect((await c.login('root', 'a long admin password')).data?.login.problem).toBeNull();
  return c;
}

async function user(login: string): Promise<ApiClient> {
  const c = new ApiClient(world.relay.httpPort);
  expect((await c.login(login, `${login} password`)).data?.login.viewer).toEqual({ kind: 'user', login });
  return c;
}

function reader(): ApiClient {
  const c = new ApiClient(world.relay.httpPort);
  c.token = readToken;
  return c;
}

function refused(res: GraphQLResponse): void {
  expect(res.status).toBeLessThan(500);
  expect(res.data ?? null).toBeNull();
  expect(res.errors?.[0]?.message).toMatch(/not authorized/i);
}

const listIds = (res: GraphQLResponse) => (res.data!.queueEntries.edges as { node: { id: string } }[]).map((e) => e.node.id).sort();
const stateOf = async (id: string) => (await world.relay.admin.list({ messageId: id }))[0]?.recipients[0]?.state;

/** Waits until the message's recipient has had `attempts` attempts and is deferred again (after a release or retry). */
async function settled(id: string, attempts: number): Promise<void> {
  await waitFor(async () => {
    const r = (await world.relay.admin.list({ messageId: id }))[0]?.recipients[0];
    return r !== undefined && r.attempts >= attempts && r.state === 'deferred';
  }, 20_000, `message ${id} deferred after ${attempts} attempts`);
}

beforeAll(async () => {
  // An hour before any retry: deferred recipients stay deferred while the tests look at them.
  world = await startMailWorld(['127.0.0.31', '127.0.0.32'], { RELAIS_RETRY_FIRST_MS: '3600000', RELAIS_RETRY_MAX_MS: '3600000' });
  await new AdminAccounts({ db: world.relay.db }).add('root', 'a long admin password');
  readToken = (await new ApiTokens({ db: world.relay.db }).create({ name: 'grafana', scope: 'read', by: 'test' })).secret;
  await world.relay.users.add('alice', 'alice password', ['alice@example.org']);
  await world.relay.users.add('bob', 'bob password', ['bob@example.org']);
  ids.alice1 = queueIdOf(await send('alice', 'alice@example.org', 'full-a1@dest.test'));
  ids.alice2 = queueIdOf(await send('alice', 'alice@example.org', 'full-a2@dest.test'));
  ids.bob = queueIdOf(await send('bob', 'bob@example.org', 'full-b1@dest.test', HOSTILE_SUBJECT));
  await waitFor(async () => {
    const all = await world.relay.admin.list();
    return all.length === 3 && all.every((m) => m.recipients.every((r) => r.state === 'deferred'));
  }, 20_000, 'three deferred messages');
});
afterAll(async () => world?.close());

describe('queue listing', () => {
  it('an admin sees every message with its recipients, last reply, MX and TLS', async () => {
    const res = await (await admin()).request(LIST);
    expect(res.data!.queueEntries.problem).toBeNull();
    expect(listIds(res)).toEqual(Object.values(ids).sort());
    const bob = res.data!.queueEntries.edges.find((e: { node: { id: string } }) => e.node.id === ids.bob).node;
    expect(bob).toMatchObject({ mailFrom: 'bob@example.org', submittedBy: 'bob' });
    expect(bob.sizeBytes).toBeGreaterThan(0);
    expect(bob.recipients).toEqual([expect.objectContaining({
      rcptTo: 'full-b1@dest.test', domain: 'dest.test', state: 'deferred', attempts: 1,
      lastReply: { code: 452, enhanced: '4.2.2', text: expect.stringContaining('Mailbox full') }, lastMx: 'mx.dest.test', isLastTls: true,
    })]);
    expect(new Date(bob.recipients[0].nextAttemptAt).getTime()).toBeGreaterThan(Date.now() + 30 * 60_000);
  });

  it('shows each Subject decoded (RFC 2047) as a plain string, markup left as characters', async () => {
    const subjects = async (c: ApiClient) => Object.fromEntries(
      ((await c.request(LIST)).data!.queueEntries.edges as { node: { id: string; subject: string | null } }[]).map((e) => [e.node.id, e.node.subject]),
    );
    expect(await subjects(await admin())).toEqual({ [ids.alice1]: 'queued', [ids.alice2]: 'queued', [ids.bob]: 'café <img src=x onerror=alert(1)>' });
    expect(await subjects(await user('bob'))).toEqual({ [ids.bob]: 'café <img src=x onerror=alert(1)>' });
    expect((await reader().request(ONE, { id: ids.bob })).data!.queueEntry.entry.subject).toBe('café <img src=x onerror=alert(1)>');
  });

  it('pages forward by queue id, oldest first, without skipping or repeating', async () => {
    const c = await admin();
    const first = await c.request(LIST, { first: 2 });
    expect(first.data!.queueEntries.edges.map((e: { cursor: string }) => e.cursor)).toEqual([ids.alice1, ids.alice2]);
    expect(first.data!.queueEntries.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false, endCursor: ids.alice2 });
    const second = await c.request(LIST, { first: 2, after: first.data!.queueEntries.pageInfo.endCursor });
    expect(listIds(second)).toEqual([ids.bob]);
    expect(second.data!.queueEntries.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });

  it('filters by state, sender, submitting user, destination domain and age', async () => {
    const c = await admin();
    const count = async (filter: Record<string, unknown>) => listIds(await c.request(LIST, { filter })).length;
    expect(await count({ state: 'deferred' })).toBe(3);
    expect(await count({ state: 'held' })).toBe(0);
    expect(await count({ sender: 'Bob@Example.org' })).toBe(1);
    expect(await count({ submittedBy: 'alice' })).toBe(2);
    expect(await count({ domain: 'DEST.test' })).toBe(3);
    expect(await count({ domain: 'elsewhere.test' })).toBe(0);
    expect(await count({ olderThanMinutes: 60 })).toBe(0);
    expect(await count({ olderThanMinutes: 0, state: 'deferred', domain: 'dest.test' })).toBe(3);
  });

  it('finds one message by id, and answers NOT_FOUND or INVALID_INPUT for others', async () => {
    const c = await admin();
    expect((await c.request(ONE, { id: ids.bob })).data!.queueEntry).toMatchObject({ entry: { id: ids.bob }, problem: null });
    expect((await c.request(ONE, { id: '0123456789AB0000' })).data!.queueEntry).toEqual({ entry: null, problem: { code: 'NOT_FOUND', message: expect.any(String) } });
    expect((await c.request(ONE, { id: "x' or 1=1 --" })).data!.queueEntry.problem.code).toBe('INVALID_INPUT');
  });
});

describe('who may see and do what', () => {
  it('nobody signed in gets neither the queue nor any action', async () => {
    const anonymous = new ApiClient(world.relay.httpPort);
    refused(await anonymous.request(LIST));
    refused(await anonymous.request(ONE, { id: ids.bob }));
    for (const verb of ['retry', 'hold', 'release', 'delete']) {
      refused(await anonymous.request(act(verb), { id: ids.bob }));
      refused(await anonymous.request(bulk(verb), { filter: { domain: 'dest.test' } }));
    }
    expect(await stateOf(ids.bob)).toBe('deferred');
  });

  it('a read token lists the queue but may not act on it', async () => {
    const c = reader();
    expect(listIds(await c.request(LIST))).toHaveLength(3);
    expect((await c.request(ONE, { id: ids.alice1 })).data!.queueEntry.entry.id).toBe(ids.alice1);
    for (const verb of ['retry', 'hold', 'release', 'delete']) {
      refused(await c.request(act(verb), { id: ids.alice1 }));
      refused(await c.request(bulk(verb), { filter: { domain: 'dest.test' } }));
    }
    expect(await stateOf(ids.alice1)).toBe('deferred');
  });

  it('a mail user sees only the mail they submitted, whatever filter they send', async () => {
    const alice = await user('alice');
    expect(listIds(await alice.request(LIST))).toEqual([ids.alice1, ids.alice2].sort());
    expect(listIds(await alice.request(LIST, { filter: { submittedBy: 'bob' } }))).toEqual([]);
    expect(listIds(await alice.request(LIST, { filter: { sender: 'bob@example.org' } }))).toEqual([]);
    expect((await alice.request(ONE, { id: ids.bob })).data!.queueEntry).toEqual({ entry: null, problem: { code: 'NOT_FOUND', message: expect.any(String) } });
    const bob = await user('bob');
    expect(listIds(await bob.request(LIST))).toEqual([ids.bob]);
  });

  it("a mail user cannot act on another user's message: NOT_FOUND, and it is left as it was", async () => {
    const alice = await user('alice');
    for (const verb of ['hold', 'retry', 'release', 'delete']) {
      const res = await alice.request(act(verb), { id: ids.bob });
      expect(res.data![`${verb}Message`]).toMatchObject({ recipientsAffected: 0, messagesDeleted: 0, entry: null, problem: { code: 'NOT_FOUND' } });
    }
    expect(await stateOf(ids.bob)).toBe('deferred');
    expect((await world.relay.admin.list({ messageId: ids.bob })).map((m) => m.recipients[0]!.nextAttemptAt.getTime() > Date.now() + 30 * 60_000)).toEqual([true]);
  });

  it('a mail user holds and releases their own message, and in bulk touches only their own', async () => {
    const alice = await user('alice');
    const held = (await alice.request(act('hold'), { id: ids.alice1 })).data!.holdMessage;
    expect(held).toMatchObject({ recipientsAffected: 1, entry: { id: ids.alice1, recipients: [{ state: 'held' }] }, problem: null });
    const released = (await alice.request(act('release'), { id: ids.alice1 })).data!.releaseMessage;
    expect(released).toMatchObject({ recipientsAffected: 1, problem: null });
    // Released after an attempt: deferred again, due now; wait for that retry to settle.
    await settled(ids.alice1, 2);
    const bulkHeld = (await alice.request(bulk('hold'), { filter: { domain: 'dest.test' } })).data!.holdMessages;
    expect(bulkHeld).toEqual({ recipientsAffected: 2, messagesDeleted: 0, problem: null });
    expect(await stateOf(ids.bob)).toBe('deferred');
    expect((await alice.request(bulk('release'), { filter: { state: 'held' } })).data!.releaseMessages.recipientsAffected).toBe(2);
    await settled(ids.alice1, 3);
    await settled(ids.alice2, 2);
    expect((await alice.request(bulk('delete'), { filter: { submittedBy: 'bob' } })).data!.deleteMessages.messagesDeleted).toBe(0);
    expect(await stateOf(ids.bob)).toBe('deferred');
  });

  it('a mail user retries their own message: it is tried again now', async () => {
    const res = (await (await user('alice')).request(act('retry'), { id: ids.alice2 })).data!.retryMessage;
    expect(res).toMatchObject({ recipientsAffected: 1, problem: null });
    await settled(ids.alice2, 3);
  });
});

describe('admin actions', () => {
  it('holds and releases in bulk by filter, and refuses an empty filter', async () => {
    const c = await admin();
    expect((await c.request(bulk('hold'), { filter: { sender: 'bob@example.org' } })).data!.holdMessages).toEqual({ recipientsAffected: 1, messagesDeleted: 0, problem: null });
    expect(await stateOf(ids.bob)).toBe('held');
    expect((await c.request(bulk('release'), { filter: { sender: 'bob@example.org', state: 'held' } })).data!.releaseMessages.recipientsAffected).toBe(1);
    await settled(ids.bob, 2);
    for (const verb of ['retry', 'hold', 'release', 'delete']) {
      expect((await c.request(bulk(verb), { filter: {} })).data![`${verb}Messages`].problem.code).toBe('INVALID_INPUT');
    }
    expect((await world.relay.admin.list()).length).toBe(3);
  });

  it('holds, retries and deletes one message by id', async () => {
    const c = await admin();
    expect((await c.request(act('hold'), { id: ids.bob })).data!.holdMessage).toMatchObject({ recipientsAffected: 1, entry: { recipients: [{ state: 'held' }] } });
    expect((await c.request(act('retry'), { id: ids.bob })).data!.retryMessage).toMatchObject({ recipientsAffected: 0, problem: null });
    expect((await c.request(act('delete'), { id: ids.bob.toLowerCase() })).data!.deleteMessage).toEqual({
      recipientsAffected: 0, messagesDeleted: 1, entry: null, problem: null,
    });
    expect((await c.request(ONE, { id: ids.bob })).data!.queueEntry.problem.code).toBe('NOT_FOUND');
    expect((await c.request(act('delete'), { id: ids.bob })).data!.deleteMessage.problem.code).toBe('NOT_FOUND');
  });

  it('deletes in bulk what the filter matches, and nothing else', async () => {
    const c = await admin();
    const res = (await c.request(bulk('delete'), { filter: { submittedBy: 'nobody' } })).data!.deleteMessages;
    expect(res).toEqual({ recipientsAffected: 0, messagesDeleted: 0, problem: null });
    expect((await world.relay.admin.list()).length).toBe(2);
  });
});

describe('hostile input', () => {
  it('bad filters, cursors and ids are INVALID_INPUT problems, never a server error', async () => {
    const c = await admin();
    const problems = [
      { filter: { olderThanMinutes: -1 } },
      { filter: { olderThanMinutes: 24 * 60 * 400 } },
      { filter: { domain: 'dest.test\r\nRCPT TO:<x@y>' } },
      { filter: { domain: 'not a domain' } },
      { filter: { sender: 'x'.repeat(100_000) } },
      { filter: { sender: 'no-at-sign' } },
      { filter: { submittedBy: 'a\u0000b' } },
      { after: "'; drop table message; --" },
      { first: -1 },
      { last: 5 },
    ];
    for (const variables of problems) {
      const res = await c.request(LIST, variables);
      expect(res.status, JSON.stringify(variables).slice(0, 80)).toBe(200);
      expect(res.data!.queueEntries, JSON.stringify(variables).slice(0, 80)).toMatchObject({ edges: [], problem: { code: 'INVALID_INPUT' } });
    }
    for (const id of ['', 'G'.repeat(20), '1'.repeat(1000), 'ABCDEF\r\n']) {
      expect((await c.request(act('hold'), { id })).data!.holdMessage.problem.code).toBe('INVALID_INPUT');
    }
    expect((await c.request(bulk('hold'), { filter: { domain: '\r\n' } })).data!.holdMessages.problem.code).toBe('INVALID_INPUT');
    expect((await world.relay.admin.list()).length).toBe(2);
  });

  it('wrong types are GraphQL validation errors, not server errors', async () => {
    const c = await admin();
    for (const [query, variables] of [
      [LIST, { filter: { state: 'lost' } }],
      [LIST, { first: 'ten' }],
      [LIST, { filter: { olderThanMinutes: 1e12 } }],
      [act('hold'), { id: { $gt: '' } }],
    ] as const) {
      const res = await c.request(query, variables);
      expect(res.status).toBeLessThan(500);
      expect(res.data ?? null).toBeNull();
      expect(res.errors?.[0]?.message).not.toMatch(/unexpected error/i);
    }
  });
});
