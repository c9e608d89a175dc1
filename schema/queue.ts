// The queue, as postqueue -p shows it and postsuper acts on it: messages with
// their recipients (state, attempts, last reply, MX, TLS), paged by a real
// cursor (the queue id), and retry/hold/release/delete for one message or in
// bulk by filter. Admins and read tokens see everything (read tokens do not
// act); a mail user sees and acts on only the mail they submitted: another
// user's message is NOT_FOUND to them, exactly like one that does not exist.
import type { Reply } from '../relay-core/bounces/index.ts';
import { normalizeSenderPattern } from '../relay-core/auth/index.ts';
import { QueueError, type QueuedMessage, type QueuedRecipient, type QueueFilter, type QueueSelector } from '../relay-core/queue/index.ts';
import { domainOf } from '../relay-core/stats/index.ts';
import { batchLoader } from './batch.ts';
import { builder } from './builder.ts';
import { ownLogin, type ApiContext } from './context.ts';
import { attempt, problem, ProblemRef, type Problem } from './problems.ts';

const RecipientStateRef = builder.enumType('RecipientState', {
  values: ['queued', 'active', 'deferred', 'held', 'delivered', 'bounced', 'expired'] as const,
});

export const SmtpReplyRef = builder.objectRef<Reply>('SmtpReply').implement({
  description: 'A reply: code, enhanced status code (RFC 3463) and text.',
  fields: (t) => ({
    code: t.exposeInt('code'),
    enhanced: t.exposeString('enhanced', { nullable: true }),
    text: t.exposeString('text'),
  }),
});

const QueueRecipientRef = builder.objectRef<QueuedRecipient>('QueueRecipient').implement({
  fields: (t) => ({
    rcptTo: t.exposeString('rcptTo'),
    domain: t.string({ description: 'The destination.', resolve: (r) => domainOf(r.rcptTo) }),
    state: t.expose('state', { type: RecipientStateRef }),
    attempts: t.exposeInt('attempts'),
    nextAttemptAt: t.expose('nextAttemptAt', { type: 'DateTime' }),
    lastAttemptAt: t.expose('lastAttemptAt', { type: 'DateTime', nullable: true }),
    lastReply: t.expose('lastReply', { type: SmtpReplyRef, nullable: true }),
    lastMx: t.exposeString('lastMx', { nullable: true, description: 'The MX host that gave the last reply.' }),
    isLastTls: t.boolean({ nullable: true, description: 'Whether the last attempt ran over TLS.', resolve: (r) => r.lastTls }),
  }),
});

const loadSubject = batchLoader<string | null>((ctx, ids) => ctx.services.queueAdmin.subjectsOf(ids), null);

export const QueueEntryRef = builder.objectRef<QueuedMessage>('QueueEntry').implement({
  description: 'A message in the queue with all its recipients.',
  authScopes: { read: true, user: true },
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The queue id.' }),
    mailFrom: t.exposeString('mailFrom', { description: "Envelope sender; '' is the null sender (DSNs)." }),
    submittedBy: t.exposeString('submittedBy', { nullable: true, description: 'Login of the submitting user; null without AUTH.' }),
    subject: t.string({
      nullable: true,
      description: 'The Subject header, decoded (RFC 2047), one line without control characters, at most 300 characters; null without one. Plain text: never render it as markup.',
      resolve: (m, _a, ctx) => loadSubject(ctx, m.id),
    }),
    sizeBytes: t.exposeInt('sizeBytes'),
    receivedAt: t.expose('receivedAt', { type: 'DateTime' }),
    recipients: t.expose('recipients', { type: [QueueRecipientRef] }),
  }),
});

interface FilterInput {
  state?: QueuedRecipient['state'] | null;
  sender?: string | null;
  submittedBy?: string | null;
  domain?: string | null;
  olderThanMinutes?: number | null;
}

const QueueFilterInput = builder.inputType('QueueFilterInput', {
  description: 'Every condition given must hold. A mail user is always limited to their own mail.',
  fields: (t) => ({
    state: t.field({ type: RecipientStateRef, description: 'A recipient in this state.' }),
    sender: t.string({ description: "The envelope sender (mailFrom), exact; '' is the null sender." }),
    submittedBy: t.string({ description: 'Login of the submitting user.' }),
    domain: t.string({ description: 'A recipient at this destination domain.' }),
    olderThanMinutes: t.int({ description: 'Received more than this many minutes ago.' }),
  }),
});

const MAX_MINUTES = 366 * 24 * 60;
const QUEUE_ID = /^[0-9A-F]{12,40}$/;
const CONTROL = /[\x00-\x1f\x7f-\x9f\u2028\u2029]/;

function invalid(message: string): QueueError {
  return new QueueError(message);
}

/** A one-line string of at most `max` characters, or a QueueError. */
function line(value: string, what: string, max: number): string {
  if (value.length > max) throw invalid(`${what} is longer than ${max} characters`);
  if (CONTROL.test(value)) throw invalid(`${what} must be one line without control characters`);
  return value.trim();
}

/**
 * The service filter for what was asked, limited to the viewer's own mail;
 * null when a mail user asked for someone else's (nothing matches). Throws
 * QueueError for bad input.
 */
function filterFor(input: FilterInput | null | undefined, own: string | null): QueueFilter | null {
  const filter: QueueFilter = {};
  if (input?.state != null) filter.state = input.state;
  if (input?.sender != null) {
    const sender = line(input.sender, 'sender', 254);
    const normalized = sender === '' ? '' : normalizeSenderPattern(sender);
    if (normalized === null || normalized.startsWith('@')) throw invalid('sender must be one address (user@example.org), or empty for the null sender');
    filter.sender = normalized;
  }
  if (input?.domain != null) {
    const domain = normalizeSenderPattern(`@${line(input.domain, 'domain', 253)}`);
    if (domain === null) throw invalid('domain must be a domain name like example.org');
    filter.domain = domain.slice(1);
  }
  if (input?.olderThanMinutes != null) {
    const minutes = input.olderThanMinutes;
    if (minutes < 0 || minutes > MAX_MINUTES) throw invalid(`olderThanMinutes must be from 0 to ${MAX_MINUTES}`);
    filter.olderThanMs = minutes * 60_000;
  }
  if (input?.submittedBy != null) filter.submittedBy = line(input.submittedBy, 'submittedBy', 128).toLowerCase();
  if (own !== null) {
    if (filter.submittedBy !== undefined && filter.submittedBy !== own) return null;
    filter.submittedBy = own;
  }
  return filter;
}

function queueId(id: string | number): string {
  const upper = line(String(id), 'the queue id', 64).toUpperCase();
  if (!QUEUE_ID.test(upper)) throw invalid('bad queue id: 12 to 40 hexadecimal digits, as the queue shows it');
  return upper;
}

interface QueuePage {
  edges: { cursor: string; node: QueuedMessage }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  problem: Problem | null;
}

const DEFAULT_PAGE = 50;
const MAX_PAGE = 200;

function pageOf(messages: QueuedMessage[], size: number, after: string | undefined): QueuePage {
  const edges = messages.slice(0, size).map((node) => ({ cursor: node.id, node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: messages.length > size,
      hasPreviousPage: after !== undefined,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    problem: null,
  };
}

const emptyPage = (found: { problem: Problem } | null = null): QueuePage => ({
  ...pageOf([], 0, undefined),
  problem: found?.problem ?? null,
});

builder.queryField('queueEntries', (t) =>
  t.connection(
    {
      type: QueueEntryRef,
      authScopes: { read: true, user: true },
      description: `The queue, oldest first, paged forward by queue id (first, at most ${MAX_PAGE}, and after). A mail user sees only their own mail.`,
      args: { filter: t.arg({ type: QueueFilterInput }) },
      resolve: async (_r, args, ctx): Promise<QueuePage> => {
        if (args.last != null || args.before != null) return emptyPage(problem('INVALID_INPUT', 'the queue pages forward only: use first and after'));
        if (args.first != null && args.first < 0) return emptyPage(problem('INVALID_INPUT', 'first must be 0 or more'));
        const result = await attempt(async (): Promise<QueuePage> => {
          const filter = filterFor(args.filter, ownLogin(ctx.viewer));
          if (filter === null) return emptyPage();
          const after = args.after == null ? undefined : queueId(args.after);
          const size = Math.min(args.first ?? DEFAULT_PAGE, MAX_PAGE);
          // One more than asked tells whether there is a next page.
          const messages = await ctx.services.queueAdmin.list({ ...filter, limit: size + 1, ...(after === undefined ? {} : { after }) });
          return pageOf(messages, size, after);
        });
        return 'edges' in result ? result : emptyPage(result);
      },
    },
    { name: 'QueueEntryConnection', fields: (c) => ({ problem: c.field({ type: ProblemRef, nullable: true, resolve: (page) => page.problem }) }) },
    { name: 'QueueEntryEdge' },
  ),
);

/** The message when it exists and the viewer may see it; null otherwise (another user's mail is not found). */
async function findEntry(ctx: ApiContext, id: string): Promise<QueuedMessage | null> {
  const own = ownLogin(ctx.viewer);
  const [entry] = await ctx.services.queueAdmin.list({ messageId: id, ...(own === null ? {} : { submittedBy: own }), limit: 1 });
  return entry ?? null;
}

interface EntryResult {
  entry?: QueuedMessage | null;
  problem?: Problem;
}

const QueueEntryResultRef = builder.objectRef<EntryResult>('QueueEntryResult').implement({
  fields: (t) => ({
    entry: t.field({ type: QueueEntryRef, nullable: true, resolve: (r) => r.entry ?? null }),
    problem: t.field({ type: ProblemRef, nullable: true, resolve: (r) => r.problem ?? null }),
  }),
});

builder.queryField('queueEntry', (t) =>
  t.field({
    type: QueueEntryResultRef,
    authScopes: { read: true, user: true },
    description: 'One message by queue id; NOT_FOUND when it is gone or not the mail user\'s own.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, args, ctx) =>
      attempt(async () => {
        const entry = await findEntry(ctx, queueId(args.id));
        return entry ? { entry } : problem('NOT_FOUND', 'no such message in the queue');
      }),
  }),
);

type Action = 'retry' | 'hold' | 'release' | 'remove';

interface ActionResult {
  entry?: QueuedMessage | null;
  recipientsAffected?: number;
  messagesDeleted?: number;
  problem?: Problem;
}

const QueueActionPayloadRef = builder.objectRef<ActionResult>('QueueActionPayload').implement({
  description: 'What a queue action did: recipients retried, held or released, or messages deleted.',
  fields: (t) => ({
    entry: t.field({ type: QueueEntryRef, nullable: true, description: 'The message afterwards (one-message actions; null once deleted).', resolve: (r) => r.entry ?? null }),
    recipientsAffected: t.int({ resolve: (r) => r.recipientsAffected ?? 0 }),
    messagesDeleted: t.int({ resolve: (r) => r.messagesDeleted ?? 0 }),
    problem: t.field({ type: ProblemRef, nullable: true, resolve: (r) => r.problem ?? null }),
  }),
});

async function act(ctx: ApiContext, action: Action, selector: QueueSelector): Promise<ActionResult> {
  const count = await ctx.services.queueAdmin[action](selector);
  return action === 'remove' ? { messagesDeleted: count } : { recipientsAffected: count };
}

/** Acts on one message the viewer may see; NOT_FOUND otherwise, whoever's it is. */
function actOnOne(ctx: ApiContext, action: Action, rawId: string | number): Promise<ActionResult> {
  return attempt(async () => {
    const id = queueId(rawId);
    if (!(await findEntry(ctx, id))) return problem('NOT_FOUND', 'no such message in the queue');
    const own = ownLogin(ctx.viewer);
    // The owner is part of the selector too, not only of the check above.
    const result = await act(ctx, action, own === null ? { messageId: id } : { filter: { messageId: id, submittedBy: own } });
    return { ...result, entry: action === 'remove' ? null : await findEntry(ctx, id) };
  });
}

/** Acts on every message the filter matches, within the viewer's own mail. */
function actOnMany(ctx: ApiContext, action: Action, input: FilterInput): Promise<ActionResult> {
  return attempt(async () => {
    const given = Object.values(input).filter((v) => v != null).length;
    // An empty filter would be "the whole queue": too easy to send by mistake.
    if (given === 0) return problem('INVALID_INPUT', 'give at least one condition in the filter');
    const filter = filterFor(input, ownLogin(ctx.viewer));
    if (filter === null) return action === 'remove' ? { messagesDeleted: 0 } : { recipientsAffected: 0 };
    return act(ctx, action, { filter });
  });
}

const ACTIONS: { verb: string; action: Action; what: string }[] = [
  { verb: 'retry', action: 'retry', what: 'Makes queued and deferred recipients due now (postqueue -i).' },
  { verb: 'hold', action: 'hold', what: 'Puts queued and deferred recipients on hold (postsuper -h).' },
  { verb: 'release', action: 'release', what: 'Takes held recipients off hold, due now (postsuper -H).' },
  { verb: 'delete', action: 'remove', what: 'Deletes messages with all their recipients, without DSN (postsuper -d).' },
];

for (const { verb, action, what } of ACTIONS) {
  builder.mutationField(`${verb}Message`, (t) =>
    t.field({
      type: QueueActionPayloadRef,
      authScopes: { admin: true, user: true },
      description: `${what} One message; a mail user, only their own.`,
      args: { id: t.arg.id({ required: true }) },
      resolve: (_r, args, ctx) => actOnOne(ctx, action, args.id),
    }),
  );
  builder.mutationField(`${verb}Messages`, (t) =>
    t.field({
      type: QueueActionPayloadRef,
      authScopes: { admin: true, user: true },
      description: `${what} Every message the filter matches (at least one condition); a mail user, only their own.`,
      args: { filter: t.arg({ type: QueueFilterInput, required: true }) },
      resolve: (_r, args, ctx) => actOnMany(ctx, action, args.filter),
    }),
  );
}
