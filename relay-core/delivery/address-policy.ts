// Which MX addresses a relay on the public internet must not connect to.
// An MX record pointing into loopback or a private network is either a
// mistake or an attempt to make the relay talk to services behind its own
// firewall (SSRF through DNS), so such addresses are refused unless the
// operator allows them (test set-ups, a relay inside one private network).
import { BlockList, isIP } from 'node:net';

const REFUSED_RANGES: [string, number, 'ipv4' | 'ipv6'][] = [
  ['0.0.0.0', 8, 'ipv4'], // "this network", includes the unspecified 0.0.0.0 (RFC 1122)
  ['10.0.0.0', 8, 'ipv4'], // RFC 1918
  ['100.64.0.0', 10, 'ipv4'], // CGNAT shared space (RFC 6598)
  ['127.0.0.0', 8, 'ipv4'], // loopback
  ['169.254.0.0', 16, 'ipv4'], // link-local (RFC 3927)
  ['172.16.0.0', 12, 'ipv4'], // RFC 1918
  ['192.168.0.0', 16, 'ipv4'], // RFC 1918
  ['224.0.0.0', 4, 'ipv4'], // multicast
  ['240.0.0.0', 4, 'ipv4'], // reserved, and the 255.255.255.255 broadcast
  ['::', 128, 'ipv6'], // unspecified
  ['::1', 128, 'ipv6'], // loopback
  ['fc00::', 7, 'ipv6'], // unique local addresses (RFC 4193)
  ['fe80::', 10, 'ipv6'], // link-local
  ['ff00::', 8, 'ipv6'], // multicast
];

/** Tells whether an IP address is one an MX may not point to. */
export class AddressPolicy {
  readonly #refused = new BlockList();

  constructor() {
    for (const [address, prefix, family] of REFUSED_RANGES) this.#refused.addSubnet(address, prefix, family);
  }

  /** True for loopback, private, link-local, CGNAT, ULA, unspecified, multicast and reserved addresses (IPv4-mapped included). */
  isPrivate(address: string): boolean {
    const version = isIP(address);
    if (version === 0) return true; // not an address at all: never connect to it
    return this.#refused.check(address, version === 4 ? 'ipv4' : 'ipv6');
  }
}
