// Federation level 1 (relay-core/federation, docs/federation.md): the peers an
// admin trusts, the signed events this relay holds (its own and those pulled
// from peers, each with its origin's signature untouched), and the verdicts
// local rules draw from them. Addresses appear only as federation hashes
// (scheme f1, keyed by the network key); no row names a sender.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261128160000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table federation_peer (
      id serial primary key,
      name text not null unique,
      url text not null,
      public_key text not null unique,
      weight double precision not null check (weight >= 0 and weight <= 10),
      is_transitive boolean not null default false,
      tls_fingerprint text,
      feed_cursor text,
      created_at timestamptz not null default now(),
      last_attempt_at timestamptz,
      last_success_at timestamptz,
      last_error text,
      failures integer not null default 0,
      next_attempt_at timestamptz,
      events_received bigint not null default 0,
      events_rejected bigint not null default 0,
      newest_event_at timestamptz)`);
    this.addSql(`create table federation_rejection (
      peer_id integer not null references federation_peer (id) on delete cascade,
      reason text not null,
      count bigint not null default 0,
      last_at timestamptz not null,
      primary key (peer_id, reason))`);
    // id orders the feed this relay serves; (origin, seq) identifies an event
    // wherever it travels, so one arriving by two paths is stored once.
    // via: the peers that served it (empty for this relay's own events).
    this.addSql(`create table federation_event (
      id bigserial primary key,
      origin text not null,
      seq bigint not null,
      kind text not null,
      addr text not null,
      code text not null,
      observed_at timestamptz not null,
      body text not null,
      hops integer not null,
      via integer[] not null default '{}',
      received_at timestamptz not null default now(),
      unique (origin, seq))`);
    this.addSql('create index federation_event_addr_idx on federation_event (addr)');
    this.addSql('create index federation_event_origin_received_idx on federation_event (origin, received_at)');
    // Sequence numbers of this relay's own events start from the clock, so a
    // relay whose database was reset never reuses a number its peers have seen.
    this.addSql('create sequence federation_own_seq');
    this.addSql("select setval('federation_own_seq', (extract(epoch from clock_timestamp()) * 1000)::bigint * 1000)");
    this.addSql(`create table federation_verdict (
      addr text primary key,
      kind text not null,
      weight double precision not null,
      origins integer not null,
      since timestamptz not null,
      updated_at timestamptz not null default now())`);
    // The last local successful delivery to an address others made claims
    // about: it overrides their older claims.
    this.addSql(`create table federation_local_success (
      addr text primary key,
      at timestamptz not null)`);
  }
}
