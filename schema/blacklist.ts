// The admin's blacklists of envelope senders (refused at MAIL) and recipients
// (refused at RCPT): listed, added to, removed from. Admins and read tokens
// read; admins change.
import { resolveArrayConnection } from '@pothos/plugin-relay';
import type { BlacklistEntry } from '../relay-core/policy/index.ts';
import { builder } from './builder.ts';
import { attempt, problem, ProblemRef, type Problem } from './problems.ts';

// The service would trim or blank them; at the API a line break is a mistake (or worse) the caller should hear about.
const CONTROL = /[\x00-\x1f\x7f-\x9f\u2028\u2029]/;
const refused = () => problem('INVALID_INPUT', 'pattern and reason must be one line without control characters');

const BlacklistKindRef = builder.enumType('BlacklistKind', {
  description: 'sender: refused at MAIL FROM; recipient: refused at RCPT TO.',
  values: ['sender', 'recipient'] as const,
});

export const BlacklistEntryRef = builder.objectRef<BlacklistEntry>('BlacklistEntry').implement({
  authScopes: { read: true },
  fields: (t) => ({
    kind: t.expose('kind', { type: BlacklistKindRef }),
    pattern: t.exposeString('pattern', { description: 'An address (user@example.org) or a whole domain (@example.org).' }),
    reason: t.exposeString('reason'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.queryField('blacklistEntries', (t) =>
  t.connection(
    {
      type: BlacklistEntryRef,
      authScopes: { read: true },
      // The lists are small and held in memory by submission: paged from the whole list.
      description: 'Blacklist entries by kind and pattern; pages of at most 100.',
      args: { kind: t.arg({ type: BlacklistKindRef }) },
      resolve: async (_r, args, ctx) => {
        const entries = await ctx.services.blacklist.list();
        return resolveArrayConnection({ args }, args.kind == null ? entries : entries.filter((e) => e.kind === args.kind));
      },
    },
    { name: 'BlacklistEntryConnection' },
    { name: 'BlacklistEntryEdge' },
  ),
);

interface BlacklistResult {
  entry?: BlacklistEntry;
  problem?: Problem;
}

const BlacklistPayload = builder.objectRef<BlacklistResult>('BlacklistPayload').implement({
  fields: (t) => ({
    entry: t.field({ type: BlacklistEntryRef, nullable: true, description: 'The entry added (null on removal).', resolve: (r) => r.entry ?? null }),
    problem: t.field({ type: ProblemRef, nullable: true, resolve: (r) => r.problem ?? null }),
  }),
});

builder.mutationField('addBlacklistEntry', (t) =>
  t.field({
    type: BlacklistPayload,
    authScopes: { admin: true },
    description: 'CONFLICT when the pattern is on that list already.',
    args: {
      kind: t.arg({ type: BlacklistKindRef, required: true }),
      pattern: t.arg.string({ required: true }),
      reason: t.arg.string({ required: true, description: 'Shown to whoever is refused: at most 200 characters.' }),
    },
    resolve: (_r, args, ctx) =>
      CONTROL.test(args.pattern) || CONTROL.test(args.reason)
        ? refused()
        : attempt(async () => ({ entry: await ctx.services.blacklist.add(args.kind, args.pattern, args.reason) })),
  }),
);

builder.mutationField('removeBlacklistEntry', (t) =>
  t.field({
    type: BlacklistPayload,
    authScopes: { admin: true },
    args: { kind: t.arg({ type: BlacklistKindRef, required: true }), pattern: t.arg.string({ required: true }) },
    resolve: (_r, args, ctx) =>
      CONTROL.test(args.pattern)
        ? refused()
        : attempt(async () => ((await ctx.services.blacklist.remove(args.kind, args.pattern)) ? {} : problem('NOT_FOUND', 'no such blacklist entry'))),
  }),
);
