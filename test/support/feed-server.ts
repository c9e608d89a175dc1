// A fake federation peer for scenario tests: a real HTTPS server on
// 127.0.0.1 with a self-signed certificate made out to `localhost` (peers pin
// its fingerprint), answering POST /graphql. By default it serves a feed the
// way relais does — the events it holds after the reader's cursor, oldest
// first — and a test can take over the answer to play any broken or hostile
// peer. It records every request and connection so a test can tell what the
// relay did and did not send.
import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { certificateFingerprint } from '../../relay-core/federation/peer-fetch.ts';
import { loadTlsCredentials } from '../../relay-core/submission/tls.ts';

/** One edge of a feed page, as the relay reads it. */
export interface FeedEdge {
  cursor: string;
  /** The signed event text, sent as it is. */
  event: string;
  hops: number;
}

/** What a reader asked for. */
export interface FeedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The feed query's variables, when the body was one. */
  after: string | null;
  first: number | null;
}

/** Answers one request; it owns `res` until it ends or destroys it. */
export type FeedResponder = (res: ServerResponse, request: FeedRequest) => void;

/** The text of a feed page in the shape `federationFeed` answers. */
export function feedPage(edges: FeedEdge[], hasNextPage: boolean): string {
  return JSON.stringify({
    data: {
      federationFeed: {
        edges: edges.map((e) => ({ cursor: e.cursor, node: { event: e.event, hops: e.hops } })),
        pageInfo: { hasNextPage, endCursor: edges.at(-1)?.cursor ?? null },
      },
    },
  });
}

/** Writes a complete 200 JSON answer. */
export function sendJson(res: ServerResponse, text: string): void {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

let credentials: Promise<{ key: string; cert: string; fingerprint: string }> | null = null;
let credentialsDir: string | null = null;

/** One self-signed certificate for every fake peer of this test file. */
function peerCredentials(): Promise<{ key: string; cert: string; fingerprint: string }> {
  credentials ??= (async () => {
    credentialsDir = mkdtempSync(join(tmpdir(), 'relais-feed-server-'));
    const { key, cert } = await loadTlsCredentials({ certFile: '', keyFile: '', dataDir: credentialsDir, hostname: 'localhost' });
    return { key, cert, fingerprint: certificateFingerprint(cert) };
  })();
  return credentials;
}

export class FeedServer {
  readonly port: number;
  /** SHA-256 fingerprint of the certificate, for `addPeer({ tlsFingerprint })`. */
  readonly tlsFingerprint: string;
  /** Every request that reached the HTTP layer, in order. */
  readonly requests: FeedRequest[] = [];
  /** TCP connections accepted, whether or not TLS or HTTP followed. */
  connections = 0;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #timers = new Set<NodeJS.Timeout>();
  #responder: FeedResponder;

  private constructor(server: Server, port: number, tlsFingerprint: string) {
    this.#server = server;
    this.port = port;
    this.tlsFingerprint = tlsFingerprint;
    this.#responder = this.feedOf([]);
  }

  /** A fake peer listening on 127.0.0.1, serving an empty feed until told otherwise. */
  static async start(): Promise<FeedServer> {
    const { key, cert, fingerprint } = await peerCredentials();
    let self: FeedServer | null = null;
    const server = createServer({ key, cert }, (req, res) => self!.#handle(req, res));
    // The relay hangs up mid-answer on purpose in several tests.
    server.on('tlsClientError', () => undefined);
    server.on('connection', (socket: Socket) => {
      self!.connections += 1;
      self!.#sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => self!.#sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    self = new FeedServer(server, (server.address() as AddressInfo).port, fingerprint);
    return self;
  }

  /** The base URL a relay is given; `localhost` matches the certificate's name. */
  get url(): string {
    return `https://localhost:${this.port}`;
  }

  /** From now on, answer every request with `responder`. */
  respond(responder: FeedResponder): void {
    this.#responder = responder;
  }

  /** From now on, serve these signed events as a feed: cursors 1, 2, … unless given, pages of at most `first`. */
  serve(events: (string | FeedEdge)[], options: { hops?: number; pageSize?: number } = {}): void {
    this.#responder = this.feedOf(events, options);
  }

  /** A responder serving `events` as a well-behaved peer does. */
  feedOf(events: (string | FeedEdge)[], options: { hops?: number; pageSize?: number } = {}): FeedResponder {
    const edges = events.map((e, i): FeedEdge => (typeof e === 'string' ? { cursor: String(i + 1), event: e, hops: options.hops ?? 0 } : e));
    return (res, request) => {
      const after = request.after === null ? -1n : BigInt(request.after);
      const size = Math.min(request.first ?? 1000, options.pageSize ?? 1000);
      const rest = edges.filter((e) => BigInt(e.cursor) > after);
      sendJson(res, feedPage(rest.slice(0, size), rest.length > size));
    };
  }

  /** Runs `tick` every `ms` until the server closes; for answers that trickle. */
  every(ms: number, tick: () => void): NodeJS.Timeout {
    const timer = setInterval(tick, ms);
    this.#timers.add(timer);
    return timer;
  }

  clearTimer(timer: NodeJS.Timeout): void {
    clearInterval(timer);
    this.#timers.delete(timer);
  }

  async close(): Promise<void> {
    for (const timer of this.#timers) clearInterval(timer);
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let after: string | null = null;
      let first: number | null = null;
      try {
        const variables = (JSON.parse(body) as { variables?: { after?: unknown; first?: unknown } }).variables;
        if (typeof variables?.after === 'string') after = variables.after;
        if (typeof variables?.first === 'number') first = variables.first;
      } catch {
        // Not a feed query: the responder still answers it as it likes.
      }
      const request: FeedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, after, first };
      this.requests.push(request);
      res.on('error', () => undefined);
      this.#responder(res, request);
    });
  }
}

/** Removes the certificate directory made for the fake peers (afterAll). */
export function removeFeedServerFiles(): void {
  if (credentialsDir) rmSync(credentialsDir, { recursive: true, force: true });
  credentialsDir = null;
  credentials = null;
}

/**
 * Writes 64 KiB chunks as fast as the reader takes them, until it hangs up;
 * `written` hears every chunk handed to the socket.
 */
export function pumpForever(res: ServerResponse, written: (bytes: number) => void): void {
  const chunk = Buffer.alloc(64 * 1024, ' ');
  const pump = (): void => {
    while (!res.destroyed && !res.writableEnded) {
      written(chunk.length);
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
  };
  pump();
}
