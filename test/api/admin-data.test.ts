// The admin data of the GraphQL API against a relay fed by real SMTP: mail
// users, blacklists, suppressions, alerts, a recipient's bounce history and
// stats as time series. Every query and mutation as an admin; what a read
// token, a mail user and nobody may do; hostile input answered with problems.
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminAccounts, ApiTokens } from '../../relay-core/accounts/index.ts';
import { ApiClient, type GraphQLResponse } from '../support/api-client.ts';
import { waitFor } from '../support/relay.ts';
import { startMailWorld, type MailWorld } from '../support/world.ts';

let world: MailWorld;
let readToken: string;

function send(login: string, from: string, to: string) {
  return nodemailer.createTransport({
    host: '127.0.0.1', port: world.relay.smtpPort, secure: false, requireTLS: true,
    tls: { rejectUnauthorized: false }, auth: { user: login, pass: `${login} password` },
  }).sendMail({ from, to, subject: 'admin data', text: 'x' });
}

async function admin(): Promise<ApiClient> {
  const c = new ApiClient(world.relay.httpPort);
  expect((await c.login('root', 'a long admin password')).data?.login.problem).toBeNull();
  return c;
}

async function alice(): Promise<ApiClient> {
  const c = new ApiClient(world.relay.httpPort);
  expect((await c.login('alice', 'alice password')).data?.login.viewer).toEqual({ kind: 'user', login: 'alice' });
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

const USERS = '{ users(first: 10) { edges { node { login allowedSenders isDisabled createdAt quotaPerHour quotaPerDay } } pageInfo { hasNextPage } } }';
const USER = 'user { login allowedSenders isDisabled quotaPerHour quotaPerDay } problem { code message }';
const BLACKLIST = 'query ($kind: BlacklistKind) { blacklistEntries(kind: $kind) { edges { node { kind pattern reason createdAt } } } }';
const SUPPRESSIONS = `query ($source: String, $address: String, $first: Int, $after: String) {
  suppressions(source: $source, address: $address, first: $first, after: $after) {
    edges { node { id recipientHash address scope source reason createdAt expiresAt createdBy } }
    pageInfo { hasNextPage endCursor } problem { code message } } }`;
const ALERTS = `query ($kind: String, $open: Boolean, $first: Int, $after: String) {
  alerts(kind: $kind, isUnacknowledgedOnly: $open, first: $first, after: $after) {
    edges { node { id kind subject details { name value } raisedAt isAcknowledged acknowledgedAt acknowledgedBy } }
    pageInfo { hasNextPage endCursor } problem { code message } } }`;
const HISTORY = `query ($address: String!) { bounceHistory(address: $address) {
  recipientHash suppressions { source scope address } evidence { kind category count lastAt } outcomes { outcome category count }
  lastSuccessOn attempts { at outcome category domain mx isTls code enhanced text } problem { code message } } }`;
const STATS = `query ($scope: StatsScope!, $key: String, $bucket: StatsBucket, $hours: Int) {
  stats(scope: $scope, key: $key, bucket: $bucket, hours: $hours) {
    scope key bucket since points { at received delivered deferred bounced expired complaints } problem { code message } } }`;

const ADMIN_QUERIES: [string, Record<string, unknown>][] = [
  [USERS, {}], [BLACKLIST, {}], [SUPPRESSIONS, {}], [ALERTS, {}], [HISTORY, { address: 'unknown-h1@dest.test' }],
];
const ADMIN_MUTATIONS: [string, Record<string, unknown>][] = [
  [`mutation { addUser(login: "mallory", password: "pw", allowedSenders: ["@example.org"]) { ${USER} } }`, {}],
  [`mutation { disableUser(login: "bob") { ${USER} } }`, {}],
  [`mutation { enableUser(login: "bob") { ${USER} } }`, {}],
  [`mutation { setUserSenders(login: "alice", allowedSenders: ["@example.org"]) { ${USER} } }`, {}],
  [`mutation { setUserQuotas(login: "alice", perHour: 1000000) { ${USER} } }`, {}],
  ['mutation { addBlacklistEntry(kind: recipient, pattern: "@dest.test", reason: "no") { problem { code } } }', {}],
  ['mutation { removeBlacklistEntry(kind: sender, pattern: "@spam.example") { problem { code } } }', {}],
  ['mutation { addSuppression(address: "accept-d1@dest.test", reason: "no") { problem { code } } }', {}],
  ['mutation { removeSuppression(address: "unknown-h1@dest.test") { removed problem { code } } }', {}],
  ['mutation { acknowledgeAlert(id: "1") { problem { code } } }', {}],
];

const sum = (points: Record<string, number>[], field: string) => points.reduce((n, p) => n + (p[field] ?? 0), 0);

beforeAll(async () => {
  // An hour before any retry: the policy-blocked message stays deferred.
  world = await startMailWorld(['127.0.0.33', '127.0.0.34'], { RELAIS_RETRY_FIRST_MS: '3600000', RELAIS_RETRY_MAX_MS: '3600000' });
  await new AdminAccounts({ db: world.relay.db }).add('root', 'a long admin password');
  readToken = (await new ApiTokens({ db: world.relay.db }).create({ name: 'grafana', scope: 'read', by: 'test' })).secret;
  await world.relay.users.add('alice', 'alice password', ['alice@example.org']);
  await world.relay.users.add('bob', 'bob password', ['bob@example.org']);
  await send('alice', 'alice@example.org', 'accept-d1@dest.test');
  await send('alice', 'alice@example.org', 'unknown-h1@dest.test');
  await send('alice', 'alice@example.org', 'blocked-p1@dest.test');
  await send('bob', 'bob@example.org', 'accept-b1@dest.test');
  // Left in the queue: only the policy-blocked message, deferred; the DSN for unknown-h1 has reached alice.
  await waitFor(async () => {
    const queue = await world.relay.admin.list();
    return queue.length === 1 && queue[0]!.recipients[0]!.state === 'deferred';
  }, 30_000, 'the queue to settle');
  await world.senderMx.waitFor((m) => m.some((x) => x.mailFrom === '' && x.rcptTo.includes('alice@example.org')), 20_000);
});
afterAll(async () => world?.close());

describe('who may see and change admin data', () => {
  it('nobody signed in gets none of it', async () => {
    const anonymous = new ApiClient(world.relay.httpPort);
    for (const [query, variables] of [...ADMIN_QUERIES, ...ADMIN_MUTATIONS, [STATS, { scope: 'GLOBAL' }] as const]) refused(await anonymous.request(query, variables));
  });

  it('a read token reads everything and changes nothing', async () => {
    const c = reader();
    for (const [query, variables] of ADMIN_QUERIES) {
      const res = await c.request(query, variables);
      expect(res.errors, query).toBeUndefined();
    }
    for (const [query, variables] of ADMIN_MUTATIONS) refused(await c.request(query, variables));
    expect((await world.relay.users.list()).map((u) => u.login)).toEqual(['alice', 'bob']);
    expect((await world.relay.suppressions.check('unknown-h1@dest.test')).entries).toHaveLength(1);
  });

  it('a mail user gets none of it, only the stats of their own senders', async () => {
    const c = await alice();
    for (const [query, variables] of [...ADMIN_QUERIES, ...ADMIN_MUTATIONS]) refused(await c.request(query, variables));
    const own = (await c.request(STATS, { scope: 'SENDER', key: 'Alice@Example.org' })).data!.stats;
    expect(own.problem).toBeNull();
    expect(sum(own.points, 'received')).toBe(3);
    for (const variables of [{ scope: 'SENDER', key: 'bob@example.org' }, { scope: 'GLOBAL' }, { scope: 'DOMAIN', key: 'dest.test' }]) {
      expect((await c.request(STATS, variables)).data!.stats).toMatchObject({ points: [], problem: { code: 'FORBIDDEN' } });
    }
  });
});

describe('mail users', () => {
  it('an admin lists, adds, disables, enables users and sets their senders and quotas', async () => {
    const c = await admin();
    const list = (await c.request(USERS)).data!.users;
    expect(list.edges.map((e: { node: { login: string } }) => e.node.login)).toEqual(['alice', 'bob']);
    expect(list.edges[0].node).toMatchObject({ allowedSenders: ['alice@example.org'], isDisabled: false, quotaPerHour: null });
    const added = (await c.request(`mutation { addUser(login: "Carol", password: "carol password", allowedSenders: ["carol@example.org"]) { ${USER} } }`)).data!.addUser;
    expect(added).toEqual({ user: { login: 'carol', allowedSenders: ['carol@example.org'], isDisabled: false, quotaPerHour: null, quotaPerDay: null }, problem: null });
    expect((await c.request(`mutation { addUser(login: "carol", password: "x", allowedSenders: ["@example.org"]) { ${USER} } }`)).data!.addUser.problem.code).toBe('CONFLICT');
    expect((await c.request(`mutation { setUserSenders(login: "carol", allowedSenders: ["@Example.org", "c@other.test"]) { ${USER} } }`)).data!.setUserSenders.user.allowedSenders)
      .toEqual(['@example.org', 'c@other.test']);
    expect((await c.request(`mutation { setUserQuotas(login: "carol", perHour: 10) { ${USER} } }`)).data!.setUserQuotas.user).toMatchObject({ quotaPerHour: 10, quotaPerDay: null });
    expect((await c.request(`mutation { setUserQuotas(login: "carol", perHour: null, perDay: 200) { ${USER} } }`)).data!.setUserQuotas.user).toMatchObject({ quotaPerHour: null, quotaPerDay: 200 });
    expect((await c.request(`mutation { disableUser(login: "carol") { ${USER} } }`)).data!.disableUser.user.isDisabled).toBe(true);
    expect(await world.relay.users.authenticate('carol', 'carol password')).toBeNull();
    expect((await c.request(`mutation { enableUser(login: "CAROL") { ${USER} } }`)).data!.enableUser.user.isDisabled).toBe(false);
    expect(await world.relay.users.authenticate('carol', 'carol password')).toMatchObject({ login: 'carol' });
  });

  it('refuses bad users with problems: unknown login, bad login, senders or quotas, line breaks', async () => {
    const c = await admin();
    const code = async (mutation: string) => {
      const res = await c.request(`mutation { ${mutation} { ${USER} } }`);
      expect(res.status).toBe(200);
      return (Object.values(res.data!)[0] as { problem: { code: string } | null }).problem?.code;
    };
    expect(await code('disableUser(login: "nobody")')).toBe('NOT_FOUND');
    expect(await code('setUserQuotas(login: "nobody", perDay: 5)')).toBe('NOT_FOUND');
    expect(await code(`addUser(login: "${'x'.repeat(5000)}", password: "p", allowedSenders: ["@example.org"])`)).toBe('INVALID_INPUT');
    expect(await code('addUser(login: "dave\\r\\nx", password: "p", allowedSenders: ["@example.org"])')).toBe('INVALID_INPUT');
    expect(await code('addUser(login: "dave", password: "p", allowedSenders: ["@example.org\\r\\nRCPT TO:<x@y>"])')).toBe('INVALID_INPUT');
    expect(await code('addUser(login: "dave", password: "p", allowedSenders: [])')).toBe('INVALID_INPUT');
    expect(await code('addUser(login: "dave", password: "p", allowedSenders: ["not an address"])')).toBe('INVALID_INPUT');
    expect(await code('setUserSenders(login: "alice", allowedSenders: []) ')).toBe('INVALID_INPUT');
    expect(await code('setUserQuotas(login: "alice")')).toBe('INVALID_INPUT');
    expect(await code('setUserQuotas(login: "alice", perHour: -1)')).toBe('INVALID_INPUT');
    expect((await world.relay.users.list()).map((u) => u.login)).toEqual(['alice', 'bob', 'carol']);
  });
});

describe('blacklists', () => {
  it('an admin adds, lists and removes entries; duplicates and unknown entries are problems', async () => {
    const c = await admin();
    const add = (pattern: string, reason = 'spam source') =>
      c.request('mutation ($p: String!, $r: String!) { addBlacklistEntry(kind: sender, pattern: $p, reason: $r) { entry { kind pattern reason } problem { code message } } }', { p: pattern, r: reason });
    expect((await add('@Spam.example')).data!.addBlacklistEntry).toEqual({ entry: { kind: 'sender', pattern: '@spam.example', reason: 'spam source' }, problem: null });
    expect((await add('@spam.example')).data!.addBlacklistEntry.problem.code).toBe('CONFLICT');
    for (const [pattern, reason] of [['not a pattern', 'x'], ['@ok.example', 'two\r\nlines'], ['@ok.example\r\n', 'x'], ['@ok.example', 'r'.repeat(5000)], ['@ok.example', '']]) {
      expect((await add(pattern!, reason)).data!.addBlacklistEntry.problem.code).toBe('INVALID_INPUT');
    }
    expect((await c.request(BLACKLIST)).data!.blacklistEntries.edges.map((e: { node: { pattern: string } }) => e.node.pattern)).toEqual(['@spam.example']);
    expect((await reader().request(BLACKLIST, { kind: 'recipient' })).data!.blacklistEntries.edges).toEqual([]);
    const remove = () => c.request('mutation { removeBlacklistEntry(kind: sender, pattern: "@spam.example") { entry { pattern } problem { code } } }');
    expect((await remove()).data!.removeBlacklistEntry).toEqual({ entry: null, problem: null });
    expect((await remove()).data!.removeBlacklistEntry.problem.code).toBe('NOT_FOUND');
  });
});

describe('suppressions', () => {
  it('lists the automatic entry of a hard bounce without its address, by source and by address', async () => {
    const c = await admin();
    const all = (await c.request(SUPPRESSIONS)).data!.suppressions;
    expect(all.problem).toBeNull();
    expect(all.edges.map((e: { node: unknown }) => e.node)).toEqual([expect.objectContaining({ address: null, scope: '', source: 'hard-bounce', reason: expect.stringContaining('5.1.1') })]);
    expect((await c.request(SUPPRESSIONS, { source: 'hard-bounce' })).data!.suppressions.edges).toHaveLength(1);
    expect((await c.request(SUPPRESSIONS, { source: 'manual' })).data!.suppressions.edges).toHaveLength(0);
    expect((await c.request(SUPPRESSIONS, { address: 'Unknown-H1@dest.test' })).data!.suppressions.edges).toHaveLength(1);
    expect((await c.request(SUPPRESSIONS, { address: 'accept-d1@dest.test' })).data!.suppressions.edges).toHaveLength(0);
  });

  it('an admin adds and removes an entry by hand; pages are real', async () => {
    const c = await admin();
    const added = (await c.request('mutation { addSuppression(address: "Gone@dest.test", reason: "asked to stop", scope: "user:bob") { suppression { address scope source reason createdBy } problem { code } } }')).data!.addSuppression;
    expect(added).toEqual({ suppression: { address: 'gone@dest.test', scope: 'user:bob', source: 'manual', reason: 'asked to stop', createdBy: 'root' }, problem: null });
    const first = (await c.request(SUPPRESSIONS, { first: 1 })).data!.suppressions;
    expect(first.edges[0].node.address).toBe('gone@dest.test');
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = (await c.request(SUPPRESSIONS, { first: 1, after: first.pageInfo.endCursor })).data!.suppressions;
    expect(second.edges[0].node.source).toBe('hard-bounce');
    expect(second.pageInfo.hasNextPage).toBe(false);
    const remove = () => c.request('mutation { removeSuppression(address: "gone@dest.test") { removed problem { code } } }');
    expect((await remove()).data!.removeSuppression).toEqual({ removed: 1, problem: null });
    expect((await remove()).data!.removeSuppression).toMatchObject({ removed: 0, problem: { code: 'NOT_FOUND' } });
  });

  it('bad addresses, sources, scopes, reasons and cursors are INVALID_INPUT problems', async () => {
    const c = await admin();
    for (const variables of [{ source: 'whatever' }, { address: 'no-at-sign' }, { address: `${'a'.repeat(300)}@dest.test` }, { address: 'x@dest.test\r\n' }, { after: '!!!' }, { after: 'T2Zmc2V0Q29ubmVjdGlvbjo5OTk5OTk5' }]) {
      const res = await c.request(SUPPRESSIONS, variables);
      expect(res.status).toBe(200);
      expect(res.data!.suppressions, JSON.stringify(variables)).toMatchObject({ edges: [], problem: { code: 'INVALID_INPUT' } });
    }
    const add = (args: string) => c.request(`mutation { addSuppression(${args}) { suppression { id } problem { code } } }`);
    for (const args of ['address: "@dest.test", reason: "x"', 'address: "a@dest.test", reason: "line\\r\\nbreak"', 'address: "a@dest.test", reason: "x", scope: "planet:earth"',
      'address: "a@dest.test", reason: "x", expiresAt: "2001-01-01T00:00:00Z"']) {
      expect((await add(args)).data!.addSuppression.problem.code, args).toBe('INVALID_INPUT');
    }
    expect((await add('address: "a@dest.test", reason: "x", expiresAt: "not a date"')).data ?? null).toBeNull();
  });
});

describe('bounce history', () => {
  it("shows a recipient's suppression, evidence, outcomes and attempt timeline, looked up by address", async () => {
    const history = (await reader().request(HISTORY, { address: 'UNKNOWN-H1@dest.test' })).data!.bounceHistory;
    expect(history.problem).toBeNull();
    expect(history.recipientHash).toMatch(/^[0-9a-f]{16,}$/);
    expect(history.suppressions).toEqual([{ source: 'hard-bounce', scope: '', address: null }]);
    expect(history.evidence).toEqual([expect.objectContaining({ kind: 'hard', category: 'invalid-recipient', count: 1 })]);
    expect(history.outcomes).toContainEqual({ outcome: 'bounced', category: 'invalid-recipient', count: 1 });
    expect(history.lastSuccessOn).toBeNull();
    expect(history.attempts).toEqual([expect.objectContaining({
      outcome: 'bounced', category: 'invalid-recipient', domain: 'dest.test', mx: 'mx.dest.test', isTls: true, code: 550, enhanced: '5.1.1',
    })]);
    expect(JSON.stringify(history)).not.toContain('unknown-h1');
    const delivered = (await (await admin()).request(HISTORY, { address: 'accept-d1@dest.test' })).data!.bounceHistory;
    expect(delivered).toMatchObject({ suppressions: [], lastSuccessOn: expect.any(String), attempts: [{ outcome: 'delivered', code: 250 }] });
    const blocked = (await reader().request(HISTORY, { address: 'blocked-p1@dest.test' })).data!.bounceHistory;
    expect(blocked.attempts).toEqual([expect.objectContaining({ outcome: 'deferred', category: 'policy-block', code: 554 })]);
    expect(blocked.suppressions).toEqual([]);
  });

  it('refuses a malformed address with a problem', async () => {
    for (const address of ['', 'nobody', '@dest.test', 'a@b.test\r\nx', `${'x'.repeat(10_000)}@dest.test`]) {
      const res = await reader().request(HISTORY, { address });
      expect(res.data!.bounceHistory, address.slice(0, 20)).toMatchObject({ recipientHash: null, attempts: [], problem: { code: 'INVALID_INPUT' } });
    }
  });
});

describe('stats', () => {
  it('gives hourly and daily series for the relay, one sender and one destination, never pairing the two', async () => {
    const c = await admin();
    const series = async (variables: Record<string, unknown>) => {
      const res = await c.request(STATS, variables);
      expect(res.data!.stats.problem, JSON.stringify(variables)).toBeNull();
      return res.data!.stats;
    };
    const global = await series({ scope: 'GLOBAL', hours: 3 });
    expect(global).toMatchObject({ scope: 'GLOBAL', key: null, bucket: 'HOUR' });
    expect(global.points).toHaveLength(3);
    expect(global.points.map((p: { at: string }) => p.at)).toEqual([...global.points.map((p: { at: string }) => p.at)].sort());
    expect({ received: sum(global.points, 'received'), delivered: sum(global.points, 'delivered'), bounced: sum(global.points, 'bounced'), deferred: sum(global.points, 'deferred') })
      .toEqual({ received: 4, delivered: 2, bounced: 1, deferred: 1 });
    const daily = await series({ scope: 'GLOBAL', bucket: 'DAY', hours: 72 });
    expect(daily.points.length).toBeGreaterThanOrEqual(3);
    expect(daily.points.every((p: { at: string }) => p.at.endsWith('T00:00:00.000Z'))).toBe(true);
    expect(sum(daily.points, 'received')).toBe(4);
    const alice = await series({ scope: 'SENDER', key: 'alice@example.org', hours: 2 });
    expect(alice.points).toHaveLength(2);
    expect(['received', 'delivered', 'bounced', 'deferred', 'complaints'].map((f) => sum(alice.points, f))).toEqual([3, 1, 1, 1, 0]);
    const domain = await series({ scope: 'DOMAIN', key: 'Dest.Test' });
    expect(domain.key).toBe('dest.test');
    expect(domain.points).toHaveLength(24);
    expect({ delivered: sum(domain.points, 'delivered'), bounced: sum(domain.points, 'bounced') }).toEqual({ delivered: 2, bounced: 1 });
    expect(domain.points.every((p: { complaints: number | null }) => p.complaints === null)).toBe(true);
    expect((await reader().request(STATS, { scope: 'SENDER', key: 'bob@example.org' })).data!.stats.problem).toBeNull();
  });

  it('refuses bad windows and keys with INVALID_INPUT', async () => {
    const c = await admin();
    for (const variables of [
      { scope: 'GLOBAL', hours: 0 }, { scope: 'GLOBAL', hours: -5 }, { scope: 'GLOBAL', hours: 24 * 366 + 1 }, { scope: 'GLOBAL', key: 'x@y.test' },
      { scope: 'SENDER' }, { scope: 'SENDER', key: '@example.org' }, { scope: 'SENDER', key: 'a@b.test\r\n' }, { scope: 'DOMAIN', key: 'x'.repeat(1000) },
      { scope: 'DOMAIN', key: 'not a domain' },
    ]) {
      const res = await c.request(STATS, variables);
      expect(res.data!.stats, JSON.stringify(variables).slice(0, 80)).toMatchObject({ points: [], problem: { code: 'INVALID_INPUT' } });
    }
    for (const variables of [{ scope: 'EVERYTHING' }, { scope: 'GLOBAL', hours: 1e12 }, { scope: 'GLOBAL', bucket: 'WEEK' }]) {
      const res = await c.request(STATS, variables);
      expect(res.status).toBeLessThan(500);
      expect(res.data ?? null).toBeNull();
    }
  });
});

describe('alerts', () => {
  it('lists the policy-block alert, filters it, and an admin acknowledges it once', async () => {
    const c = await admin();
    const list = async (variables: Record<string, unknown> = {}) => (await c.request(ALERTS, variables)).data!.alerts;
    const all = await list();
    expect(all.problem).toBeNull();
    expect(all.edges).toEqual([{ node: expect.objectContaining({ kind: 'policy-block', subject: 'dest.test', isAcknowledged: false, acknowledgedBy: null }) }]);
    expect(all.edges[0].node.details).toContainEqual({ name: 'enhanced', value: '5.7.1' });
    expect((await list({ kind: 'policy-block', open: true })).edges).toHaveLength(1);
    expect((await list({ kind: 'complaint' })).edges).toHaveLength(0);
    const id = all.edges[0].node.id;
    const ack = async (client: ApiClient) =>
      (await client.request('mutation ($id: ID!) { acknowledgeAlert(id: $id) { alert { id isAcknowledged acknowledgedBy acknowledgedAt } problem { code } } }', { id })).data!.acknowledgeAlert;
    const first = await ack(c);
    expect(first).toMatchObject({ alert: { id, isAcknowledged: true, acknowledgedBy: 'root' }, problem: null });
    expect((await list({ open: true })).edges).toHaveLength(0);
    expect((await ack(c)).alert.acknowledgedAt).toBe(first.alert.acknowledgedAt);
    expect((await reader().request(ALERTS)).data!.alerts.edges[0].node.acknowledgedBy).toBe('root');
  });

  it('pages by alert id and refuses bad ids, kinds and cursors with problems', async () => {
    const c = await admin();
    const page = (await c.request(ALERTS, { first: 1 })).data!.alerts;
    expect(page.pageInfo.hasNextPage).toBe(false);
    expect((await c.request(ALERTS, { after: page.pageInfo.endCursor })).data!.alerts.edges).toEqual([]);
    for (const variables of [{ kind: 'Policy Block\r\n' }, { kind: 'k'.repeat(500) }, { after: 'abc' }, { after: '-1' }, { first: -1 }]) {
      expect((await c.request(ALERTS, variables)).data!.alerts, JSON.stringify(variables)).toMatchObject({ edges: [], problem: { code: 'INVALID_INPUT' } });
    }
    const ack = async (id: string) => (await c.request('mutation ($id: ID!) { acknowledgeAlert(id: $id) { problem { code } } }', { id })).data!.acknowledgeAlert.problem?.code;
    expect(await ack('999999')).toBe('NOT_FOUND');
    expect(await ack('1 or 1=1')).toBe('INVALID_INPUT');
    expect(await ack('9'.repeat(40))).toBe('INVALID_INPUT');
  });
});
