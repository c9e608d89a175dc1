// Admin accounts over the API: list, add, disable and enable, for admins
// only; an admin cannot disable themselves; a disabled admin loses their
// session at once; bad input answered with problems.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminAccounts, ApiTokens } from '../../relay-core/accounts/index.ts';
import type { RunningRelay } from '../../server/relay.ts';
import { ApiClient, type GraphQLResponse } from '../support/api-client.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { startTestRelay } from '../support/relay.ts';

let db: TestDatabase;
let relay: RunningRelay;
let readToken: string;

const ADMINS = '{ admins(first: 10) { edges { node { login isDisabled createdAt } } pageInfo { hasNextPage } } }';
const RESULT = 'admin { login isDisabled } problem { code message }';
const ADD = `mutation ($login: String!, $password: String!) { addAdmin(login: $login, password: $password) { ${RESULT} } }`;
const DISABLE = `mutation ($login: String!) { disableAdmin(login: $login) { ${RESULT} } }`;
const ENABLE = `mutation ($login: String!) { enableAdmin(login: $login) { ${RESULT} } }`;

async function signIn(login: string, password: string): Promise<ApiClient> {
  const c = new ApiClient(relay.httpPort);
  await c.login(login, password);
  return c;
}

const root = () => signIn('root', 'a long admin password');

function refused(res: GraphQLResponse): void {
  expect(res.status).toBeLessThan(500);
  expect(res.data ?? null).toBeNull();
  expect(res.errors?.[0]?.message).toMatch(/not authorized/i);
}

const logins = (res: GraphQLResponse) => (res.data!.admins.edges as { node: { login: string; isDisabled: boolean } }[]).map(({ node }) => ({ login: node.login, isDisabled: node.isDisabled }));

beforeAll(async () => {
  db = await createTestDatabase();
  relay = await startTestRelay(db);
  await new AdminAccounts({ db: relay.db }).add('root', 'a long admin password');
  await relay.users.add('alice', 'alice password', ['alice@example.org']);
  readToken = (await new ApiTokens({ db: relay.db }).create({ name: 'grafana', scope: 'read', by: 'test' })).secret;
});
afterAll(async () => {
  await relay?.stop();
  await db?.drop();
});

describe('admin accounts', () => {
  it('an admin adds another, who is listed and may sign in', async () => {
    const c = await root();
    const added = (await c.request(ADD, { login: 'Carol', password: 'carol password 1' })).data!.addAdmin;
    expect(added).toEqual({ admin: { login: 'carol', isDisabled: false }, problem: null });
    const res = await c.request(ADMINS);
    expect(logins(res)).toEqual([{ login: 'carol', isDisabled: false }, { login: 'root', isDisabled: false }]);
    expect(new Date(res.data!.admins.edges[0].node.createdAt).getTime()).toBeLessThanOrEqual(Date.now());
    expect((await (await signIn('carol', 'carol password 1')).request('{ me { kind login } }')).data!.me).toEqual({ kind: 'admin', login: 'carol' });
  });

  it('disables an admin, whose session ends at once, and enables them again', async () => {
    const c = await root();
    const carol = await signIn('carol', 'carol password 1');
    expect((await c.request(DISABLE, { login: 'carol' })).data!.disableAdmin).toEqual({ admin: { login: 'carol', isDisabled: true }, problem: null });
    expect((await carol.request('{ me { kind } }')).data!.me.kind).toBe('anonymous');
    expect((await new ApiClient(relay.httpPort).login('carol', 'carol password 1')).data!.login.problem.code).toBe('FORBIDDEN');
    expect((await c.request(ENABLE, { login: 'CAROL' })).data!.enableAdmin).toEqual({ admin: { login: 'carol', isDisabled: false }, problem: null });
    expect((await new ApiClient(relay.httpPort).login('carol', 'carol password 1')).data!.login.problem).toBeNull();
  });

  it('an admin cannot disable themselves: FORBIDDEN, and the account stays enabled', async () => {
    const c = await root();
    expect((await c.request(DISABLE, { login: ' Root ' })).data!.disableAdmin).toEqual({ admin: null, problem: { code: 'FORBIDDEN', message: expect.any(String) } });
    expect(await relay.db.query('select is_disabled from admin_account where login = ?', ['root'])).toEqual([{ is_disabled: false }]);
    expect((await c.request('{ me { kind } }')).data!.me.kind).toBe('admin');
  });

  it('answers bad input with problems: taken login, short password, bad login, unknown admin', async () => {
    const c = await root();
    const add = async (login: string, password: string) => (await c.request(ADD, { login, password })).data!.addAdmin;
    expect((await add('carol', 'another password')).problem.code).toBe('CONFLICT');
    expect((await add('dave', 'short')).problem.code).toBe('INVALID_INPUT');
    expect((await add('dave', `long enough\r\npassword`)).problem.code).toBe('INVALID_INPUT');
    expect((await add('dave', 'x'.repeat(2000))).problem.code).toBe('INVALID_INPUT');
    for (const login of ['', 'a b', '-dash', 'x'.repeat(200), "root' or '1'='1", 'ro\u0000ot']) {
      expect((await add(login, 'a long enough password')).problem.code, login.slice(0, 20)).toBe('INVALID_INPUT');
      expect((await c.request(DISABLE, { login })).data!.disableAdmin.problem.code, login.slice(0, 20)).toBe('INVALID_INPUT');
    }
    expect((await c.request(DISABLE, { login: 'nobody' })).data!.disableAdmin).toEqual({ admin: null, problem: { code: 'NOT_FOUND', message: expect.any(String) } });
    expect((await c.request(ENABLE, { login: 'nobody' })).data!.enableAdmin.problem.code).toBe('NOT_FOUND');
    expect(logins(await c.request(ADMINS)).map((a) => a.login)).toEqual(['carol', 'root']);
  });
});

describe('who may manage admins', () => {
  it('a read token may neither list nor change admins', async () => {
    const reader = new ApiClient(relay.httpPort);
    reader.token = readToken;
    refused(await reader.request(ADMINS));
    refused(await reader.request(ADD, { login: 'eve', password: 'eve password 12' }));
    refused(await reader.request(DISABLE, { login: 'carol' }));
    refused(await reader.request(ENABLE, { login: 'carol' }));
  });

  it('a mail user and nobody signed in are refused everything, and nothing changes', async () => {
    const alice = await signIn('alice', 'alice password');
    expect((await alice.request('{ me { kind } }')).data!.me.kind).toBe('user');
    for (const c of [alice, new ApiClient(relay.httpPort)]) {
      refused(await c.request(ADMINS));
      refused(await c.request(ADD, { login: 'eve', password: 'eve password 12' }));
      refused(await c.request(DISABLE, { login: 'root' }));
      refused(await c.request(ENABLE, { login: 'carol' }));
    }
    expect((await relay.db.query<{ login: string }>('select login from admin_account order by login')).map((r) => r.login)).toEqual(['carol', 'root']);
  });
});
