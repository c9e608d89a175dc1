// Mail (SMTP) users: who may submit, from which senders, how much. Admins and
// read tokens read; admins add, disable, enable, and set senders and quotas.
// Passwords are set here only when adding; they are never shown.
import { resolveArrayConnection } from '@pothos/plugin-relay';
import type { UserSummary } from '../relay-core/auth/index.ts';
import { builder } from './builder.ts';
import type { ApiContext } from './context.ts';
import { attempt, problem, ProblemRef, type Problem } from './problems.ts';

const CONTROL = /[\x00-\x1f\x7f-\x9f\u2028\u2029]/;
const MAX_SENDERS = 100;

export const UserRef = builder.objectRef<UserSummary>('User').implement({
  description: 'A mail user: submits over SMTP with AUTH; may sign in to see their own queue and stats.',
  authScopes: { read: true },
  fields: (t) => ({
    login: t.exposeString('login'),
    allowedSenders: t.exposeStringList('allowedSenders', { description: 'Addresses (user@example.org) and whole domains (@example.org).' }),
    isDisabled: t.exposeBoolean('isDisabled'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    quotaPerHour: t.exposeInt('quotaPerHour', { nullable: true, description: 'Messages per clock hour (UTC); null: no quota.' }),
    quotaPerDay: t.exposeInt('quotaPerDay', { nullable: true, description: 'Messages per day (UTC); null: no quota.' }),
  }),
});

builder.queryField('users', (t) =>
  t.connection(
    {
      type: UserRef,
      authScopes: { read: true },
      // A relay has tens or hundreds of users, not millions: paged from the whole list.
      description: 'Mail users by login; pages of at most 100.',
      resolve: async (_r, args, ctx) => resolveArrayConnection({ args }, await ctx.services.users.list()),
    },
    { name: 'UserConnection' },
    { name: 'UserEdge' },
  ),
);

interface UserResult {
  user?: UserSummary | null;
  problem?: Problem;
}

const UserPayload = builder.objectRef<UserResult>('UserPayload').implement({
  fields: (t) => ({
    user: t.field({ type: UserRef, nullable: true, description: 'The user afterwards.', resolve: (r) => r.user ?? null }),
    problem: t.field({ type: ProblemRef, nullable: true, resolve: (r) => r.problem ?? null }),
  }),
});

async function userAfter(ctx: ApiContext, login: string, isFound: boolean): Promise<UserResult> {
  if (!isFound) return problem('NOT_FOUND', 'no such user');
  const normalized = login.trim().toLowerCase();
  return { user: (await ctx.services.users.list()).find((u) => u.login === normalized) ?? null };
}

/** A problem for control characters or too many senders; the service checks each pattern. */
function badSenders(senders: string[]): { problem: Problem } | null {
  if (senders.length > MAX_SENDERS) return problem('INVALID_INPUT', `at most ${MAX_SENDERS} allowed senders`);
  // The service trims patterns; a line break in one is refused here, not silently dropped.
  if (senders.some((s) => CONTROL.test(s))) return problem('INVALID_INPUT', 'a sender pattern must be one line without control characters');
  return null;
}

builder.mutationField('addUser', (t) =>
  t.field({
    type: UserPayload,
    authScopes: { admin: true },
    description: 'CONFLICT when the login is taken.',
    args: {
      login: t.arg.string({ required: true, description: '1-128 letters, digits and . _ @ + -; case-insensitive.' }),
      password: t.arg.string({ required: true }),
      allowedSenders: t.arg.stringList({ required: true }),
    },
    resolve: (_r, args, ctx) =>
      badSenders(args.allowedSenders) ??
      attempt(async () => {
        await ctx.services.users.add(args.login, args.password, args.allowedSenders);
        return userAfter(ctx, args.login, true);
      }),
  }),
);

for (const [name, isDisabled, what] of [
  ['disableUser', true, 'The user keeps their settings but can no longer log in (SMTP AUTH nor API).'],
  ['enableUser', false, 'The user may log in again.'],
] as const) {
  builder.mutationField(name, (t) =>
    t.field({
      type: UserPayload,
      authScopes: { admin: true },
      description: what,
      args: { login: t.arg.string({ required: true }) },
      resolve: (_r, args, ctx) => attempt(async () => userAfter(ctx, args.login, await ctx.services.users.setDisabled(args.login, isDisabled))),
    }),
  );
}

builder.mutationField('setUserSenders', (t) =>
  t.field({
    type: UserPayload,
    authScopes: { admin: true },
    description: 'Replaces the envelope senders the user may use.',
    args: { login: t.arg.string({ required: true }), allowedSenders: t.arg.stringList({ required: true }) },
    resolve: (_r, args, ctx) =>
      badSenders(args.allowedSenders) ??
      attempt(async () => userAfter(ctx, args.login, await ctx.services.users.setAllowedSenders(args.login, args.allowedSenders))),
  }),
);

builder.mutationField('setUserQuotas', (t) =>
  t.field({
    type: UserPayload,
    authScopes: { admin: true },
    description: 'Sets the hourly and/or daily quota: a number of messages, null for none; an argument left out keeps the current quota.',
    args: { login: t.arg.string({ required: true }), perHour: t.arg.int(), perDay: t.arg.int() },
    resolve: (_r, args, ctx) => {
      if (args.perHour === undefined && args.perDay === undefined) return problem('INVALID_INPUT', 'give perHour, perDay or both');
      return attempt(async () =>
        userAfter(ctx, args.login, await ctx.services.users.setQuotas(args.login, {
          ...(args.perHour === undefined ? {} : { perHour: args.perHour }),
          ...(args.perDay === undefined ? {} : { perDay: args.perDay }),
        })));
    },
  }),
);
