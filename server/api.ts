// The GraphQL API on graphql-yoga: who is asking (session cookie or API
// token), CSRF defences for cookie sessions, limits on what one operation may
// cost, introspection only for admins, masked internal errors, and the same
// schema over graphql-ws for subscriptions.
import type { IncomingMessage } from 'node:http';
import { EnvelopArmor } from '@escape.tech/graphql-armor';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { GraphQLError, NoSchemaIntrospectionCustomRule, validate, type ExecutionArgs } from 'graphql';
import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import { verifyRequest } from '../relay-core/federation/request-signature.ts';
import type { Logger } from '../relay-core/log.ts';
import { SESSION_COOKIE } from '../schema/auth.ts';
import type { ApiContext, ApiServices, Viewer } from '../schema/context.ts';
import { buildSchema } from '../schema/index.ts';

export interface ServerContext {
  req: IncomingMessage;
}

/** Header a browser cannot add to a cross-site request without a CORS preflight. */
export const CSRF_HEADER = 'x-relais-csrf';

function cookieValue(header: string | undefined | null, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=') || null;
  }
  return null;
}

function bearer(header: string | undefined | null): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match ? match[1]! : null;
}

/** Who is asking: an API token (Authorization: Bearer) wins over a session cookie. */
export async function resolveViewer(services: ApiServices, authorization: string | null, cookie: string | null): Promise<{ viewer: Viewer; sessionId: string | null }> {
  const token = bearer(authorization);
  if (token) {
    const found = await services.tokens.resolve(token);
    if (!found) return { viewer: { kind: 'anonymous' }, sessionId: null };
    return { viewer: { kind: found.scope === 'admin' ? 'admin' : 'reader', login: `token:${found.name}` }, sessionId: null };
  }
  const sessionId = cookieValue(cookie, SESSION_COOKIE);
  const session = sessionId ? await services.sessions.resolve(sessionId) : null;
  if (!session) return { viewer: { kind: 'anonymous' }, sessionId: null };
  // An account disabled or removed since login loses its session at once.
  const isActive = session.kind === 'admin' ? await services.admins.isActive(session.login) : await services.users.isActive(session.login);
  if (!isActive) return { viewer: { kind: 'anonymous' }, sessionId: null };
  return { viewer: { kind: session.kind, login: session.login }, sessionId };
}

/** Introspection and field suggestions are for admins: others learn nothing of the schema they cannot use. */
function adminOnlyIntrospection(): Plugin<ApiContext> {
  const refuse = (args: ExecutionArgs): GraphQLError[] | null => {
    const viewer = (args.contextValue as ApiContext).viewer;
    if (viewer.kind === 'admin') return null;
    const errors = validate(args.schema, args.document, [NoSchemaIntrospectionCustomRule]);
    return errors.length ? [new GraphQLError('Introspection is only for admins')] : null;
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const errors = refuse(args);
      if (errors) setResultAndStopExecution({ errors });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const errors = refuse(args);
      if (errors) setResultAndStopExecution({ errors });
    },
  };
}

/**
 * A cookie-authenticated request from another site is refused: the Origin
 * (when the browser sends one) must be this server. Tokens are not sent by
 * browsers on their own, so they need no such check.
 */
function sameOriginForCookies(): Plugin {
  return {
    onRequest({ request, endResponse, fetchAPI }) {
      if (!cookieValue(request.headers.get('cookie'), SESSION_COOKIE)) return;
      if (!isSameOrigin(request.headers.get('origin'), request.headers.get('host'))) {
        endResponse(new fetchAPI.Response(JSON.stringify({ errors: [{ message: 'cross-site request refused' }] }), {
          status: 403, headers: { 'content-type': 'application/json' },
        }));
      }
    },
  };
}

/** Whether a cookie-carrying request or upgrade comes from this server's own pages (no Origin: not a browser). */
export function isSameOrigin(origin: string | null | undefined, host: string | null | undefined): boolean {
  if (!origin) return true;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/**
 * A federation peer signs its feed requests with its key (docs/federation.md):
 * a request carrying the key header gets 401 unless its signature is good,
 * fresh, and by a configured peer. Nothing else about it is trusted.
 */
function signedPeers(services: ApiServices, peers: WeakMap<Request, string>): Plugin {
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (!request.headers.get('relais-federation-key')) return;
      const refuse = (why: string) => endResponse(new fetchAPI.Response(JSON.stringify({ errors: [{ message: `federation request refused: ${why}` }] }), {
        status: 401, headers: { 'content-type': 'application/json', 'www-authenticate': 'RelaisFederation' },
      }));
      const body = request.method === 'POST' ? await request.clone().text() : '';
      const result = verifyRequest((name) => request.headers.get(name), { method: request.method, path: `${url.pathname}${url.search}`, body });
      if (!result.ok) return refuse(result.reason);
      const peer = await services.federation.peers.byKey(result.keyId);
      if (!peer) return refuse('unknown key');
      peers.set(request, peer.name);
    },
  };
}

/** Set-Cookie headers the resolvers asked for (login, logout). */
function responseCookies(cookies: WeakMap<Request, string[]>): Plugin {
  return {
    onResponse({ request, response }) {
      for (const cookie of cookies.get(request) ?? []) response.headers.append('set-cookie', cookie);
    },
  };
}

export function createApi(options: { services: ApiServices; log: Logger }): YogaServerInstance<ServerContext, ApiContext> {
  const cookies = new WeakMap<Request, string[]>();
  const peers = new WeakMap<Request, string>();
  const armor = new EnvelopArmor({
    // Introspection counts too; GraphiQL's own introspection query is 21 deep.
    maxDepth: { n: 25, ignoreIntrospection: false },
    maxAliases: { n: 15 },
    maxDirectives: { n: 10 },
    maxTokens: { n: 2000 },
    costLimit: { maxCost: 5000 },
    blockFieldSuggestion: { enabled: true },
  }).protect();
  return createYoga<ServerContext, ApiContext>({
    schema: buildSchema(),
    graphqlEndpoint: '/graphql',
    graphiql: { title: 'relais', headers: JSON.stringify({ [CSRF_HEADER]: '1' }) },
    landingPage: false,
    maskedErrors: true,
    batching: { limit: 10 },
    logging: {
      debug: () => undefined,
      info: () => undefined,
      warn: (...args: unknown[]) => options.log.warn('graphql', { detail: String(args[0]) }),
      error: (...args: unknown[]) => options.log.error('graphql', { detail: String(args[0]) }),
    },
    plugins: [
      signedPeers(options.services, peers),
      sameOriginForCookies(),
      useCSRFPrevention({ requestHeaders: [CSRF_HEADER] }),
      ...armor.plugins,
      adminOnlyIntrospection(),
      responseCookies(cookies),
    ],
    context: async (initial): Promise<ApiContext> => {
      const { request, req } = initial;
      // Over graphql-ws the "request" is the upgrade request and the token may come in connectionParams.
      const params = (initial as { connectionParams?: Record<string, unknown> }).connectionParams;
      const header = (name: string): string | null =>
        typeof request?.headers?.get === 'function' ? request.headers.get(name) : ((req?.headers?.[name] as string | undefined) ?? null);
      const authorization = typeof params?.authorization === 'string' ? params.authorization : header('authorization');
      const peer = request ? peers.get(request) : undefined;
      const { viewer, sessionId } = peer
        ? { viewer: { kind: 'peer' as const, peer }, sessionId: null }
        : await resolveViewer(options.services, authorization, header('cookie'));
      return {
        viewer,
        sessionId,
        services: options.services,
        clientAddress: req?.socket?.remoteAddress ?? 'unknown',
        setCookie: (cookie) => cookies.set(request, [...(cookies.get(request) ?? []), cookie]),
      };
    },
  });
}
