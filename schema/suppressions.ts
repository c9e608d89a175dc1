// The suppression list: recipients the relay no longer sends to, listed
// newest first (by source, or searched by address: the service hashes it,
// since automatic entries keep no plaintext), and added or removed by an
// admin. Admins and read tokens read; admins change.
import { PothosValidationError } from '@pothos/core';
import { resolveOffsetConnection } from '@pothos/plugin-relay';
import { SuppressionError, type SuppressionEntry } from '../relay-core/policy/index.ts';
import { builder } from './builder.ts';
import type { ApiContext } from './context.ts';
import { attempt, problem, ProblemRef, type Problem } from './problems.ts';

export const SuppressionRef = builder.objectRef<SuppressionEntry>('Suppression').implement({
  description: 'A recipient the relay refuses at RCPT, for everyone or one scope.',
  authScopes: { read: true },
  fields: (t) => ({
    id: t.exposeID('id'),
    recipientHash: t.exposeString('recipientHash', { description: 'The keyed hash of the address (hash:<hex> in the CLI).' }),
    address: t.exposeString('address', { nullable: true, description: 'Plaintext only for entries an admin added by hand.' }),
    scope: t.exposeString('scope', { description: "'' for everyone, user:<login> or domain:<sender domain>." }),
    source: t.exposeString('source', { description: 'manual, hard-bounce, soft-bounce or complaint.' }),
    reason: t.exposeString('reason'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', nullable: true }),
    createdBy: t.exposeString('createdBy', { nullable: true }),
  }),
});

// Pages are offsets over the newest-first list, which the service reads from
// the start each time: deep pages cost more, so they stop here. A search by
// address or source reaches any entry.
const MAX_OFFSET = 10_000;
const MAX_PAGE = 100;

interface SuppressionPage {
  edges: readonly ({ cursor: string; node: SuppressionEntry } | null)[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor?: string | null; endCursor?: string | null };
  problem: Problem | null;
}

const emptyPage = (found: { problem: Problem }): SuppressionPage => ({
  edges: [],
  pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
  problem: found.problem,
});

function byViewer(ctx: ApiContext): string {
  return 'login' in ctx.viewer ? ctx.viewer.login : '?';
}

builder.queryField('suppressions', (t) =>
  t.connection(
    {
      type: SuppressionRef,
      authScopes: { read: true },
      description: `Active suppressions, newest first. Offset pages of at most ${MAX_PAGE}, down to entry ${MAX_OFFSET}; search by address or source to go further.`,
      args: {
        source: t.arg.string({ description: 'manual, hard-bounce, soft-bounce or complaint.' }),
        address: t.arg.string({ description: 'Entries of this address (or hash:<hex>), every scope.' }),
      },
      resolve: async (_r, args, ctx): Promise<SuppressionPage> => {
        if ((args.first ?? 0) < 0 || (args.last ?? 0) < 0) return emptyPage(problem('INVALID_INPUT', 'first and last must be 0 or more'));
        const source = args.source ?? undefined;
        const address = args.address ?? undefined;
        const result = await attempt(async () => {
          const found = address === undefined ? null : (await ctx.services.suppressions.check(address)).entries;
          return resolveOffsetConnection({ args, maxSize: MAX_PAGE }, async ({ offset, limit }) => {
            if (!Number.isSafeInteger(offset) || offset < 0) throw new SuppressionError('INVALID_INPUT', 'bad cursor: use one this list gave');
            if (offset > MAX_OFFSET) throw new SuppressionError('INVALID_INPUT', `pages stop at entry ${MAX_OFFSET}: search by address or source`);
            if (found) return found.filter((e) => source === undefined || e.source === source).slice(offset, offset + limit);
            return (await ctx.services.suppressions.list({ limit: offset + limit, ...(source === undefined ? {} : { source }) })).slice(offset);
          });
        }).catch((err: unknown) => {
          // A cursor that is not one of ours (Pothos cannot decode it).
          if (err instanceof PothosValidationError) return problem('INVALID_INPUT', err.message);
          throw err;
        });
        return 'problem' in result ? emptyPage(result) : { ...result, problem: null };
      },
    },
    { name: 'SuppressionConnection', fields: (c) => ({ problem: c.field({ type: ProblemRef, nullable: true, resolve: (page) => page.problem }) }) },
    { name: 'SuppressionEdge' },
  ),
);

interface SuppressionResult {
  suppression?: SuppressionEntry;
  removed?: number;
  problem?: Problem;
}

const AddSuppressionPayload = builder.objectRef<SuppressionResult>('AddSuppressionPayload').implement({
  fields: (t) => ({
    suppression: t.field({ type: SuppressionRef, nullable: true, resolve: (r) => r.suppression ?? null }),
    problem: t.field({ type: ProblemRef, nullable: true, resolve: (r) => r.problem ?? null }),
  }),
});

builder.mutationField('addSuppression', (t) =>
  t.field({
    type: AddSuppressionPayload,
    authScopes: { admin: true },
    description: 'Suppresses an address by hand (replaces an entry of the same address and scope).',
    args: {
      address: t.arg.string({ required: true }),
      reason: t.arg.string({ required: true, description: 'Shown to whoever is refused: one line, at most 200 characters.' }),
      scope: t.arg.string({ description: "global (default), user:<login> or domain:<sender domain>." }),
      expiresAt: t.arg({ type: 'DateTime', description: 'Default: never.' }),
    },
    resolve: (_r, args, ctx) =>
      attempt(async () => ({
        suppression: await ctx.services.suppressions.add({
          address: args.address,
          reason: args.reason,
          ...(args.scope == null ? {} : { scope: args.scope }),
          expiresAt: args.expiresAt ?? null,
          by: byViewer(ctx),
        }),
      })),
  }),
);

const RemoveSuppressionPayload = builder.objectRef<SuppressionResult>('RemoveSuppressionPayload').implement({
  fields: (t) => ({
    removed: t.int({ description: 'Entries removed.', resolve: (r) => r.removed ?? 0 }),
    problem: t.field({ type: ProblemRef, nullable: true, resolve: (r) => r.problem ?? null }),
  }),
});

builder.mutationField('removeSuppression', (t) =>
  t.field({
    type: RemoveSuppressionPayload,
    authScopes: { admin: true },
    description: 'Removes the entries of an address (or hash:<hex>): every scope, or the one given. Removing the global entry also forgets its bounce evidence.',
    args: { address: t.arg.string({ required: true }), scope: t.arg.string() },
    resolve: (_r, args, ctx) =>
      attempt(async () => {
        const removed = await ctx.services.suppressions.remove(args.address, args.scope ?? undefined);
        return removed === 0 ? problem('NOT_FOUND', 'no such suppression') : { removed };
      }),
  }),
);
