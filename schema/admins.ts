// Admin accounts of the API and console, as `relais admin` manages them:
// list, add, disable and enable, for admins only. Passwords are set when
// adding and never shown. An admin cannot disable themselves, so a session
// never locks its own holder out by a slip of the mouse.
import { resolveArrayConnection } from '@pothos/plugin-relay';
import type { AdminSummary } from '../relay-core/accounts/index.ts';
import { checkAccountLogin } from '../relay-core/accounts/index.ts';
import { builder } from './builder.ts';
import type { ApiContext } from './context.ts';
import { attempt, problem, ProblemRef, type Problem } from './problems.ts';

const AdminRef = builder.objectRef<AdminSummary>('Admin').implement({
  description: 'An admin account: signs in to the console and API with every right.',
  authScopes: { admin: true },
  fields: (t) => ({
    login: t.exposeString('login'),
    isDisabled: t.exposeBoolean('isDisabled'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.queryField('admins', (t) =>
  t.connection(
    {
      type: AdminRef,
      authScopes: { admin: true },
      description: 'Admin accounts by login; pages of at most 100.',
      resolve: async (_r, args, ctx) => resolveArrayConnection({ args }, await ctx.services.admins.list()),
    },
    { name: 'AdminConnection' },
    { name: 'AdminEdge' },
  ),
);

interface AdminResult {
  admin?: AdminSummary | null;
  problem?: Problem;
}

const AdminPayload = builder.objectRef<AdminResult>('AdminPayload').implement({
  fields: (t) => ({
    admin: t.field({ type: AdminRef, nullable: true, description: 'The account afterwards.', resolve: (r) => r.admin ?? null }),
    problem: t.field({ type: ProblemRef, nullable: true, resolve: (r) => r.problem ?? null }),
  }),
});

async function adminAfter(ctx: ApiContext, login: string, isFound: boolean): Promise<AdminResult> {
  if (!isFound) return problem('NOT_FOUND', 'no such admin');
  return { admin: (await ctx.services.admins.list()).find((a) => a.login === login) ?? null };
}

builder.mutationField('addAdmin', (t) =>
  t.field({
    type: AdminPayload,
    authScopes: { admin: true },
    description: 'CONFLICT when the login is taken; INVALID_INPUT for a password under 10 characters.',
    args: {
      login: t.arg.string({ required: true, description: '1-128 letters, digits and . _ @ + -; case-insensitive.' }),
      password: t.arg.string({ required: true }),
    },
    resolve: (_r, args, ctx) => attempt(async () => ({ admin: await ctx.services.admins.add(args.login, args.password) })),
  }),
);

for (const [name, isDisabled, what] of [
  ['disableAdmin', true, 'The account can no longer sign in, and its sessions end; FORBIDDEN for your own account.'],
  ['enableAdmin', false, 'The account may sign in again.'],
] as const) {
  builder.mutationField(name, (t) =>
    t.field({
      type: AdminPayload,
      authScopes: { admin: true },
      description: what,
      args: { login: t.arg.string({ required: true }) },
      resolve: (_r, args, ctx) =>
        attempt(async () => {
          const login = checkAccountLogin(args.login);
          if (isDisabled && ctx.viewer.kind === 'admin' && ctx.viewer.login === login) return problem('FORBIDDEN', 'you cannot disable your own account');
          return adminAfter(ctx, login, await ctx.services.admins.setDisabled(login, isDisabled));
        }),
    }),
  );
}
