// What the relay knows of one recipient, looked up by address: the address
// is hashed with the relay's key (SuppressionService.check), because nothing
// stores recipients in plaintext; then its suppressions, bounce evidence,
// outcomes by category, last success, and the attempt log by that hash.
// Admins and read tokens only: it is about recipients, not a sender's data.
import type { SuppressionCheck } from '../relay-core/policy/index.ts';
import type { AttemptRecord } from '../relay-core/stats/index.ts';
import { builder } from './builder.ts';
import { attempt, ProblemRef, type Problem } from './problems.ts';
import { SuppressionRef } from './suppressions.ts';

// The attempt log grows with every try: the timeline shows the most recent ones.
const MAX_ATTEMPTS = 200;


interface History {
  check?: SuppressionCheck;
  attempts?: AttemptRecord[];
  problem?: Problem;
}

const AttemptRecordRef = builder.objectRef<AttemptRecord>('AttemptRecord').implement({
  description: 'One delivery attempt to the recipient, as the attempt log keeps it (the reply text without the address).',
  fields: (t) => ({
    at: t.expose('at', { type: 'DateTime' }),
    outcome: t.exposeString('outcome', { description: 'delivered, deferred, bounced or expired.' }),
    category: t.exposeString('category', { nullable: true, description: 'What the reply meant (invalid-recipient, mailbox-full, policy-block…).' }),
    domain: t.exposeString('domain'),
    mx: t.exposeString('mx', { nullable: true }),
    isTls: t.exposeBoolean('isTls', { nullable: true }),
    code: t.exposeInt('code', { nullable: true }),
    enhanced: t.exposeString('enhanced', { nullable: true }),
    text: t.exposeString('text', { nullable: true }),
  }),
});

const EvidenceRef = builder.objectRef<SuppressionCheck['evidence'][number]>('BounceEvidence').implement({
  fields: (t) => ({
    kind: t.exposeString('kind', { description: 'hard, soft or complaint.' }),
    category: t.exposeString('category'),
    count: t.exposeInt('count'),
    lastAt: t.expose('lastAt', { type: 'DateTime' }),
  }),
});

const OutcomeCountRef = builder.objectRef<SuppressionCheck['outcomes'][number]>('OutcomeCount').implement({
  fields: (t) => ({
    outcome: t.exposeString('outcome'),
    category: t.exposeString('category'),
    count: t.exposeInt('count'),
  }),
});

const BounceHistoryRef = builder.objectRef<History>('BounceHistory').implement({
  authScopes: { read: true },
  fields: (t) => ({
    recipientHash: t.string({ nullable: true, resolve: (h) => h.check?.recipientHash ?? null }),
    suppressions: t.field({ type: [SuppressionRef], description: 'Active entries, every scope.', resolve: (h) => h.check?.entries ?? [] }),
    evidence: t.field({ type: [EvidenceRef], description: 'Bounce and complaint evidence still counted.', resolve: (h) => h.check?.evidence ?? [] }),
    outcomes: t.field({ type: [OutcomeCountRef], description: 'Failed outcomes by category, all time.', resolve: (h) => h.check?.outcomes ?? [] }),
    lastSuccessOn: t.field({ type: 'DateTime', nullable: true, description: 'The day of the last delivery.', resolve: (h) => h.check?.lastSuccessOn ?? null }),
    attempts: t.field({ type: [AttemptRecordRef], description: `The last ${MAX_ATTEMPTS} attempts, newest first.`, resolve: (h) => h.attempts ?? [] }),
    problem: t.field({ type: ProblemRef, nullable: true, resolve: (h) => h.problem ?? null }),
  }),
});

builder.queryField('bounceHistory', (t) =>
  t.field({
    type: BounceHistoryRef,
    authScopes: { read: true },
    description: 'What the relay knows of one recipient address (or hash:<hex>). INVALID_INPUT for a malformed address.',
    args: { address: t.arg.string({ required: true }) },
    resolve: (_r, args, ctx) =>
      attempt(async (): Promise<History> => {
        const check = await ctx.services.suppressions.check(args.address);
        return { check, attempts: await ctx.services.stats.attemptsOf(check.recipientHash, MAX_ATTEMPTS) };
      }),
  }),
);
