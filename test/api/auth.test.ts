// Who may use the API, and what a hostile client cannot do: sessions and
// tokens, login throttling, CSRF and cross-origin requests, operation limits,
// introspection for admins only, bounded bodies, HTTPS by default.
import { request as httpsRequest } from 'node:https';
import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminAccounts } from '../../relay-core/accounts/index.ts';
import type { RunningRelay } from '../../server/relay.ts';
import { ApiClient } from '../support/api-client.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { startTestRelay } from '../support/relay.ts';

let db: TestDatabase;
let relay: RunningRelay;
const ADMIN_PASSWORD = 'a long admin password';

beforeAll(async () => {
  db = await createTestDatabase();
  relay = await startTestRelay(db);
  await new AdminAccounts({ db: relay.db }).add('root', ADMIN_PASSWORD);
  await relay.users.add('alice', 'alice password', ['alice@example.org']);
});
afterAll(async () => {
  await relay?.stop();
  await db?.drop();
});

const client = () => new ApiClient(relay.httpPort);

async function adminClient(): Promise<ApiClient> {
  const c = client();
  expect((await c.login('root', ADMIN_PASSWORD)).data?.login.viewer).toEqual({ kind: 'admin', login: 'root' });
  return c;
}

describe('sessions and tokens', () => {
  it('logs an admin in with an HttpOnly, Secure, SameSite=Strict cookie, and out again', async () => {
    const c = client();
    const res = await c.login('Root', ADMIN_PASSWORD);
    expect(res.data?.login).toEqual({ viewer: { kind: 'admin', login: 'root' }, problem: null });
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^relais_session=rss_[A-Za-z0-9_-]{43}; HttpOnly; Secure; SameSite=Strict; Path=\/; Max-Age=\d+$/);
    expect((await c.request('{ me { kind login } }')).data?.me).toEqual({ kind: 'admin', login: 'root' });
    expect((await c.request('mutation { logout }')).data?.logout).toBe(true);
    expect((await c.request('{ me { kind login } }')).data?.me).toEqual({ kind: 'anonymous', login: null });
  });

  it('a mail user logs in too, but admin data is refused', async () => {
    const c = client();
    expect((await c.login('alice', 'alice password')).data?.login.viewer).toEqual({ kind: 'user', login: 'alice' });
    const res = await c.request('{ apiTokens { edges { node { id } } } }');
    expect(res.data).toBeFalsy();
    expect(res.errors?.[0]?.message).toMatch(/not authorized/i);
  });

  it('creates an API token shown once, scoped read or admin, and revokes it', async () => {
    const admin = await adminClient();
    const created = await admin.request('mutation { createApiToken(name: "grafana", scope: read) { secret token { id name scope } problem { code } } }');
    const { secret, token } = created.data!.createApiToken;
    expect(secret).toMatch(/^rlt_[A-Za-z0-9_-]{43}$/);
    const listed = await admin.request('{ apiTokens { edges { node { id name scope revokedAt } } } }');
    expect(JSON.stringify(listed.data)).not.toContain(secret);
    const rows = await relay.db.query<{ token_hash: string }>('select token_hash from api_token');
    expect(JSON.stringify(rows)).not.toContain(secret);

    const reader = client();
    reader.token = secret;
    expect((await reader.request('{ me { kind } }')).data?.me.kind).toBe('reader');
    const mutation = await reader.request('mutation { createApiToken(name: "x", scope: admin) { secret } }');
    expect(mutation.errors?.[0]?.message).toMatch(/not authorized/i);

    const revoked = await admin.request('mutation ($id: ID!) { revokeApiToken(id: $id) { token { revokedAt } problem { code } } }', { id: token.id });
    expect(revoked.data?.revokeApiToken.token.revokedAt).toBeTruthy();
    expect((await reader.request('{ me { kind } }')).data?.me.kind).toBe('anonymous');
    const missing = await admin.request('mutation { revokeApiToken(id: "99999") { problem { code message } } }');
    expect(missing.data?.revokeApiToken.problem.code).toBe('NOT_FOUND');
    const badName = await admin.request('mutation { createApiToken(name: "a\\r\\nb", scope: read) { secret problem { code } } }');
    expect(badName.data?.createApiToken).toEqual({ secret: null, problem: { code: 'INVALID_INPUT' } });
  });

  it('treats forged and malformed credentials as nobody', async () => {
    for (const [cookie, token] of [['relais_session=rss_' + 'A'.repeat(43), null], ['relais_session=../../etc', null], [null, 'rlt_' + 'B'.repeat(43)], [null, 'x'.repeat(5000)]] as const) {
      const c = client();
      c.cookie = cookie;
      c.token = token;
      expect((await c.request('{ me { kind } }')).data?.me.kind).toBe('anonymous');
    }
  });
});

describe('hostile requests', () => {
  it('refuses CSRF attempts: a text/plain POST, a foreign Origin with the cookie, a mutation over GET', async () => {
    const admin = await adminClient();
    const textPlain = await fetch(`${admin.base}/graphql`, {
      method: 'POST', headers: { 'content-type': 'text/plain', cookie: admin.cookie! }, body: JSON.stringify({ query: 'mutation { logout }' }),
    });
    expect(textPlain.status).toBeGreaterThanOrEqual(400);
    const foreign = await admin.request('mutation { logout }', {}, { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    const get = await fetch(`${admin.base}/graphql?query=${encodeURIComponent('mutation { logout }')}`, { headers: { cookie: admin.cookie!, 'x-relais-csrf': '1' } });
    expect(get.status).toBe(405);
    // Still logged in: none of them went through.
    expect((await admin.request('{ me { kind } }')).data?.me.kind).toBe('admin');
  });

  it('refuses depth, alias and fragment bombs and oversized batches before execution', async () => {
    const admin = await adminClient();
    // Our own types are shallow: nesting through introspection is the deep path.
    const deep = await admin.request(`{ __schema { types { fields { type ${'{ ofType '.repeat(30)}{ name }${' }'.repeat(30)} } } } }`);
    expect(deep.errors?.[0]?.message).toMatch(/depth/i);
    const aliases = await admin.request(`{ ${Array.from({ length: 40 }, (_, i) => `a${i}: me { kind }`).join(' ')} }`);
    expect(aliases.errors?.[0]?.message).toMatch(/alias/i);
    const fragments = await admin.request('query { me { ...A } } fragment A on Viewer { ...B } fragment B on Viewer { ...A }');
    expect(fragments.errors?.[0]?.message).toMatch(/cannot spread fragment|cycle/i);
    const tokens = await admin.request(`{ me { ${'kind '.repeat(3000)} } }`);
    expect(tokens.errors?.[0]?.message).toMatch(/token/i);
    const batch = await fetch(`${admin.base}/graphql`, {
      method: 'POST', headers: admin.headers(), body: JSON.stringify(Array.from({ length: 11 }, () => ({ query: '{ me { kind } }' }))),
    });
    expect(batch.status).toBeGreaterThanOrEqual(400);
  });

  it('refuses a body over the limit with 413', async () => {
    const res = await fetch(`${client().base}/graphql`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: `{ me { kind } } #${'x'.repeat(1_100_000)}` }),
    });
    expect(res.status).toBe(413);
  });

  it('answers introspection to admins only, and suggests no field names to others', async () => {
    const anonymous = await client().request('{ __schema { queryType { name } } }');
    expect(anonymous.errors?.[0]?.message).toBe('Introspection is only for admins');
    const admin = await adminClient();
    expect((await admin.request('{ __schema { queryType { name } } }')).data?.__schema.queryType.name).toBe('Query');
    // GraphiQL's own introspection query fits within the limits.
    const full = await admin.request(getIntrospectionQuery());
    expect(full.errors).toBeUndefined();
    const typo = await client().request('{ mee { kind } }');
    expect(typo.errors?.[0]?.message).not.toMatch(/did you mean/i);
  });

  it('masks internal errors', async () => {
    const res = await client().request('{ me { kind } }', {}, { authorization: 'Bearer ' + 'rlt_' + 'C'.repeat(43) });
    expect(res.errors).toBeUndefined();
  });
});

describe('HTTPS', () => {
  it('serves the API over TLS with the generated certificate unless plain HTTP is configured', async () => {
    const tlsDb = await createTestDatabase();
    const secure = await startTestRelay(tlsDb, { RELAIS_HTTP_PLAIN: 'false' });
    try {
      const { status, subject } = await new Promise<{ status: number; subject: string }>((resolve, reject) => {
        const req = httpsRequest({ host: '127.0.0.1', port: secure.httpPort, path: '/healthz', rejectUnauthorized: false }, (res) => {
          const cert = (res.socket as import('node:tls').TLSSocket).getPeerCertificate();
          res.resume();
          resolve({ status: res.statusCode ?? 0, subject: String(cert.subject?.CN ?? '') });
        });
        req.on('error', reject);
        req.end();
      });
      expect(status).toBe(200);
      expect(subject).toBe('relais.test');
      await expect(fetch(`http://127.0.0.1:${secure.httpPort}/healthz`)).rejects.toThrow();
    } finally {
      await secure.stop();
      await tlsDb.drop();
    }
  });
});

// Last: the throttle then refuses every login from 127.0.0.1 for the rest of the window.
describe('login throttling', () => {
  it('answers a wrong password with a typed problem, and throttles a client that keeps failing', async () => {
    const c = client();
    const wrong = await c.login('root', 'not the password');
    expect(wrong.data?.login).toEqual({ viewer: null, problem: { code: 'FORBIDDEN', message: 'wrong login or password' } });
    expect(wrong.headers.get('set-cookie')).toBeNull();
    for (let i = 0; i < 5; i++) await c.login('nobody', 'guess');
    const throttled = await c.login('root', ADMIN_PASSWORD);
    expect(throttled.data?.login.problem.code).toBe('THROTTLED');
  });
});
