// The HTTPS service: the GraphQL API at /graphql (HTTP and graphql-ws on the
// same path), /healthz (the process answers), /readyz (database reachable,
// listeners up), /metrics (Prometheus) and the admin console at /. TLS with the operator's
// certificate or the generated one; plain HTTP only when configured (behind a
// reverse proxy). Bodies are bounded and slow or idle clients timed out.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import type { YogaServerInstance } from 'graphql-yoga';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Logger } from '../relay-core/log.ts';
import type { ApiContext } from '../schema/context.ts';
import { isSameOrigin, type ServerContext } from './api.ts';
import { serveConsole } from './console.ts';

export interface HttpsServiceOptions {
  host: string;
  port: number;
  /** Null: plain HTTP. */
  tls: { key: string; cert: string } | null;
  maxBodyBytes: number;
  api: YogaServerInstance<ServerContext, ApiContext>;
  isReady: () => Promise<boolean>;
  metrics?: () => Promise<{ contentType: string; body: string }>;
  /** The built console (web/dist), served at `/`. */
  consoleDir?: string;
  log: Logger;
}

export interface HttpsService {
  port: number;
  close(): Promise<void>;
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body) + '\n');
}

export async function startHttpsService(options: HttpsServiceOptions): Promise<HttpsService> {
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/graphql') {
      // Bounded before yoga reads anything: a declared length over the limit, or no length at all.
      if (req.method === 'POST') {
        const length = Number(req.headers['content-length']);
        if (req.headers['content-length'] === undefined) return reply(res, 411, { error: 'a Content-Length is required' });
        if (!Number.isFinite(length) || length > options.maxBodyBytes) return reply(res, 413, { error: `request body over ${options.maxBodyBytes} bytes` });
      }
      void options.api.handle(req, res, { req });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(res, 405, { error: 'method not allowed' });
    if (path === '/healthz') return reply(res, 200, { status: 'ok' });
    if (path === '/readyz') {
      options.isReady().then(
        (ready) => reply(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready' }),
        () => reply(res, 503, { status: 'not ready' }),
      );
      return;
    }
    if (path === '/metrics' && options.metrics) {
      options.metrics().then(
        ({ contentType, body }) => {
          res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
          res.end(body);
        },
        (err: unknown) => {
          options.log.error('metrics failed', { err });
          reply(res, 500, { error: 'metrics unavailable' });
        },
      );
      return;
    }
    if (options.consoleDir) {
      serveConsole(req, res, options.consoleDir).catch((err: unknown) => {
        options.log.error('console file failed', { err });
        if (!res.headersSent) reply(res, 500, { error: 'console unavailable' });
        else res.destroy();
      });
      return;
    }
    reply(res, 404, { error: 'not found' });
  };
  const server: Server = options.tls
    ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert, minVersion: 'TLSv1.2' }, handle)
    : createHttpServer(handle);
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  server.keepAliveTimeout = 5_000;

  const wss = new WebSocketServer({ server, path: '/graphql', maxPayload: options.maxBodyBytes });
  const ws = useServer<Record<string, unknown>, { request: IncomingMessage }>(
    {
      // A client that opens a socket and never says hello is dropped.
      connectionInitWaitTimeout: 5_000,
      // Cross-site WebSocket hijacking: a browser on another site carries the session cookie along.
      onConnect: (ctx) => isSameOrigin(ctx.extra.request.headers.origin, ctx.extra.request.headers.host),
      execute: (args) => (args.rootValue as { execute: (a: typeof args) => never }).execute(args),
      subscribe: (args) => (args.rootValue as { subscribe: (a: typeof args) => never }).subscribe(args),
      onSubscribe: async (ctx, _id, payload) => {
        const enveloped = options.api.getEnveloped({ ...ctx, req: ctx.extra.request, request: ctx.extra.request, params: payload });
        const args = {
          schema: enveloped.schema,
          operationName: payload.operationName,
          document: enveloped.parse(payload.query),
          variableValues: payload.variables,
          contextValue: await enveloped.contextFactory(),
          rootValue: { execute: enveloped.execute, subscribe: enveloped.subscribe },
        };
        const errors = enveloped.validate(args.schema, args.document);
        return errors.length ? errors : args;
      },
    },
    wss,
  );

  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : options.port,
    close: async () => {
      await ws.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
