// Federation level 1 (docs/federation.md): this relay's identity, its peers
// and their health, the feed of signed events (read by peers, whose requests
// are signed with their key, and by admins), the federated status of an
// address (hashed here, never stored) and the rules' settings.
import { PothosValidationError } from '@pothos/core';
import type { AddressStatus, FederationSettings, Peer, PeerRejection, SyncResult, Verdict, Whoami } from '../relay-core/federation/index.ts';
import { builder } from './builder.ts';
import { attempt, ProblemRef, type Problem } from './problems.ts';

const IdentityRef = builder.objectRef<Whoami>('FederationIdentity').implement({
  description: 'What a peer needs to trust this relay: `peer add NAME --url URL --key ID --tls-fingerprint FP` on its side.',
  fields: (t) => ({
    id: t.exposeString('id', { description: 'The relay id: its ed25519 public key, base64url.' }),
    name: t.exposeString('name'),
    url: t.exposeString('url', { description: 'RELAIS_PUBLIC_URL; empty when not set.' }),
    tlsFingerprint: t.exposeString('tlsFingerprint', { description: 'SHA-256 of the HTTPS certificate, for peers to pin.' }),
    isEnabled: t.exposeBoolean('isEnabled', { description: 'False without RELAIS_FEDERATION_NETWORK_KEY.' }),
    networkKeyCheck: t.exposeString('networkKeyCheck', { nullable: true, description: 'Relays sharing the network key show the same value.' }),
  }),
});

const RejectionRef = builder.objectRef<PeerRejection>('PeerRejection').implement({
  fields: (t) => ({
    reason: t.exposeString('reason', { description: 'format:…, not-transitive, hop-limit, too-old, future, duplicate, bad-signature, rate-cap.' }),
    count: t.exposeInt('count'),
    lastAt: t.expose('lastAt', { type: 'DateTime' }),
  }),
});

const PeerRef = builder.objectRef<Peer>('Peer').implement({
  authScopes: { read: true },
  fields: (t) => ({
    name: t.exposeString('name'),
    url: t.exposeString('url'),
    publicKey: t.exposeString('publicKey'),
    weight: t.exposeFloat('weight'),
    isTransitive: t.exposeBoolean('isTransitive', { description: 'Events of relays we never met, served by this peer, are accepted (at a lower weight).' }),
    tlsFingerprint: t.exposeString('tlsFingerprint', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    cursor: t.exposeString('cursor', { nullable: true, description: 'Feed position committed so far.' }),
    lastAttemptAt: t.field({ type: 'DateTime', nullable: true, resolve: (p) => p.health.lastAttemptAt }),
    lastSuccessAt: t.field({ type: 'DateTime', nullable: true, resolve: (p) => p.health.lastSuccessAt }),
    lagSeconds: t.int({ nullable: true, description: 'Seconds since the last successful pull.', resolve: (p) => (p.health.lastSuccessAt ? Math.round((Date.now() - p.health.lastSuccessAt.getTime()) / 1000) : null) }),
    lastError: t.string({ nullable: true, resolve: (p) => p.health.lastError }),
    failures: t.int({ resolve: (p) => p.health.failures }),
    nextAttemptAt: t.field({ type: 'DateTime', nullable: true, resolve: (p) => p.health.nextAttemptAt }),
    eventsReceived: t.float({ resolve: (p) => p.health.eventsReceived }),
    eventsRejected: t.float({ resolve: (p) => p.health.eventsRejected }),
    newestEventAt: t.field({ type: 'DateTime', nullable: true, resolve: (p) => p.health.newestEventAt }),
    rejections: t.field({ type: [RejectionRef], resolve: (p) => p.health.rejections }),
  }),
});

builder.queryField('federationIdentity', (t) =>
  t.field({ type: IdentityRef, authScopes: { read: true }, resolve: (_r, _a, ctx) => ctx.services.federation.whoami() }));

builder.queryField('peers', (t) =>
  t.field({ type: [PeerRef], authScopes: { read: true }, description: 'Every peer with its health.', resolve: (_r, _a, ctx) => ctx.services.federation.peers.list() }));

interface PeerResult { peer?: Peer; forgotten?: number; problem?: Problem }

const PeerPayload = builder.objectRef<PeerResult>('PeerPayload').implement({
  fields: (t) => ({
    peer: t.field({ type: PeerRef, nullable: true, resolve: (r) => r.peer ?? null }),
    forgotten: t.int({ nullable: true, description: 'On removal: addresses whose only evidence came through this peer.', resolve: (r) => r.forgotten ?? null }),
    problem: t.field({ type: ProblemRef, nullable: true, resolve: (r) => r.problem ?? null }),
  }),
});

builder.mutationField('addPeer', (t) =>
  t.field({
    type: PeerPayload,
    authScopes: { admin: true },
    description: 'Trusts a relay (it must trust this one too to pull from it). CONFLICT when the name or key is a peer already.',
    args: {
      name: t.arg.string({ required: true }),
      url: t.arg.string({ required: true, description: 'https://host[:port] of the peer (its RELAIS_PUBLIC_URL).' }),
      key: t.arg.string({ required: true, description: 'The id its `relais federation whoami` prints.' }),
      weight: t.arg.float({ description: 'Above 0, at most 10; default 1.' }),
      isTransitive: t.arg.boolean({ description: 'Accept events it serves from relays we never met.' }),
      tlsFingerprint: t.arg.string({ description: 'Pins a self-signed certificate; otherwise system CAs verify it.' }),
    },
    resolve: (_r, args, ctx) => attempt(async () => ({
      peer: await ctx.services.federation.addPeer({
        name: args.name, url: args.url, key: args.key, isTransitive: args.isTransitive ?? false, tlsFingerprint: args.tlsFingerprint ?? null,
        ...(args.weight == null ? {} : { weight: args.weight }),
      }),
    })),
  }),
);

builder.mutationField('removePeer', (t) =>
  t.field({
    type: PeerPayload,
    authScopes: { admin: true },
    description: 'Stops trusting a peer: what only it told us is forgotten and every address judged again.',
    args: { name: t.arg.string({ required: true }) },
    resolve: (_r, args, ctx) => attempt(async () => ctx.services.federation.removePeer(args.name)),
  }),
);

const SyncResultRef = builder.objectRef<SyncResult>('PeerSyncResult').implement({
  fields: (t) => ({
    peer: t.exposeString('peer'),
    ok: t.exposeBoolean('ok'),
    pages: t.exposeInt('pages'),
    accepted: t.exposeInt('accepted'),
    rejected: t.exposeInt('rejected'),
    error: t.exposeString('error', { nullable: true }),
  }),
});

const SyncPayload = builder.objectRef<{ results?: SyncResult[]; problem?: Problem }>('SyncPeersPayload').implement({
  fields: (t) => ({
    results: t.field({ type: [SyncResultRef], resolve: (r) => r.results ?? [] }),
    problem: t.field({ type: ProblemRef, nullable: true, resolve: (r) => r.problem ?? null }),
  }),
});

builder.mutationField('syncPeers', (t) =>
  t.field({
    type: SyncPayload,
    authScopes: { admin: true },
    description: 'Pulls one peer (or all) now, whatever the schedule.',
    args: { name: t.arg.string() },
    resolve: (_r, args, ctx) => attempt(async () => ({ results: await ctx.services.federation.syncNow(args.name ?? undefined) })),
  }),
);

interface FeedItem { hops: number; event: string }

const FeedItemRef = builder.objectRef<FeedItem>('FederatedEvent').implement({
  description: 'One signed event (docs/federation.md), exactly as its origin signed it.',
  fields: (t) => ({
    event: t.exposeString('event', { description: 'The signed event: JSON with v, origin, seq, kind, addr, code, at, sig.' }),
    hops: t.exposeInt('hops', { description: '0: this relay\'s own event; 1: a peer\'s; and so on.' }),
  }),
});

builder.queryField('federationFeed', (t) =>
  t.connection(
    {
      type: FeedItemRef,
      authScopes: { peer: true, read: true },
      description: 'Everything this relay holds since a cursor, oldest first, pages of at most 1000. Peers sign their requests (docs/federation.md).',
      resolve: async (_r, args, ctx) => {
        if (args.before != null || args.last != null) throw new PothosValidationError('the feed pages forward only: use after and first');
        const page = await ctx.services.federation.feed(args.after ?? null, args.first ?? 100).catch((err: Error) => {
          throw new PothosValidationError(err.message);
        });
        return {
          edges: page.edges.map((e) => ({ cursor: e.cursor, node: { hops: e.hops, event: e.event } })),
          pageInfo: { hasNextPage: page.hasNextPage, hasPreviousPage: false, startCursor: page.edges[0]?.cursor ?? null, endCursor: page.edges.at(-1)?.cursor ?? null },
        };
      },
    },
    { name: 'FederatedEventConnection' },
    { name: 'FederatedEventEdge' },
  ),
);

const VerdictRef = builder.objectRef<Verdict>('FederatedVerdict').implement({
  fields: (t) => ({
    kind: t.exposeString('kind', { description: 'hard_bounce, soft_bounce or complaint: the rule that was met.' }),
    weight: t.exposeFloat('weight'),
    origins: t.exposeInt('origins'),
    since: t.expose('since', { type: 'DateTime' }),
  }),
});

type Status = AddressStatus & { addr: string };

const TallyRef = builder.objectRef<{ kind: string; weight: number; origins: number }>('FederatedTally').implement({
  fields: (t) => ({ kind: t.exposeString('kind'), weight: t.exposeFloat('weight'), origins: t.exposeInt('origins') }),
});

const OriginRef = builder.objectRef<{ origin: string; weight: number; events: number }>('FederatedOrigin').implement({
  fields: (t) => ({ origin: t.exposeString('origin'), weight: t.exposeFloat('weight'), events: t.exposeInt('events') }),
});

const StatusRef = builder.objectRef<{ status?: Status; problem?: Problem }>('FederatedStatus').implement({
  fields: (t) => ({
    addr: t.string({ nullable: true, description: 'The federation hash of the address (f1:…).', resolve: (r) => r.status?.addr ?? null }),
    verdict: t.field({ type: VerdictRef, nullable: true, description: 'Null: not suppressed by federated evidence.', resolve: (r) => r.status?.verdict ?? null }),
    tallies: t.field({
      type: [TallyRef],
      description: 'Evidence that counts today, per kind.',
      resolve: (r) => Object.entries(r.status?.tallies ?? {}).map(([kind, v]) => ({ kind, weight: v.weight, origins: v.origins })),
    }),
    origins: t.field({ type: [OriginRef], resolve: (r) => r.status?.origins ?? [] }),
    localSuccessAt: t.field({ type: 'DateTime', nullable: true, resolve: (r) => r.status?.localSuccessAt ?? null }),
    problem: t.field({ type: ProblemRef, nullable: true, resolve: (r) => r.problem ?? null }),
  }),
});

builder.queryField('federatedStatus', (t) =>
  t.field({
    type: StatusRef,
    authScopes: { read: true },
    description: 'What federated evidence says about an address, hashed here: the address is neither stored nor sent.',
    args: { address: t.arg.string({ required: true }) },
    resolve: (_r, args, ctx) => attempt(async () => ({ status: await ctx.services.federation.status(args.address) })),
  }),
);

const SettingsRef = builder.objectRef<FederationSettings>('FederationSettings').implement({
  description: 'The local rules (RELAIS_FEDERATION_* settings); each relay sets its own.',
  fields: (t) => ({
    minOrigins: t.exposeInt('minOrigins'),
    hardWeight: t.exposeFloat('hardWeight'),
    softBounces: t.exposeFloat('softBounces'),
    softWindowDays: t.exposeInt('softWindowDays'),
    complaintWeight: t.exposeFloat('complaintWeight'),
    localWeight: t.exposeFloat('localWeight'),
    transitiveFactor: t.exposeFloat('transitiveFactor'),
    maxHops: t.exposeInt('maxHops'),
    maxAgeDays: t.exposeInt('maxAgeDays'),
    originDailyCap: t.exposeInt('originDailyCap'),
    syncIntervalSeconds: t.exposeInt('syncIntervalSeconds'),
  }),
});

builder.queryField('federationSettings', (t) =>
  t.field({ type: SettingsRef, authScopes: { read: true }, resolve: (_r, _a, ctx) => ctx.services.federation.settings }));
