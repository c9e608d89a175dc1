// Alerts an admin must look at (policy blocks, complaints, spikes), newest
// first, paged by a real cursor (the alert id), and acknowledged once seen.
// Admins and read tokens read; admins acknowledge.
import type { Alert } from '../relay-core/alerts/index.ts';
import { builder } from './builder.ts';
import { attempt, problem, ProblemRef, type Problem } from './problems.ts';

interface Detail {
  name: string;
  value: string;
}

const AlertDetailRef = builder.objectRef<Detail>('AlertDetail').implement({
  fields: (t) => ({ name: t.exposeString('name'), value: t.exposeString('value') }),
});

export const AlertRef = builder.objectRef<Alert>('Alert').implement({
  authScopes: { read: true },
  fields: (t) => ({
    id: t.exposeID('id'),
    kind: t.exposeString('kind', { description: 'policy-block, complaint or spike.' }),
    subject: t.exposeString('subject', { description: 'The destination domain, or the sender, it is about.' }),
    details: t.field({
      type: [AlertDetailRef],
      description: 'What was recorded with it (reply code and text, feedback type…); names depend on the kind.',
      resolve: (a) =>
        Object.entries(a.detail)
          .filter(([, v]) => v !== null && v !== undefined)
          .map(([name, v]) => ({ name, value: typeof v === 'string' ? v : JSON.stringify(v) })),
    }),
    raisedAt: t.expose('raisedAt', { type: 'DateTime' }),
    isAcknowledged: t.boolean({ resolve: (a) => a.acknowledgedAt !== null }),
    acknowledgedAt: t.expose('acknowledgedAt', { type: 'DateTime', nullable: true }),
    acknowledgedBy: t.exposeString('acknowledgedBy', { nullable: true }),
  }),
});

interface AlertPage {
  edges: { cursor: string; node: Alert }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  problem: Problem | null;
}

const DEFAULT_PAGE = 50;
const MAX_PAGE = 200;

function pageOf(alerts: Alert[], size: number, hasAfter: boolean): AlertPage {
  const edges = alerts.slice(0, size).map((node) => ({ cursor: node.id, node }));
  return {
    edges,
    pageInfo: { hasNextPage: alerts.length > size, hasPreviousPage: hasAfter, startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null },
    problem: null,
  };
}

const refused = (found: { problem: Problem }): AlertPage => ({ ...pageOf([], 0, false), problem: found.problem });

builder.queryField('alerts', (t) =>
  t.connection(
    {
      type: AlertRef,
      authScopes: { read: true },
      description: `Alerts, newest first, paged forward by alert id (first, at most ${MAX_PAGE}, and after).`,
      args: {
        kind: t.arg.string({ description: 'policy-block, complaint or spike.' }),
        isUnacknowledgedOnly: t.arg.boolean({ description: 'Only alerts nobody has acknowledged yet.' }),
      },
      resolve: async (_r, args, ctx): Promise<AlertPage> => {
        if (args.last != null || args.before != null) return refused(problem('INVALID_INPUT', 'alerts page forward only: use first and after'));
        if (args.first != null && args.first < 0) return refused(problem('INVALID_INPUT', 'first must be 0 or more'));
        const size = Math.min(args.first ?? DEFAULT_PAGE, MAX_PAGE);
        const result = await attempt(async () =>
          pageOf(
            await ctx.services.alerts.list({
              limit: size + 1,
              ...(args.kind == null ? {} : { kind: args.kind }),
              ...(args.isUnacknowledgedOnly ? { isUnacknowledgedOnly: true } : {}),
              ...(args.after == null ? {} : { after: args.after }),
            }),
            size,
            args.after != null,
          ));
        return 'edges' in result ? result : refused(result);
      },
    },
    { name: 'AlertConnection', fields: (c) => ({ problem: c.field({ type: ProblemRef, nullable: true, resolve: (page) => page.problem }) }) },
    { name: 'AlertEdge' },
  ),
);

interface AcknowledgeResult {
  alert?: Alert;
  problem?: Problem;
}

const AcknowledgeAlertPayload = builder.objectRef<AcknowledgeResult>('AcknowledgeAlertPayload').implement({
  fields: (t) => ({
    alert: t.field({ type: AlertRef, nullable: true, resolve: (r) => r.alert ?? null }),
    problem: t.field({ type: ProblemRef, nullable: true, resolve: (r) => r.problem ?? null }),
  }),
});

builder.mutationField('acknowledgeAlert', (t) =>
  t.field({
    type: AcknowledgeAlertPayload,
    authScopes: { admin: true },
    description: 'Marks the alert as seen by the viewer; one already acknowledged keeps its first acknowledgement.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, args, ctx) =>
      attempt(async () => ({ alert: await ctx.services.alerts.acknowledge(String(args.id), 'login' in ctx.viewer ? ctx.viewer.login : '?') })),
  }),
);
