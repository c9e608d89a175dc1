// Signed feed requests: a reader's headers verify for exactly the request
// they were made for, within the time window, and junk is refused calmly.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { identityFromSeed } from './identity.ts';
import { signRequest, verifyRequest } from './request-signature.ts';

const reader = identityFromSeed(Buffer.alloc(32, 0x11));
const stranger = identityFromSeed(Buffer.alloc(32, 0x22));
const now = new Date('2026-11-28T12:00:00Z');
const request = { method: 'POST', path: '/graphql?op=feed', body: '{"query":"{ federationFeed(first: 100) { edges { cursor } } }"}' };

function lookup(headers: Record<string, string | undefined>): (name: string) => string | undefined {
  return (name) => headers[name];
}

describe('signed feed requests', () => {
  it('signs the method, path, time and body digest with the reader key', () => {
    const headers = signRequest(reader, { ...request, now });
    expect(Object.keys(headers).sort()).toEqual(['relais-federation-key', 'relais-federation-signature', 'relais-federation-time']);
    expect(headers['relais-federation-key']).toBe(reader.id);
    expect(headers['relais-federation-time']).toBe('1795867200');
    const digest = createHash('sha256').update(request.body).digest('hex');
    const expected = reader.sign(Buffer.from(`relais-federation-request-v1\nPOST\n/graphql?op=feed\n1795867200\n${digest}`));
    expect(headers['relais-federation-signature']).toBe(expected.toString('base64url'));
    expect(verifyRequest(lookup(headers), { ...request, now })).toEqual({ ok: true, keyId: reader.id });
  });

  it('takes the body as a string or as the same bytes', () => {
    const headers = signRequest(reader, { ...request, body: Buffer.from(request.body), now });
    expect(verifyRequest(lookup(headers), { ...request, now })).toEqual({ ok: true, keyId: reader.id });
    const empty = signRequest(reader, { method: 'GET', path: '/', body: '', now });
    expect(verifyRequest(lookup(empty), { method: 'GET', path: '/', body: Buffer.alloc(0), now }).ok).toBe(true);
  });

  it('refuses the headers for any other method, path or body', () => {
    const headers = signRequest(reader, { ...request, now });
    const others = [
      { ...request, method: 'GET' }, { ...request, method: 'post' }, { ...request, path: '/graphql' }, { ...request, path: '/graphql?op=feed&x' },
      { ...request, path: '/GRAPHQL?op=feed' }, { ...request, body: `${request.body} ` }, { ...request, body: '' },
    ];
    for (const other of others) expect(verifyRequest(lookup(headers), { ...other, now })).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('refuses a signature made by another key than the one named', () => {
    const headers = signRequest(reader, { ...request, now });
    expect(verifyRequest(lookup({ ...headers, 'relais-federation-key': stranger.id }), { ...request, now }))
      .toEqual({ ok: false, reason: 'bad-signature' });
    const tampered = Buffer.from(headers['relais-federation-signature']!, 'base64url');
    tampered[10]! ^= 1;
    expect(verifyRequest(lookup({ ...headers, 'relais-federation-signature': tampered.toString('base64url') }), { ...request, now }))
      .toEqual({ ok: false, reason: 'bad-signature' });
    // The time is signed too: moving it within the window breaks the signature.
    expect(verifyRequest(lookup({ ...headers, 'relais-federation-time': '1795867201' }), { ...request, now }))
      .toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('accepts times within the window on either side and refuses stale or future ones', () => {
    const at = (offsetSeconds: number, windowSeconds?: number) => {
      const headers = signRequest(reader, { ...request, now: new Date(now.getTime() + offsetSeconds * 1000) });
      return verifyRequest(lookup(headers), { ...request, now, windowSeconds });
    };
    expect(at(-120).ok).toBe(true);
    expect(at(120).ok).toBe(true);
    expect(at(-121)).toEqual({ ok: false, reason: 'stale' });
    expect(at(121)).toEqual({ ok: false, reason: 'stale' });
    expect(at(-3600)).toEqual({ ok: false, reason: 'stale' });
    expect(at(10, 5)).toEqual({ ok: false, reason: 'stale' });
    expect(at(5, 5).ok).toBe(true);
  });

  it('calls a request without a key header unsigned, and one with broken headers malformed', () => {
    const headers = signRequest(reader, { ...request, now });
    expect(verifyRequest(() => undefined, { ...request, now })).toEqual({ ok: false, reason: 'missing' });
    expect(verifyRequest(() => null, { ...request, now })).toEqual({ ok: false, reason: 'missing' });
    expect(verifyRequest(lookup({ ...headers, 'relais-federation-key': undefined }), { ...request, now })).toEqual({ ok: false, reason: 'missing' });
    const sig = headers['relais-federation-signature']!;
    const junk: Record<string, string | undefined>[] = [
      { 'relais-federation-time': undefined },
      { 'relais-federation-signature': undefined },
      { 'relais-federation-key': `${reader.id}=` },
      { 'relais-federation-key': `${reader.id}\r\nx-injected: 1` },
      { 'relais-federation-key': ` ${reader.id}` },
      { 'relais-federation-time': '+1795867200' },
      { 'relais-federation-time': '01795867200' },
      { 'relais-federation-time': '1795867200.0' },
      { 'relais-federation-time': '1795867200\n' },
      { 'relais-federation-time': '99999999999999999999' },
      { 'relais-federation-time': '' },
      { 'relais-federation-signature': `${sig}==` },
      { 'relais-federation-signature': Buffer.from(sig, 'base64url').toString('base64') },
      { 'relais-federation-signature': `${sig.slice(0, 85)}B` },
      { 'relais-federation-signature': `${sig}\r\nx-injected: 1` },
      { 'relais-federation-key': 'k'.repeat(10_000_000) },
      { 'relais-federation-time': '1'.repeat(10_000_000) },
      { 'relais-federation-signature': 'A'.repeat(10_000_000) },
    ];
    for (const change of junk) {
      expect(verifyRequest(lookup({ ...headers, ...change }), { ...request, now }), JSON.stringify(change).slice(0, 120))
        .toEqual({ ok: false, reason: 'malformed' });
    }
  });

  it('never throws, whatever the header reader or request holds', () => {
    const headers = signRequest(reader, { ...request, now });
    const throwing = () => {
      throw new Error('header reader failed');
    };
    expect(verifyRequest(throwing, { ...request, now })).toEqual({ ok: false, reason: 'malformed' });
    const arrays = ((name: string) => [headers[name]]) as unknown as (name: string) => string;
    expect(verifyRequest(arrays, { ...request, now })).toEqual({ ok: false, reason: 'malformed' });
    for (const bad of [{ path: 'graphql' }, { path: '/graph ql' }, { path: '/a\nb' }, { method: 'PO ST' }, { method: '' }, { body: 42 }]) {
      expect(verifyRequest(lookup(headers), { ...request, ...bad, now } as unknown as typeof request).ok).toBe(false);
    }
  });

  it('will not sign a method or path that could blur the signed lines', () => {
    expect(() => signRequest(reader, { ...request, method: 'GET\n/other' })).toThrow(TypeError);
    expect(() => signRequest(reader, { ...request, path: '/a\n1795867200' })).toThrow(TypeError);
    expect(() => signRequest(reader, { ...request, path: 'graphql' })).toThrow(TypeError);
  });
});
