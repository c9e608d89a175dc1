// The health query against a running relay with its generated self-signed
// certificate: database and listeners checked, the certificate's expiry and
// subject shown; anyone signed in may ask, nobody else.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminAccounts, ApiTokens } from '../../relay-core/accounts/index.ts';
import type { RunningRelay } from '../../server/relay.ts';
import { ApiClient } from '../support/api-client.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { startTestRelay } from '../support/relay.ts';

let db: TestDatabase;
let relay: RunningRelay;

const HEALTH = '{ health { isDatabaseReachable isSmtpListening isHttpsEnabled certificateNotAfter certificateSubject isCertificateSelfSigned } }';

beforeAll(async () => {
  db = await createTestDatabase();
  relay = await startTestRelay(db);
  await new AdminAccounts({ db: relay.db }).add('root', 'a long admin password');
  await relay.users.add('alice', 'alice password', ['alice@example.org']);
});
afterAll(async () => {
  await relay?.stop();
  await db?.drop();
});

describe('health', () => {
  it('shows the database and SMTP up, plain HTTP, and the generated certificate: self-signed, for the hostname, expiring in the future', async () => {
    const admin = new ApiClient(relay.httpPort);
    await admin.login('root', 'a long admin password');
    const res = await admin.request(HEALTH);
    expect(res.errors).toBeUndefined();
    const health = res.data!.health;
    expect(health).toMatchObject({
      isDatabaseReachable: true, isSmtpListening: true, isHttpsEnabled: false, certificateSubject: 'CN=relais.test', isCertificateSelfSigned: true,
    });
    // Generated for 825 days: far in the future, well within three years.
    const daysLeft = (new Date(health.certificateNotAfter).getTime() - Date.now()) / 86_400_000;
    expect(daysLeft).toBeGreaterThan(800);
    expect(daysLeft).toBeLessThan(3 * 366);
  });

  it('is for anyone signed in (read token, mail user), and refused to nobody', async () => {
    const reader = new ApiClient(relay.httpPort);
    reader.token = (await new ApiTokens({ db: relay.db }).create({ name: 'grafana', scope: 'read', by: 'test' })).secret;
    expect((await reader.request(HEALTH)).data!.health.isDatabaseReachable).toBe(true);
    const alice = new ApiClient(relay.httpPort);
    await alice.login('alice', 'alice password');
    expect((await alice.request(HEALTH)).data!.health.isCertificateSelfSigned).toBe(true);
    const anonymous = await new ApiClient(relay.httpPort).request(HEALTH);
    expect(anonymous.data ?? null).toBeNull();
    expect(anonymous.errors?.[0]?.message).toMatch(/not authorized/i);
  });
});
