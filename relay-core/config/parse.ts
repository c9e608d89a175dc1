// Parsers for the list-valued config keys. Each throws an Error whose message
// names the bad item, which zod reports against the key.
import { isIP } from 'node:net';

export interface HostPort {
  host: string;
  port: number;
}

export interface Route {
  /** Destination domain, or `*` for every domain without a route of its own. */
  domain: string;
  host: string;
  port: number;
}

export interface Cidr {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

function parsePort(text: string, item: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65535) throw new Error(`bad port in "${item}"`);
  return port;
}

/** `host`, `host:port`, `[v6]:port` or a bare IPv6 address. */
export function parseHostPort(item: string, defaultPort: number): HostPort {
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(item);
  if (bracketed) {
    return { host: bracketed[1]!, port: bracketed[2] ? parsePort(bracketed[2], item) : defaultPort };
  }
  if (isIP(item) === 6) return { host: item, port: defaultPort };
  const colon = item.lastIndexOf(':');
  const host = colon < 0 ? item : item.slice(0, colon);
  if (!/^[A-Za-z0-9.-]+$/.test(host)) throw new Error(`bad host in "${item}"`);
  return { host, port: colon < 0 ? defaultPort : parsePort(item.slice(colon + 1), item) };
}

export function parseHostPortList(items: string[]): HostPort[] {
  return items.map((item) => parseHostPort(item, 53));
}

export function parseCidrList(items: string[]): Cidr[] {
  return items.map((item) => {
    const [address = '', prefixText] = item.split('/');
    const version = isIP(address);
    if (version === 0) throw new Error(`"${item}" is not an IP address or CIDR`);
    const max = version === 4 ? 32 : 128;
    const prefix = prefixText === undefined ? max : Number(prefixText);
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > max || (prefixText !== undefined && !/^\d+$/.test(prefixText))) {
      throw new Error(`bad prefix length in "${item}"`);
    }
    return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
  });
}

export function parseRoutes(items: string[]): Route[] {
  return items.map((item) => {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new Error(`route "${item}" must look like domain=host:port`);
    const domain = item.slice(0, eq).trim().toLowerCase();
    if (domain !== '*' && !/^[a-z0-9.-]+$/.test(domain)) throw new Error(`bad domain in route "${item}"`);
    const target = item.slice(eq + 1).trim();
    if (!target) throw new Error(`route "${item}" has no target`);
    return { domain, ...parseHostPort(target, 25) };
  });
}
