import { describe, expect, it } from 'vitest';
import { isSenderAllowed, normalizeSenderPattern } from './senders.ts';

describe('sender patterns', () => {
  it('keeps full addresses and whole domains, lower-cased with the domain in ASCII', () => {
    expect(normalizeSenderPattern(' Alice@Example.ORG ')).toBe('alice@example.org');
    expect(normalizeSenderPattern('@Example.org')).toBe('@example.org');
    expect(normalizeSenderPattern('@bücher.example')).toBe('@xn--bcher-kva.example');
  });

  it('refuses anything that is not user@domain or @domain', () => {
    for (const bad of ['', 'alice', 'alice@', '@', '@localhost', '*@example.org', 'a b@example.org', 'alice@exa mple.org', '.a@example.org', 'a..b@example.org', '@-bad.example', '<a@example.org>']) {
      expect(normalizeSenderPattern(bad), bad).toBeNull();
    }
  });
});

describe('isSenderAllowed', () => {
  const allowed = ['alice@example.org', '@alice.test'];

  it('matches a listed address or any address of a listed domain, ignoring case', () => {
    expect(isSenderAllowed(allowed, 'alice@example.org')).toBe(true);
    expect(isSenderAllowed(allowed, 'ALICE@EXAMPLE.ORG')).toBe(true);
    expect(isSenderAllowed(allowed, 'anyone@Alice.Test')).toBe(true);
  });

  it('does not stretch a domain to its subdomains, nor an address to its domain', () => {
    expect(isSenderAllowed(allowed, 'x@sub.alice.test')).toBe(false);
    expect(isSenderAllowed(allowed, 'bob@example.org')).toBe(false);
    expect(isSenderAllowed(allowed, 'x@alice.test.evil.test')).toBe(false);
    expect(isSenderAllowed(['@example.org'], 'x@notexample.org')).toBe(false);
  });

  it('never allows the null sender or an address without a proper domain', () => {
    expect(isSenderAllowed(allowed, '')).toBe(false);
    expect(isSenderAllowed(allowed, '@alice.test')).toBe(false);
    expect(isSenderAllowed(allowed, 'alice@')).toBe(false);
    expect(isSenderAllowed([], 'alice@example.org')).toBe(false);
  });

  it('compares internationalised domains in one spelling', () => {
    expect(isSenderAllowed(['@bücher.example'], 'info@xn--bcher-kva.example')).toBe(true);
    expect(isSenderAllowed(['@xn--bcher-kva.example'], 'info@BÜCHER.example')).toBe(true);
  });
});
