// Logging in and out, who am I, and API tokens. A session is an HttpOnly,
// Secure, SameSite=Strict cookie; failed logins are throttled per client IP.
import { resolveArrayConnection } from '@pothos/plugin-relay';
import type { ApiToken } from '../relay-core/accounts/index.ts';
import { builder } from './builder.ts';
import type { ApiContext, Viewer } from './context.ts';
import { attempt, problem, ProblemRef, type Problem } from './problems.ts';

export const SESSION_COOKIE = 'relais_session';

function sessionCookie(id: string, maxAgeSeconds: number): string {
  return `${SESSION_COOKIE}=${id}; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=${maxAgeSeconds}`;
}

const ViewerKindRef = builder.enumType('ViewerKind', { values: ['anonymous', 'admin', 'reader', 'user', 'peer'] as const });

const ViewerRef = builder.objectRef<Viewer>('Viewer').implement({
  description: 'Who is asking: an admin, a read-only token, a mail user (own data only), a federation peer (the feed only), or nobody.',
  fields: (t) => ({
    kind: t.expose('kind', { type: ViewerKindRef }),
    login: t.string({ nullable: true, resolve: (v) => ('login' in v ? v.login : 'peer' in v ? `peer:${v.peer}` : null) }),
  }),
});

builder.queryField('me', (t) => t.field({ type: ViewerRef, skipTypeScopes: true, resolve: (_r, _a, ctx) => ctx.viewer }));

interface LoginResult {
  viewer?: Viewer;
  problem?: Problem;
}

const LoginPayload = builder.objectRef<LoginResult>('LoginPayload').implement({
  fields: (t) => ({
    viewer: t.field({ type: ViewerRef, nullable: true, resolve: (r) => r.viewer ?? null }),
    problem: t.field({ type: ProblemRef, nullable: true, resolve: (r) => r.problem ?? null }),
  }),
});

async function logIn(ctx: ApiContext, login: string, password: string): Promise<LoginResult> {
  const { admins, users, sessions, loginThrottle } = ctx.services;
  if (loginThrottle.isThrottled(ctx.clientAddress)) return problem('THROTTLED', 'too many failed logins from this address; try again later');
  if (login.length > 256 || password.length > 1024) return problem('INVALID_INPUT', 'login or password too long');
  const admin = await admins.authenticate(login, password);
  const user = admin ? null : await users.authenticate(login, password);
  const subject = admin ? { kind: 'admin' as const, login: admin.login } : user ? { kind: 'user' as const, login: user.login } : null;
  if (!subject) {
    loginThrottle.recordFailure(ctx.clientAddress);
    return problem('FORBIDDEN', 'wrong login or password');
  }
  const session = await sessions.create(subject);
  ctx.setCookie(sessionCookie(session.id, Math.floor((session.expiresAt.getTime() - Date.now()) / 1000)));
  return { viewer: subject };
}

builder.mutationField('login', (t) =>
  t.field({
    type: LoginPayload,
    description: 'Starts a session (cookie). Admins see everything; mail users see their own stats and queue.',
    args: { login: t.arg.string({ required: true }), password: t.arg.string({ required: true }) },
    resolve: (_r, args, ctx) => logIn(ctx, args.login, args.password),
  }),
);

builder.mutationField('logout', (t) =>
  t.boolean({
    authScopes: { signedIn: true },
    resolve: async (_r, _a, ctx) => {
      if (ctx.sessionId) await ctx.services.sessions.destroy(ctx.sessionId);
      ctx.setCookie(sessionCookie('', 0));
      return true;
    },
  }),
);

const TokenScopeRef = builder.enumType('TokenScope', { values: ['read', 'admin'] as const });

export const ApiTokenRef = builder.objectRef<ApiToken>('ApiToken').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    scope: t.expose('scope', { type: TokenScopeRef }),
    createdBy: t.exposeString('createdBy'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime', nullable: true }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
  }),
});

builder.queryField('apiTokens', (t) =>
  t.connection({
    type: ApiTokenRef,
    authScopes: { admin: true },
    resolve: async (_r, args, ctx) => resolveArrayConnection({ args }, await ctx.services.tokens.list()),
  }),
);

interface TokenResult {
  secret?: string;
  token?: ApiToken;
  problem?: Problem;
}

const CreateTokenPayload = builder.objectRef<TokenResult>('CreateApiTokenPayload').implement({
  fields: (t) => ({
    secret: t.string({ nullable: true, description: 'The token itself: shown this once, never again.', resolve: (r) => r.secret ?? null }),
    token: t.field({ type: ApiTokenRef, nullable: true, resolve: (r) => r.token ?? null }),
    problem: t.field({ type: ProblemRef, nullable: true, resolve: (r) => r.problem ?? null }),
  }),
});

builder.mutationField('createApiToken', (t) =>
  t.field({
    type: CreateTokenPayload,
    authScopes: { admin: true },
    args: { name: t.arg.string({ required: true }), scope: t.arg({ type: TokenScopeRef, required: true }) },
    resolve: (_r, args, ctx) =>
      attempt(() => ctx.services.tokens.create({ name: args.name, scope: args.scope, by: 'login' in ctx.viewer ? ctx.viewer.login : '?' })),
  }),
);

const RevokeTokenPayload = builder.objectRef<TokenResult>('RevokeApiTokenPayload').implement({
  fields: (t) => ({
    token: t.field({ type: ApiTokenRef, nullable: true, resolve: (r) => r.token ?? null }),
    problem: t.field({ type: ProblemRef, nullable: true, resolve: (r) => r.problem ?? null }),
  }),
});

builder.mutationField('revokeApiToken', (t) =>
  t.field({
    type: RevokeTokenPayload,
    authScopes: { admin: true },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, args, ctx) => attempt(async () => ({ token: await ctx.services.tokens.revoke(String(args.id)) })),
  }),
);
