// MX lookup as a value, never an exception: the hosts to try in order, or the
// reason there are none, already phrased as the reply a recipient will carry.
// RFC 5321 §5.1: MX records sorted by preference (equal ones in random order),
// no MX record at all means the domain itself is the host (implicit MX);
// RFC 7505: a lone `MX 0 .` means the domain accepts no mail.
import { Resolver } from 'node:dns/promises';
import { localReply, type Reply } from '../bounces/index.ts';
import type { HostPort } from '../config/index.ts';

export interface MxHost {
  /** The MX name (or the domain itself for an implicit MX). */
  name: string;
  preference: number;
  /**
   * IPv4 addresses first, then IPv6: a small provider's IPv6 often lacks the
   * reverse DNS and SPF set-up receivers check, so v4 is the safer first try.
   */
  addresses: string[];
}

/**
 * - `hosts`: MX hosts with at least one address, most preferred first.
 * - `permanent`: the domain cannot receive mail (NXDOMAIN, null MX, no address at all); bounce.
 * - `temporary`: DNS trouble (SERVFAIL, timeout, refused, MX without address); defer.
 */
export type MxResult =
  | { kind: 'hosts'; hosts: MxHost[] }
  | { kind: 'permanent'; reply: Reply }
  | { kind: 'temporary'; reply: Reply };

/**
 * Addresses of one name, or why there are none.
 * - `addresses`: A records first, then AAAA.
 * - `permanent`: the name does not exist or has neither A nor AAAA.
 * - `temporary`: a lookup failed and nothing else answered.
 */
export type AddressResult =
  | { kind: 'addresses'; addresses: string[] }
  | { kind: 'permanent'; reply: Reply }
  | { kind: 'temporary'; reply: Reply };

export interface MxResolverOptions {
  /** Resolvers to ask; empty: the system resolver. */
  servers: HostPort[];
  /** Time allowed for one query. */
  timeoutMs: number;
  /** For shuffling equal preferences; Math.random by default. */
  random?: () => number;
}

/** DNS error codes (node:dns) that mean "ask again later". */
const TEMPORARY_LABELS: Record<string, string> = {
  ESERVFAIL: 'SERVFAIL',
  ETIMEOUT: 'timed out',
  ECONNREFUSED: 'resolver refused the connection',
  EREFUSED: 'REFUSED',
  ECANCELLED: 'cancelled',
  EBADRESP: 'bad response',
  ECONNRESET: 'connection reset',
  EFORMERR: 'FORMERR',
  ENOTIMP: 'NOTIMP',
};

function dnsFailure(err: unknown, name: string, type: string): Reply {
  const code = (err as { code?: string }).code ?? 'unknown';
  const what = TEMPORARY_LABELS[code] ?? code;
  return localReply(451, '4.4.3', `DNS lookup failed (${what}) for ${name} ${type}`);
}

function hostPortString({ host, port }: HostPort): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

export class MxResolver {
  readonly #resolver: Resolver;
  readonly #random: () => number;

  constructor(options: MxResolverOptions) {
    // One try per query so `timeoutMs` is the whole wait: a destination whose
    // DNS does not answer is deferred and retried on the queue's schedule.
    this.#resolver = new Resolver({ timeout: options.timeoutMs, tries: 1 });
    if (options.servers.length) this.#resolver.setServers(options.servers.map(hostPortString));
    this.#random = options.random ?? Math.random;
  }

  async resolve(domain: string): Promise<MxResult> {
    let records: { exchange: string; priority: number }[];
    try {
      records = await this.#resolver.resolveMx(domain);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'ENOTFOUND') return { kind: 'permanent', reply: localReply(550, '5.1.2', `Domain ${domain} does not exist`) };
      if (code === 'ENODATA') return this.#implicitMx(domain);
      return { kind: 'temporary', reply: dnsFailure(err, domain, 'MX') };
    }
    // RFC 7505 §3: a domain with a null MX publishes no other MX; one that does
    // anyway has its "." entry ignored (nothing can be delivered to the root).
    const real = records.filter((r) => r.exchange !== '' && r.exchange !== '.');
    if (real.length === 0 && records.length > 0) {
      return { kind: 'permanent', reply: localReply(556, '5.1.10', `Domain ${domain} accepts no mail (null MX)`) };
    }
    if (real.length === 0) return this.#implicitMx(domain);

    const ordered = this.#sortByPreference(real);
    const resolved = await Promise.all(ordered.map(async (r) => ({ record: r, result: await this.resolveAddresses(r.exchange) })));
    const hosts: MxHost[] = [];
    let lastProblem: Reply | null = null;
    for (const { record, result } of resolved) {
      if (result.kind === 'addresses') hosts.push({ name: record.exchange, preference: record.priority, addresses: result.addresses });
      else lastProblem = result.reply;
    }
    if (hosts.length) return { kind: 'hosts', hosts };
    // MX hosts without any address are a broken zone more often than a final
    // state (a renumbering in progress): defer, never bounce.
    const detail = lastProblem ? `: ${lastProblem.text}` : '';
    return { kind: 'temporary', reply: localReply(451, '4.4.3', `No MX host of ${domain} has an address${detail}`) };
  }

  /** A and AAAA of one name, asked together. */
  async resolveAddresses(name: string): Promise<AddressResult> {
    const [v4, v6] = await Promise.allSettled([this.#resolver.resolve4(name), this.#resolver.resolve6(name)]);
    const addresses: string[] = [];
    let nxdomain = 0;
    let temporary: Reply | null = null;
    for (const [result, type] of [[v4, 'A'], [v6, 'AAAA']] as const) {
      if (result.status === 'fulfilled') addresses.push(...result.value);
      else if ((result.reason as { code?: string }).code === 'ENOTFOUND') nxdomain++;
      else if ((result.reason as { code?: string }).code !== 'ENODATA') temporary = dnsFailure(result.reason, name, type);
    }
    // One family answering is enough to try; the other one's trouble only
    // matters when it leaves nothing to connect to.
    if (addresses.length === 0 && temporary) return { kind: 'temporary', reply: temporary };
    if (addresses.length) return { kind: 'addresses', addresses };
    if (nxdomain === 2) return { kind: 'permanent', reply: localReply(550, '5.1.2', `Host ${name} does not exist`) };
    return { kind: 'permanent', reply: localReply(550, '5.1.2', `Host ${name} has no A or AAAA record`) };
  }

  async #implicitMx(domain: string): Promise<MxResult> {
    // RFC 5321 §5.1: without MX records the domain is its own mail host; without
    // an address either, the mail cannot be delivered at all.
    const result = await this.resolveAddresses(domain);
    if (result.kind !== 'addresses') {
      if (result.kind === 'temporary') return result;
      return { kind: 'permanent', reply: localReply(550, '5.1.2', `Domain ${domain} has no MX, A or AAAA record`) };
    }
    return { kind: 'hosts', hosts: [{ name: domain, preference: 0, addresses: result.addresses }] };
  }

  #sortByPreference<T extends { priority: number }>(records: T[]): T[] {
    // Shuffle first, then a stable sort: hosts of equal preference end up in random order.
    const shuffled = records.map((r) => ({ r, key: this.#random() })).sort((a, b) => a.key - b.key).map((x) => x.r);
    return shuffled.sort((a, b) => a.priority - b.priority);
  }
}
