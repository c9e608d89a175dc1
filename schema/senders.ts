// Senders held after a traffic spike (or by hand): the list, and hold and
// release like `relais sender hold|release`. Releasing resumes delivery of
// the sender's queued mail.
import { resolveArrayConnection } from '@pothos/plugin-relay';
import type { SenderHold } from '../relay-core/anomaly/index.ts';
import { builder } from './builder.ts';
import { attempt, ProblemRef, type Problem } from './problems.ts';

const SenderHoldRef = builder.objectRef<SenderHold>('SenderHold').implement({
  description: 'A sender whose new mail is refused with 451 4.7.1 and whose queued mail is paused.',
  fields: (t) => ({
    key: t.exposeString('key', { description: 'A login, or from:ADDRESS for mail sent without AUTH.' }),
    reason: t.exposeString('reason'),
    source: t.exposeString('source', { description: 'spike or manual' }),
    since: t.expose('since', { type: 'DateTime' }),
    heldBy: t.exposeString('heldBy', { nullable: true }),
    releasedAt: t.expose('releasedAt', { type: 'DateTime', nullable: true }),
    releasedBy: t.exposeString('releasedBy', { nullable: true }),
  }),
});

builder.queryField('senderHolds', (t) =>
  t.connection({
    type: SenderHoldRef,
    authScopes: { read: true },
    args: { releasedWithinHours: t.arg.int({ required: false, description: 'Also list holds released this recently.' }) },
    resolve: async (_r, args, ctx) => {
      const hours = Math.min(24 * 366, Math.max(0, args.releasedWithinHours ?? 0));
      const holds = await ctx.services.anomaly.holds(hours ? { includeReleasedSince: new Date(Date.now() - hours * 3_600_000) } : {});
      return resolveArrayConnection({ args }, holds);
    },
  }),
);

interface HoldResult {
  hold?: SenderHold;
  recipients?: number;
  problem?: Problem;
}

const SenderHoldPayload = builder.objectRef<HoldResult>('SenderHoldPayload').implement({
  fields: (t) => ({
    hold: t.field({ type: SenderHoldRef, nullable: true, resolve: (r) => r.hold ?? null }),
    recipients: t.int({ description: 'Queued recipients paused or resumed.', resolve: (r) => r.recipients ?? 0 }),
    problem: t.field({ type: ProblemRef, nullable: true, resolve: (r) => r.problem ?? null }),
  }),
});

const actor = (login: string | undefined) => login ?? 'api';

builder.mutationField('holdSender', (t) =>
  t.field({
    type: SenderHoldPayload,
    authScopes: { admin: true },
    args: { key: t.arg.string({ required: true }), reason: t.arg.string({ required: true }) },
    resolve: (_r, args, ctx) => attempt(() => ctx.services.anomaly.hold(args.key, args.reason, actor('login' in ctx.viewer ? ctx.viewer.login : undefined))),
  }),
);

builder.mutationField('releaseSender', (t) =>
  t.field({
    type: SenderHoldPayload,
    authScopes: { admin: true },
    args: { key: t.arg.string({ required: true }) },
    resolve: (_r, args, ctx) => attempt(() => ctx.services.anomaly.release(args.key, actor('login' in ctx.viewer ? ctx.viewer.login : undefined))),
  }),
);
