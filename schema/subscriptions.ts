// Live feeds: delivery outcomes (a mail user sees only their own), alerts
// (admins and readers), and queue counters every few seconds.
import type { RelayEvent } from '../relay-core/events/index.ts';
import { builder } from './builder.ts';
import { ownLogin } from './context.ts';
import { eventStream, every } from './event-stream.ts';

interface DeliveryEvent {
  outcome: string;
  domain: string;
  code: number | null;
  enhanced: string | null;
  category: string | null;
  at: Date;
}

const DeliveryEventRef = builder.objectRef<DeliveryEvent>('DeliveryEvent').implement({
  description: 'One recipient outcome. Names the destination domain, never an address.',
  fields: (t) => ({
    outcome: t.exposeString('outcome', { description: 'delivered, deferred, bounced or expired' }),
    domain: t.exposeString('domain'),
    code: t.exposeInt('code', { nullable: true }),
    enhanced: t.exposeString('enhanced', { nullable: true }),
    category: t.exposeString('category', { nullable: true }),
    at: t.expose('at', { type: 'DateTime' }),
  }),
});

const OUTCOMES = new Set(['recipient.delivered', 'recipient.deferred', 'recipient.bounced', 'recipient.expired']);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

builder.subscriptionField('deliveryEvents', (t) =>
  t.field({
    type: DeliveryEventRef,
    authScopes: { read: true, user: true },
    subscribe: (_r, _a, ctx) => {
      const only = ownLogin(ctx.viewer);
      return eventStream(ctx.services.events, (e: RelayEvent): DeliveryEvent | null => {
        if (!OUTCOMES.has(e.type)) return null;
        if (only !== null && e.payload.login !== only) return null;
        return {
          outcome: e.type.slice('recipient.'.length),
          domain: str(e.payload.domain) ?? '',
          code: typeof e.payload.code === 'number' ? e.payload.code : null,
          enhanced: str(e.payload.enhanced),
          category: str(e.payload.category),
          at: new Date(),
        };
      });
    },
    resolve: (event) => event,
  }),
);

interface AlertEvent {
  alertId: string;
  kind: string;
  subject: string;
  at: Date;
}

const AlertEventRef = builder.objectRef<AlertEvent>('AlertEvent').implement({
  fields: (t) => ({
    alertId: t.exposeID('alertId'),
    kind: t.exposeString('kind', { description: 'policy-block, complaint, spike' }),
    subject: t.exposeString('subject', { description: 'The destination domain, or the sender, it is about.' }),
    at: t.expose('at', { type: 'DateTime' }),
  }),
});

builder.subscriptionField('alerts', (t) =>
  t.field({
    type: AlertEventRef,
    authScopes: { read: true },
    subscribe: (_r, _a, ctx) =>
      eventStream(ctx.services.events, (e): AlertEvent | null =>
        e.type === 'alert.raised'
          ? { alertId: String(e.payload.alertId), kind: str(e.payload.kind) ?? 'other', subject: str(e.payload.subject) ?? '', at: new Date() }
          : null),
    resolve: (event) => event,
  }),
);

interface QueueStats {
  queued: number;
  active: number;
  deferred: number;
  held: number;
  at: Date;
}

const QueueStatsRef = builder.objectRef<QueueStats>('QueueStats').implement({
  description: 'Recipients waiting in the queue, by state.',
  fields: (t) => ({
    queued: t.exposeInt('queued'),
    active: t.exposeInt('active'),
    deferred: t.exposeInt('deferred'),
    held: t.exposeInt('held'),
    at: t.expose('at', { type: 'DateTime' }),
  }),
});

builder.subscriptionField('queueStats', (t) =>
  t.field({
    type: QueueStatsRef,
    authScopes: { read: true, user: true },
    args: { intervalSeconds: t.arg.int({ required: false, description: 'Between updates: 2 to 60, default 5.' }) },
    subscribe: (_r, args, ctx) => {
      const interval = Math.min(60, Math.max(2, args.intervalSeconds ?? 5)) * 1000;
      const only = ownLogin(ctx.viewer);
      return every(interval, async (): Promise<QueueStats> => ({
        ...(await ctx.services.queueAdmin.countByState(only ?? undefined)),
        at: new Date(),
      }));
    },
    resolve: (stats) => stats,
  }),
);
