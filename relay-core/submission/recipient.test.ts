import { describe, expect, it } from 'vitest';
import { checkRecipient } from './recipient.ts';

describe('checkRecipient', () => {
  it('takes ordinary and internationalised addresses', () => {
    for (const ok of ['bob@remote.test', 'bob+tag@mail.remote.test', 'o\'neil@remote.test', 'info@bücher.example']) {
      expect(checkRecipient(ok), ok).toBeNull();
    }
  });

  it('refuses percent-hack, bang-path and quoted-@ routing with 550 5.1.3', () => {
    for (const bad of ['victim%other.test@relay.test', 'other.test!victim@relay.test', '"victim@other.test"@relay.test']) {
      expect(checkRecipient(bad), bad).toMatchObject({ code: 550, text: expect.stringMatching(/^5\.1\.3 /) });
    }
  });

  it('refuses address literals, which would reach any IP', () => {
    expect(checkRecipient('root@[127.0.0.1]')).toMatchObject({ code: 550, text: expect.stringContaining('address literals') });
    expect(checkRecipient('root@[IPv6:::1]')?.code).toBe(550);
  });

  it('refuses addresses without a fully-qualified domain with 501 5.1.3', () => {
    for (const bad of ['postmaster', 'root@localhost', 'a@', '@b.test', 'a@-x.test', 'a@x..test']) {
      expect(checkRecipient(bad), bad).toMatchObject({ code: 501, text: expect.stringMatching(/^5\.1\.3 /) });
    }
  });
});
