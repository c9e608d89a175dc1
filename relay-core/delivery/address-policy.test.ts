import { describe, expect, it } from 'vitest';
import { AddressPolicy } from './address-policy.ts';

describe('AddressPolicy', () => {
  const policy = new AddressPolicy();

  it.each([
    '127.0.0.1', '127.0.0.2', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.10.10', '100.64.0.1',
    '0.0.0.0', '224.0.0.1', '255.255.255.255', '::', '::1', 'fd00::1', 'fc12::3', 'fe80::1', 'ff02::1', '::ffff:127.0.0.1',
    '::ffff:10.0.0.1', 'not-an-ip',
  ])('refuses %s as an MX address', (address) => {
    expect(policy.isPrivate(address)).toBe(true);
  });

  it.each(['192.0.2.1', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2001:db8::1', '2a01:4f8::1', '::ffff:8.8.8.8'])(
    'allows the public address %s',
    (address) => {
      expect(policy.isPrivate(address)).toBe(false);
    },
  );
});
