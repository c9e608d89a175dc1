import { generate } from 'selfsigned';
import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadTlsCredentials } from '../submission/index.ts';
import { certificateFingerprint, fetchPeer, normalizeFingerprint, PeerFetchError, type PeerRequest } from './peer-fetch.ts';

const HOST = '127.0.0.1';
const MiB = 1024 * 1024;

let dataDir: string;
let key: string;
let cert: string;
let fingerprint: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'relais-peer-fetch-'));
  ({ key, cert } = await loadTlsCredentials({ certFile: '', keyFile: '', dataDir, hostname: 'localhost' }));
  fingerprint = certificateFingerprint(cert);
});
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

/** What a loopback server saw, counted from its own events. */
interface TestServer {
  port: number;
  tcpConnections: number;
  tlsConnections: number;
  closedConnections: number;
  /** Times the request handler ran. */
  handled: number;
  requests: { method: string; url: string; headers: IncomingMessage['headers']; body: string; servername: string | false | null }[];
  url(path?: string, host?: string): string;
}

const servers: { server: Server; sockets: Set<Socket> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map(({ server, sockets }) => {
    for (const socket of sockets) socket.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  }));
});

async function listen(server: Server, seen: TestServer): Promise<TestServer> {
  const sockets = new Set<Socket>();
  servers.push({ server, sockets });
  server.on('connection', (socket: Socket) => {
    seen.tcpConnections += 1;
    sockets.add(socket);
    socket.on('close', () => {
      seen.closedConnections += 1;
      sockets.delete(socket);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  seen.port = (server.address() as AddressInfo).port;
  return seen;
}

function newSeen(): TestServer {
  const seen: TestServer = {
    port: 0, tcpConnections: 0, tlsConnections: 0, closedConnections: 0, handled: 0, requests: [],
    url: (path = '/graphql', host = HOST) => `https://${host}:${seen.port}${path}`,
  };
  return seen;
}

/** An HTTPS server on 127.0.0.1 with the self-signed certificate; `respond` answers each request once its body is read. */
function startHttps(respond: (res: ServerResponse, req: IncomingMessage) => void): Promise<TestServer> {
  const seen = newSeen();
  const server = createHttpsServer({ key, cert }, (req, res) => {
    seen.handled += 1;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const servername = (req.socket as TLSSocket).servername;
      seen.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), servername });
      respond(res, req);
    });
  });
  server.on('secureConnection', () => {
    seen.tlsConnections += 1;
  });
  // The client hanging up mid-answer is what several tests provoke.
  server.on('tlsClientError', () => undefined);
  return listen(server, seen);
}

/** A TCP server that accepts, reads, and never says anything. */
function startSilent(): Promise<TestServer> {
  // Reading is what lets it notice the client hang up.
  return listen(createNetServer((socket) => socket.resume()), newSeen());
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Writes to `res` as fast as the client reads, until the client hangs up. */
function pumpForever(res: ServerResponse): void {
  const chunk = Buffer.alloc(64 * 1024, 'a');
  res.on('error', () => undefined); // the client hangs up mid-body on purpose
  const pump = (): void => {
    while (!res.destroyed && res.write(chunk));
    if (!res.destroyed) res.once('drain', pump);
  };
  pump();
}

function peerRequest(url: string, overrides: Partial<PeerRequest> = {}): PeerRequest {
  return { url, headers: {}, body: '{}', tlsFingerprint: fingerprint, allowPrivate: true, maxBytes: MiB, timeoutMs: 2000, ...overrides };
}

async function failure(request: PeerRequest): Promise<PeerFetchError> {
  const outcome: unknown = await fetchPeer(request).then(() => 'resolved', (err: unknown) => err);
  expect(outcome).toBeInstanceOf(PeerFetchError);
  return outcome as PeerFetchError;
}

const ok = (res: ServerResponse): void => {
  res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{"ok":"é"}}');
};

describe('fetchPeer', () => {
  it('posts the body and headers to a pinned peer over one connection and returns its 200 answer', async () => {
    const peer = await startHttps(ok);
    const response = await fetchPeer(peerRequest(peer.url('/graphql?x=1'), { headers: { 'x-relais-signature': 'sig=abc' }, body: '{"query":"{ ok }"}' }));
    expect(response).toEqual({ status: 200, body: '{"data":{"ok":"é"}}' });
    expect(peer.requests).toHaveLength(1);
    const [seen] = peer.requests;
    expect(seen).toMatchObject({ method: 'POST', url: '/graphql?x=1', body: '{"query":"{ ok }"}' });
    expect(seen!.headers).toMatchObject({ 'x-relais-signature': 'sig=abc', 'content-type': 'application/json', host: `${HOST}:${peer.port}` });
    expect(seen!.headers['accept-encoding']).toBeUndefined();
    expect(peer.tcpConnections).toBe(1);
  });

  it.each([
    ['plain lower-case hex', (f: string) => f.replaceAll(':', '').toLowerCase()],
    ['lower-case colon form', (f: string) => f.toLowerCase()],
    ['colon form with spaces around', (f: string) => ` ${f}\n`],
  ])('accepts the pinned fingerprint as %s', async (_form, write) => {
    const peer = await startHttps(ok);
    const response = await fetchPeer(peerRequest(peer.url(), { tlsFingerprint: write(fingerprint) }));
    expect(response.status).toBe(200);
  });

  it('dials a host name at its vetted address and names it in SNI', async () => {
    const peer = await startHttps(ok);
    await fetchPeer(peerRequest(peer.url('/graphql', 'localhost')));
    expect(peer.requests[0]).toMatchObject({ servername: 'localhost', headers: { host: `localhost:${peer.port}` } });
    expect(peer.tcpConnections).toBe(1);
  });

  it('drops the connection before sending anything when the certificate is not the pinned one', async () => {
    const peer = await startHttps(ok);
    const err = await failure(peerRequest(peer.url(), { tlsFingerprint: 'AB:'.repeat(31) + 'AB' }));
    expect(err.reason).toBe('fingerprint');
    await vi.waitFor(() => expect(peer.closedConnections).toBe(1), { timeout: 2000 });
    expect(peer.handled).toBe(0);
  });

  it('refuses a malformed pin without connecting', async () => {
    const peer = await startHttps(ok);
    expect((await failure(peerRequest(peer.url(), { tlsFingerprint: 'AB:CD' }))).reason).toBe('fingerprint');
    expect(peer.tcpConnections).toBe(0);
  });

  it('refuses a self-signed certificate when nothing is pinned', async () => {
    const peer = await startHttps(ok);
    const err = await failure(peerRequest(peer.url('/graphql', 'localhost'), { tlsFingerprint: null }));
    expect(err.reason).toBe('tls');
    await vi.waitFor(() => expect(peer.closedConnections).toBe(1), { timeout: 2000 });
    expect(peer.handled).toBe(0);
  });

  it('calls a peer that speaks plain HTTP on its HTTPS port a TLS failure', async () => {
    const peer = newSeen();
    const server = createNetServer((socket) => {
      socket.on('error', () => undefined); // the client gives up on it
      socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n'));
    });
    await listen(server, peer);
    expect((await failure(peerRequest(peer.url()))).reason).toBe('tls');
  });

  it.each([
    ['an http: URL', (port: number) => `http://${HOST}:${port}/graphql`],
    ['credentials in the URL', (port: number) => `https://user:pw@${HOST}:${port}/graphql`],
    ['a user name alone', (port: number) => `https://user@${HOST}:${port}/graphql`],
    ['no URL at all', () => 'peer.example.org/graphql'],
  ])('refuses %s without connecting', async (_what, makeUrl) => {
    const peer = await startHttps(ok);
    expect((await failure(peerRequest(makeUrl(peer.port)))).reason).toBe('bad-url');
    expect(peer.tcpConnections).toBe(0);
  });

  it('refuses a header that cannot be sent without connecting', async () => {
    const peer = await startHttps(ok);
    expect((await failure(peerRequest(peer.url(), { headers: { 'x-bad': 'a\r\nhost: evil' } }))).reason).toBe('bad-url');
    expect(peer.tcpConnections).toBe(0);
  });

  it.each([HOST, 'localhost'])('refuses %s when private addresses are not allowed, without connecting', async (host) => {
    const peer = await startHttps(ok);
    const err = await failure(peerRequest(peer.url('/graphql', host), { allowPrivate: false }));
    expect(err.reason).toBe('private-address');
    // A fetch that is allowed through afterwards must be the first connection the server sees.
    await fetchPeer(peerRequest(peer.url('/graphql', host)));
    expect(peer.tcpConnections).toBe(1);
  });

  it('refuses the IPv6 loopback literal when private addresses are not allowed', async () => {
    expect((await failure(peerRequest('https://[::1]:1/graphql', { allowPrivate: false }))).reason).toBe('private-address');
  });

  it('never follows a redirect', async () => {
    const elsewhere = await startHttps(ok);
    const peer = await startHttps((res) => res.writeHead(302, { location: elsewhere.url() }).end());
    const err = await failure(peerRequest(peer.url()));
    expect(err).toMatchObject({ reason: 'redirect', status: 302 });
    expect(elsewhere.tcpConnections).toBe(0);
  });

  it('gives up on an endless body as soon as it passes maxBytes', async () => {
    const peer = await startHttps((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      pumpForever(res);
    });
    const err = await failure(peerRequest(peer.url(), { maxBytes: 4 * MiB }));
    expect(err.reason).toBe('too-large');
    await vi.waitFor(() => expect(peer.closedConnections).toBe(1), { timeout: 2000 });
  });

  it('gives up at once on a Content-Length above maxBytes', async () => {
    const peer = await startHttps((res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '524288000' });
      res.on('error', () => undefined); // the client hangs up mid-body on purpose
      res.write(Buffer.alloc(1024, 'a'));
    });
    const err = await failure(peerRequest(peer.url(), { maxBytes: 4 * MiB }));
    expect(err.reason).toBe('too-large');
  });

  it('accepts a body of exactly maxBytes', async () => {
    const peer = await startHttps((res) => res.writeHead(200).end('x'.repeat(1000)));
    expect((await fetchPeer(peerRequest(peer.url(), { maxBytes: 1000 }))).body).toHaveLength(1000);
  });

  it('times out on a peer that drips its answer one byte at a time, and hangs up', async () => {
    const peer = await startHttps((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders();
      const drip = setInterval(() => res.write('x'), 200);
      res.on('close', () => clearInterval(drip));
    });
    const err = await failure(peerRequest(peer.url(), { timeoutMs: 1500 }));
    expect(err.reason).toBe('timeout');
    await vi.waitFor(() => expect(peer.closedConnections).toBe(1), { timeout: 2000 });
  });

  it('times out on a peer that accepts TCP and never answers the TLS handshake, and hangs up', async () => {
    const peer = await startSilent();
    const err = await failure(peerRequest(peer.url(), { timeoutMs: 1000 }));
    expect(err.reason).toBe('timeout');
    await vi.waitFor(() => expect(peer.closedConnections).toBe(1), { timeout: 2000 });
  });

  it('calls a refused connection unreachable', async () => {
    const port = await closedPort();
    expect((await failure(peerRequest(`https://${HOST}:${port}/graphql`))).reason).toBe('unreachable');
  });

  it('reports a 500 with its status and the start of its body', async () => {
    const peer = await startHttps((res) => res.writeHead(500).end(`database is down\n${'x'.repeat(5000)}`));
    const err = await failure(peerRequest(peer.url()));
    expect(err).toMatchObject({ reason: 'http-status', status: 500 });
    expect(err.message).toContain('database is down');
    expect(err.message.length).toBeLessThan(1200);
  });

  it('accepts only 200 among the 2xx answers', async () => {
    const peer = await startHttps((res) => res.writeHead(201).end('{}'));
    expect(await failure(peerRequest(peer.url()))).toMatchObject({ reason: 'http-status', status: 201 });
  });

  it('refuses a compressed body it did not ask for', async () => {
    const peer = await startHttps((res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end('not really gzip'));
    expect(await failure(peerRequest(peer.url()))).toMatchObject({ reason: 'http-status', status: 200 });
  });
});

describe('normalizeFingerprint', () => {
  const colon = 'AB:'.repeat(31) + 'CD';

  it('returns the colon form, upper case, for both spellings', () => {
    expect(normalizeFingerprint(colon.toLowerCase())).toBe(colon);
    expect(normalizeFingerprint(colon.replaceAll(':', ''))).toBe(colon);
    expect(normalizeFingerprint(colon.replaceAll(':', '').toLowerCase())).toBe(colon);
  });

  it.each([
    ['empty', ''],
    ['31 bytes', 'AB:'.repeat(30) + 'CD'],
    ['33 bytes of hex', 'ab'.repeat(33)],
    ['an odd hex length', 'a'.repeat(63)],
    ['non-hex', 'zz'.repeat(32)],
    ['a SHA-1 fingerprint', 'AB:'.repeat(19) + 'CD'],
    ['mixed separators', colon.replace(':', '')],
    ['a trailing colon', `${colon}:`],
    ['a prefix', `sha256:${colon}`],
    ['spaces between bytes', colon.replaceAll(':', ' ')],
  ])('refuses %s', (_what, input) => {
    expect(normalizeFingerprint(input)).toBeNull();
  });
});

describe('certificateFingerprint', () => {
  it('fingerprints the first certificate of a chain, as openssl prints it', async () => {
    const other = await generate([{ name: 'commonName', value: 'other.test' }], { keyType: 'ec', curve: 'P-256' });
    expect(fingerprint).toMatch(/^[0-9A-F]{2}(:[0-9A-F]{2}){31}$/);
    expect(certificateFingerprint(`${cert}\n${other.cert}`)).toBe(fingerprint);
    expect(certificateFingerprint(other.cert)).not.toBe(fingerprint);
  });
});
