import { describe, expect, it } from 'vitest';
import { ReturnsAddress } from './index.ts';

const key = Buffer.alloc(32, 3);
const hash = '48b386d837e5de4768d335ac';
let now = new Date('2026-11-28T10:00:00Z');
const returns = new ReturnsAddress({ address: 'Returns@Bounces.Example.NET', key, lifetimeDays: 30, now: () => now });

function tokenOf(address: string): string {
  const found = returns.recognize(address);
  if (found?.kind !== 'token') throw new Error(`no token in ${address}`);
  return found.token;
}

describe('returns token', () => {
  it('fits a 64-octet local part and reads back the sender id and recipient hash', () => {
    const address = returns.envelopeFor(4242, hash);
    expect(address).toMatch(/^returns\+[a-z2-7]{47}@bounces\.example\.net$/);
    expect(address.split('@')[0]!.length).toBeLessThanOrEqual(64);
    const check = returns.check(tokenOf(address));
    expect(check).toMatchObject({ ok: true, data: { senderId: 4242, recipientHash: hash } });
  });

  it('survives an MTA that upper-cases the local part', () => {
    const address = returns.envelopeFor(7, hash).toUpperCase();
    expect(returns.check(tokenOf(address))).toMatchObject({ ok: true, data: { senderId: 7 } });
  });

  it('recognises the bare returns address and nothing else', () => {
    expect(returns.recognize('returns@bounces.example.net')).toEqual({ kind: 'bare' });
    expect(returns.recognize('other@bounces.example.net')).toBeNull();
    expect(returns.recognize('returns@example.net')).toBeNull();
    expect(returns.recognize('returnsx@bounces.example.net')).toBeNull();
    expect(returns.recognize('no-at-sign')).toBeNull();
  });

  it('refuses a tampered byte, another relay key, a forged token and garbage', () => {
    const token = tokenOf(returns.envelopeFor(1, hash));
    const flipped = token.slice(0, 20) + (token[20] === 'a' ? 'b' : 'a') + token.slice(21);
    expect(returns.check(flipped)).toEqual({ ok: false, reason: 'bad signature' });
    const other = new ReturnsAddress({ address: 'returns@bounces.example.net', key: Buffer.alloc(32, 4), lifetimeDays: 30 });
    expect(other.check(token)).toEqual({ ok: false, reason: 'bad signature' });
    for (const bad of ['', 'a', 'a'.repeat(47), '1'.repeat(47), token + 'a', token.slice(1), '\u0000'.repeat(47), 'é'.repeat(47)]) {
      const check = returns.check(bad);
      expect(check.ok).toBe(false);
    }
  });

  it('expires after the configured lifetime', () => {
    const token = tokenOf(returns.envelopeFor(1, hash));
    const issued = now;
    now = new Date(issued.getTime() + 29 * 86_400_000);
    expect(returns.check(token).ok).toBe(true);
    now = new Date(issued.getTime() + 31 * 86_400_000);
    expect(returns.check(token)).toEqual({ ok: false, reason: 'expired' });
    now = issued;
  });
});
