// A DNS server on loopback for scenario tests: answers MX, A and AAAA from a
// zone the test sets, NXDOMAIN for names it does not know, and stands in for
// the failures a relay must survive (SERVFAIL, no answer at all, null MX).
// Only the outside world is faked here; the relay's resolver is the real one.
import dgram from 'node:dgram';
import { isIP } from 'node:net';
import * as dnsPacket from 'dns-packet';

/** What one name holds. A name that is in the zone but lacks the asked type answers NODATA. */
export interface DnsRecords {
  mx?: { preference: number; exchange: string }[];
  a?: string[];
  aaaa?: string[];
  /** RFC 7505: a single `MX 0 .`, "this domain accepts no mail". */
  nullMx?: boolean;
  /** Every query for the name gets SERVFAIL. */
  servfail?: boolean;
  /** Queries for the name are never answered (the client times out). */
  timeout?: boolean;
}

/** Names (any case, trailing dot optional) to their records. */
export type DnsZone = Record<string, DnsRecords>;

export interface DnsQueryLog {
  name: string;
  type: string;
}

export interface TestDnsServer {
  host: string;
  port: number;
  /** `host:port`, as `dns.servers` / MxResolver want it. */
  address: string;
  /** Replaces the whole zone. */
  setZone(zone: DnsZone): void;
  /** Every question received, oldest first. */
  readonly queries: DnsQueryLog[];
  close(): Promise<void>;
}

// RFC 1035 §4.1.1 RCODE values.
const NOERROR = 0;
const SERVFAIL = 2;
const NXDOMAIN = 3;

function normalize(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

function isLoopback(host: string): boolean {
  return host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}

export async function startDnsServer(options: { host?: string } = {}): Promise<TestDnsServer> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopback(host)) throw new Error(`the test DNS server binds loopback only, not ${host}`);
  const socket = dgram.createSocket(isIP(host) === 6 ? 'udp6' : 'udp4');
  let zone = new Map<string, DnsRecords>();
  const queries: DnsQueryLog[] = [];

  function answer(query: dnsPacket.DecodedPacket): Buffer | null {
    const question = query.questions?.[0];
    let rcode = NOERROR;
    const answers: dnsPacket.Answer[] = [];
    if (question) {
      const name = normalize(question.name);
      queries.push({ name, type: question.type });
      const records = zone.get(name);
      if (records?.timeout) return null;
      if (!records) rcode = NXDOMAIN;
      else if (records.servfail) rcode = SERVFAIL;
      else if (question.type === 'MX') {
        const mx = records.nullMx ? [{ preference: 0, exchange: '.' }] : (records.mx ?? []);
        for (const data of mx) answers.push({ type: 'MX', name: question.name, ttl: 60, data });
      } else if (question.type === 'A') {
        for (const data of records.a ?? []) answers.push({ type: 'A', name: question.name, ttl: 60, data });
      } else if (question.type === 'AAAA') {
        for (const data of records.aaaa ?? []) answers.push({ type: 'AAAA', name: question.name, ttl: 60, data });
      }
    }
    return dnsPacket.encode({
      type: 'response',
      id: query.id,
      flags: dnsPacket.AUTHORITATIVE_ANSWER | dnsPacket.RECURSION_AVAILABLE | ((query.flags ?? 0) & dnsPacket.RECURSION_DESIRED) | rcode,
      questions: query.questions,
      answers,
    });
  }

  socket.on('message', (message, remote) => {
    let query: dnsPacket.DecodedPacket;
    try {
      query = dnsPacket.decode(message);
    } catch {
      return; // not DNS: a real server would drop it too
    }
    const reply = answer(query);
    if (reply) socket.send(reply, remote.port, remote.address);
  });

  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, host, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  const port = socket.address().port;
  return {
    host,
    port,
    address: isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`,
    setZone(next) {
      zone = new Map(Object.entries(next).map(([name, records]) => [normalize(name), records]));
    },
    queries,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
