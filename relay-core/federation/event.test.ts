// The signed event format, version 1: what is accepted, what is refused
// before any signature is checked, and the published test vector.
import { createHash } from 'node:crypto';
import * as ed from '@noble/ed25519';
import { describe, expect, it } from 'vitest';
import { EventFormatError, parseSignedEvent, signEvent, verifyEvent, type EventFormatReason, type FederationEvent } from './event.ts';
import { identityFromSeed } from './identity.ts';

const seed = Buffer.from(Array.from({ length: 32 }, (_, i) => i + 1));
const identity = identityFromSeed(seed);
const other = identityFromSeed(Buffer.alloc(32, 0x42));
const fields = { seq: 1, kind: 'hard_bounce', addr: 'f1:d255018da5774c0caccb43bc425ed1fc', code: '5.1.1', at: 1_764_331_200 } as const;
const { text } = signEvent(identity, fields);

/** Whether the text is accepted and its signature holds; a refusal must be an EventFormatError. */
function isValid(candidate: string): boolean {
  try {
    return verifyEvent(parseSignedEvent(candidate));
  } catch (err) {
    expect(err).toBeInstanceOf(EventFormatError);
    return false;
  }
}

function refusal(candidate: string): EventFormatError {
  try {
    parseSignedEvent(candidate);
  } catch (err) {
    if (err instanceof EventFormatError) return err;
    throw err;
  }
  throw new Error(`accepted ${candidate}`);
}

/** The event text with one member's raw JSON replaced (or removed, with undefined). */
function withMember(name: string, rawValue: string | undefined): string {
  const members = Object.entries(JSON.parse(text) as Record<string, unknown>)
    .filter(([key]) => key !== name)
    .map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`);
  if (rawValue !== undefined) members.push(`${JSON.stringify(name)}:${rawValue}`);
  return `{${members.join(',')}}`;
}

describe('signed federation events', () => {
  it('gives the published test vector (seed 0x01…0x20), which an independent ed25519 accepts', () => {
    expect(identity.id).toBe('ebVWLo_mVPlAeLES6KmLp5AfhTrmlb7X4OORC60ElmQ');
    expect(text).toBe(
      '{"addr":"f1:d255018da5774c0caccb43bc425ed1fc","at":1764331200,"code":"5.1.1","kind":"hard_bounce",' +
        '"origin":"ebVWLo_mVPlAeLES6KmLp5AfhTrmlb7X4OORC60ElmQ","seq":1,' +
        '"sig":"Iue_G8jclUVm8Qoh-TaiEfeMbtqldQtJ-Q33zfCIUO1yJ18MeKsyAaW2fEpKdOiGirysMfDsV70AWisRQkyzAg","v":1}',
    );
    const parsed = parseSignedEvent(text);
    expect(parsed.signedBytes.toString('utf8')).toBe(
      'relais-federation-event-v1\n{"addr":"f1:d255018da5774c0caccb43bc425ed1fc","at":1764331200,"code":"5.1.1",' +
        '"kind":"hard_bounce","origin":"ebVWLo_mVPlAeLES6KmLp5AfhTrmlb7X4OORC60ElmQ","seq":1,"v":1}',
    );
    ed.hashes.sha512 = (message: Uint8Array) => createHash('sha512').update(message).digest();
    expect(ed.verify(parsed.signature, parsed.signedBytes, Buffer.from(identity.id, 'base64url'), { zip215: false })).toBe(true);
  });

  it('reads back what it signs, and the origin signature holds', () => {
    for (const kind of ['hard_bounce', 'soft_bounce', 'complaint', 'recovered'] as const) {
      const signed = signEvent(identity, { seq: 2 ** 53 - 1, kind, addr: `f1:${'0'.repeat(32)}`, code: kind === 'recovered' ? '' : '4.2.2', at: 0 });
      const parsed = parseSignedEvent(signed.text);
      expect(parsed.event).toStrictEqual(signed.event);
      expect(signed.event).toStrictEqual<FederationEvent>({
        v: 1, origin: identity.id, seq: 2 ** 53 - 1, kind, addr: `f1:${'0'.repeat(32)}`, code: kind === 'recovered' ? '' : '4.2.2', at: 0,
      });
      expect(verifyEvent(parsed)).toBe(true);
    }
  });

  it('still verifies with its members reordered or spaced out: the signed bytes are rebuilt canonically', () => {
    const members = Object.entries(JSON.parse(text) as Record<string, unknown>);
    expect(isValid(JSON.stringify(Object.fromEntries(members.reverse())))).toBe(true);
    expect(isValid(JSON.stringify(JSON.parse(text), null, 2))).toBe(true);
    expect(isValid(` \n\t${text.replaceAll(',"', ' ,\r\n "').replaceAll('":', '" : ')}\n`)).toBe(true);
    // Spellings of the same values are the same values.
    expect(isValid(withMember('at', '1.764331200e9'))).toBe(true);
    expect(isValid(withMember('code', '"\\u0035.1.1"'))).toBe(true);
  });

  it('no longer verifies once any one character is changed', () => {
    for (let i = 0; i < text.length; i++) {
      for (const replacement of ['0', '1', '9', 'a', 'f', 'A', '_', '-', '"', ' ']) {
        if (text[i] === replacement) continue;
        const tampered = text.slice(0, i) + replacement + text.slice(i + 1);
        expect(isValid(tampered), tampered).toBe(false);
      }
    }
  });

  it('does not verify under another origin than the signer', () => {
    expect(isValid(withMember('origin', JSON.stringify(other.id)))).toBe(false);
    const forged = signEvent({ id: other.id, sign: (message) => identity.sign(message) }, fields);
    expect(parseSignedEvent(forged.text).event.origin).toBe(other.id);
    expect(isValid(forged.text)).toBe(false);
  });

  it('refuses a duplicate member before any signature check, even with the same value', () => {
    const duplicated = text.replace('"seq":1,', '"seq":1,"seq":1,');
    expect(refusal(duplicated).reason).toBe('duplicate-key');
    expect(refusal(text.replace('"seq":1,', '"seq":1,"s\\u0065q":1,')).reason).toBe('duplicate-key');
    expect(refusal(text.replace('"kind":"hard_bounce",', '"kind":"recovered","kind":"hard_bounce",')).reason).toBe('duplicate-key');
  });

  it('refuses unknown and missing members, naming them', () => {
    const unknown = refusal(withMember('note', '"x"'));
    expect([unknown.reason, unknown.message]).toEqual(['unknown-field', 'event: unknown field "note"']);
    expect(refusal(withMember('__proto__', '1')).reason).toBe('unknown-field');
    expect(refusal(withMember('Seq', '1')).reason).toBe('unknown-field');
    for (const name of ['v', 'origin', 'seq', 'kind', 'addr', 'code', 'at', 'sig']) {
      const missing = refusal(withMember(name, undefined));
      expect([missing.reason, missing.message]).toEqual(['missing-field', `event: missing field "${name}"`]);
    }
  });

  it('refuses members of the wrong type or form, naming them', () => {
    const bad: [string, string][] = [
      ['v', '"1"'], ['v', 'true'], ['origin', '"ebVWLo_mVPlAeLES6KmLp5AfhTrmlb7X4OORC60ElmQ="'], ['origin', '"x"'],
      ['seq', '"1"'], ['seq', '1.5'], ['seq', '0'], ['seq', '-1'], ['seq', '9007199254740992'], ['seq', 'null'],
      ['kind', '"bounce"'], ['kind', '"HARD_BOUNCE"'], ['addr', `"f1:${'A'.repeat(32)}"`], ['addr', `"f2:${'0'.repeat(32)}"`],
      ['addr', `"f1:${'0'.repeat(31)}"`], ['addr', `"f1:${'0'.repeat(32)}\\n"`], ['code', '"5.1"'], ['code', '"6.1.1"'],
      ['code', '"5.1.1 "'], ['code', '"5.1111.1"'], ['code', '5'], ['code', 'null'], ['at', '-1'], ['at', '1.5'], ['at', '"0"'],
      ['sig', `"${'A'.repeat(85)}"`], ['sig', `"${'A'.repeat(84)}=="`], ['sig', `"${'A'.repeat(85)}B"`], ['sig', `"${'+'.repeat(86)}"`],
    ];
    for (const [name, raw] of bad) {
      const err = refusal(withMember(name, raw));
      expect(err.reason, `${name}: ${raw}`).toBe('bad-field');
      expect(err.message).toContain(`field "${name}"`);
    }
    const sig = (JSON.parse(text) as { sig: string }).sig;
    expect(refusal(withMember('sig', JSON.stringify(`${sig}==`))).reason).toBe('bad-field');
    expect(refusal(withMember('sig', JSON.stringify(Buffer.from(sig, 'base64url').toString('base64')))).reason).toBe('bad-field');
  });

  it('names another version as unsupported rather than malformed', () => {
    expect(refusal(withMember('v', '2')).reason).toBe('unsupported-version');
    expect(refusal(withMember('v', '0')).reason).toBe('unsupported-version');
    const future = refusal(`{"v":2,"origin":"${other.id}","payload":"new"}`);
    expect([future.reason, future.message]).toEqual(['unsupported-version', 'event: version 2 is not supported (only 1)']);
  });

  it('refuses what is not a flat JSON object', () => {
    const cases: [string, EventFormatReason][] = [
      ['[]', 'not-an-object'], ['1', 'not-an-object'], ['null', 'not-an-object'], ['"event"', 'not-an-object'],
      ['', 'not-json'], ['{', 'not-json'], [`${text}x`, 'not-json'], [text.replace('}', ',}'), 'not-json'], [`${text}${text}`, 'not-json'],
      [withMember('code', '{}'), 'too-deep'], [withMember('at', '[0]'), 'too-deep'],
    ];
    for (const [candidate, reason] of cases) expect(refusal(candidate).reason, candidate).toBe(reason);
  });

  it('refuses a text over 1024 UTF-8 bytes, however it is padded', () => {
    expect(isValid(text + ' '.repeat(1024 - text.length))).toBe(true);
    expect(refusal(text + ' '.repeat(1025 - text.length)).reason).toBe('too-large');
    // 'é' is one UTF-16 unit but two UTF-8 bytes.
    const padded = withMember('note', JSON.stringify('é'.repeat(400)));
    expect(padded.length).toBeLessThan(1024);
    expect(refusal(padded).reason).toBe('too-large');
    expect(refusal('['.repeat(5_000_000)).reason).toBe('too-large');
  });

  it('will not sign an event that readers would refuse', () => {
    expect(() => signEvent(identity, { ...fields, seq: 0 })).toThrow(EventFormatError);
    expect(() => signEvent(identity, { ...fields, addr: 'bob@example.org' })).toThrow(/field "addr"/);
    expect(() => signEvent(identity, { ...fields, at: 1.5 })).toThrow(/field "at"/);
    expect(() => signEvent({ id: 'not an id', sign: (m) => identity.sign(m) }, fields)).toThrow(/field "origin"/);
  });
});
