// Two relais in this process, peered over HTTPS with pinned certificates:
// evidence made on one reaches the other through its signed feed, counts
// with the peer's weight, and suppresses at RCPT only when the other relay's
// own rules are met; removing the peer removes its influence.
import { request as httpsRequest } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest } from '../../relay-core/federation/request-signature.ts';
import { identityFromSeed } from '../../relay-core/federation/identity.ts';
import { FEED_QUERY } from '../../relay-core/federation/sync.ts';
import type { RunningRelay } from '../../server/relay.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { startTestRelay } from '../support/relay.ts';
import { SmtpTestClient } from '../support/smtp-client.ts';

const NETWORK_KEY = 'test-network-key-0123456789';
const env = {
  RELAIS_HTTP_PLAIN: 'false',
  RELAIS_TRUSTED_NETWORKS: '127.0.0.0/8',
  RELAIS_FEDERATION_NETWORK_KEY: NETWORK_KEY,
  RELAIS_ALLOW_PRIVATE_PEERS: 'true',
  RELAIS_FEDERATION_SYNC_INTERVAL: '3600',
};

let dbs: TestDatabase[] = [];
let a: RunningRelay;
let b: RunningRelay;

async function rcpt(relay: RunningRelay, address: string): Promise<{ code: number; text: string }> {
  const { client } = await SmtpTestClient.connect({ host: '127.0.0.1', port: relay.smtpPort });
  await client.command('EHLO client.test');
  await client.command('MAIL FROM:<sender@example.org>');
  const reply = await client.command(`RCPT TO:<${address}>`);
  await client.command('QUIT').catch(() => undefined);
  return reply;
}

/** POSTs to the relay's /graphql over HTTPS; its certificate is self-signed and not what these requests test. */
function feedRequest(relay: RunningRelay, headers: Record<string, string>, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({
      host: '127.0.0.1', port: relay.httpPort, path: '/graphql', method: 'POST', agent: false, rejectUnauthorized: false,
      headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'x-relais-csrf': '1', ...headers },
    }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

beforeAll(async () => {
  dbs = [await createTestDatabase(), await createTestDatabase()];
  a = await startTestRelay(dbs[0]!, { ...env, RELAIS_HOSTNAME: 'a.test', RELAIS_FEDERATION_MIN_ORIGINS: '2', RELAIS_FEDERATION_HARD_WEIGHT: '2' });
  b = await startTestRelay(dbs[1]!, { ...env, RELAIS_HOSTNAME: 'b.test' });
  const [ia, ib] = [a.federation.whoami(), b.federation.whoami()];
  await a.federation.addPeer({ name: 'b', url: `https://127.0.0.1:${b.httpPort}`, key: ib.id, tlsFingerprint: ib.tlsFingerprint });
  await b.federation.addPeer({ name: 'a', url: `https://127.0.0.1:${a.httpPort}`, key: ia.id, tlsFingerprint: ia.tlsFingerprint });
});

afterAll(async () => {
  await a?.stop();
  await b?.stop();
  for (const db of dbs) await db.drop();
});

describe('two federated relays', () => {
  it('shares a hard bounce through the signed feed; one origin is not enough, two are', async () => {
    b.federation.observe([{ address: 'Gone@Example.org', fact: 'hard', enhanced: '5.1.1', at: new Date() }]);
    await b.federation.settled();
    const [pulled] = await a.federation.syncNow('b');
    expect(pulled).toMatchObject({ ok: true, accepted: 1, rejected: 0 });
    const status = await a.federation.status('gone@example.org');
    expect(status.tallies.hard_bounce).toMatchObject({ weight: 1, origins: 1 });
    expect(status.verdict).toBeNull();
    expect((await rcpt(a, 'gone@example.org')).code).toBe(250);

    a.federation.observe([{ address: 'gone@example.org', fact: 'hard', enhanced: '5.1.1', at: new Date() }]);
    await a.federation.settled();
    expect((await a.federation.status('gone@example.org')).verdict).toMatchObject({ kind: 'hard_bounce', weight: 2, origins: 2 });
    const refused = await rcpt(a, 'gone@example.org');
    expect(refused.code).toBe(550);
    expect(refused.text).toMatch(/5\.1\.1 .*reported undeliverable by 2 federated relays/);
  });

  it('removing the peer removes its influence at once', async () => {
    const { forgotten } = await a.federation.removePeer('b');
    expect(forgotten).toBe(1);
    expect((await a.federation.status('gone@example.org')).verdict).toBeNull();
    expect((await rcpt(a, 'gone@example.org')).code).toBe(250);
  });

  it('serves its feed only to signed requests from peers (401 otherwise)', async () => {
    const body = JSON.stringify({ query: FEED_QUERY, variables: { after: null, first: 10 } });
    const stranger = identityFromSeed(Buffer.alloc(32, 3));
    expect(await feedRequest(b, {}, body)).toBe(200); // anonymous: a GraphQL error, no events
    expect(await feedRequest(b, signRequest(stranger, { method: 'POST', path: '/graphql', body }), body)).toBe(401);
  });
});
