import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb } from '../../test/support/db.ts';
import { BlacklistService } from './index.ts';

type TestDb = Awaited<ReturnType<typeof openTestDb>>;
let db: TestDb;
let blacklist: BlacklistService;

beforeAll(async () => {
  db = await openTestDb();
  blacklist = new BlacklistService({ db });
  await blacklist.start();
});
afterAll(async () => {
  blacklist?.stop();
  await db?.drop();
});

describe('blacklists', () => {
  it('refuses a listed address and every address of a listed domain, whatever their case, but not subdomains', async () => {
    await blacklist.add('recipient', 'Victim@Example.ORG', 'asked not to receive mail from us');
    await blacklist.add('recipient', '@spamtrap.test', 'known spam trap');
    expect(blacklist.match('recipient', 'victim@example.org')?.reason).toBe('asked not to receive mail from us');
    expect(blacklist.match('recipient', 'VICTIM@example.org')?.pattern).toBe('victim@example.org');
    expect(blacklist.match('recipient', 'anyone@SpamTrap.test')?.pattern).toBe('@spamtrap.test');
    expect(blacklist.match('recipient', 'anyone@sub.spamtrap.test')).toBeNull();
    expect(blacklist.match('recipient', 'other@example.org')).toBeNull();
    // The lists are separate: a listed recipient may still send.
    expect(blacklist.match('sender', 'victim@example.org')).toBeNull();
  });

  it('lists, and removes, entries with their reasons', async () => {
    await blacklist.add('sender', '@compromised.test', 'account compromised, see ticket 42');
    expect((await blacklist.list()).map((e) => `${e.kind} ${e.pattern}`)).toEqual([
      'recipient @spamtrap.test', 'recipient victim@example.org', 'sender @compromised.test',
    ]);
    expect(await blacklist.remove('sender', '@Compromised.test')).toBe(true);
    expect(await blacklist.remove('sender', '@compromised.test')).toBe(false);
    expect(blacklist.match('sender', 'x@compromised.test')).toBeNull();
  });

  it('sees entries another node added once it reloads', async () => {
    const otherNode = new BlacklistService({ db });
    await otherNode.add('sender', 'bulk@example.net', 'sends newsletters without consent');
    expect(blacklist.match('sender', 'bulk@example.net')).toBeNull();
    await blacklist.refresh();
    expect(blacklist.match('sender', 'bulk@example.net')?.reason).toBe('sends newsletters without consent');
  });

  it('refuses bad input with a clear error and changes nothing', async () => {
    const before = await blacklist.list();
    await expect(blacklist.add('recipients', 'a@b.test', 'x')).rejects.toThrow(/unknown list "recipients"/);
    await expect(blacklist.add('sender', 'not an address', 'x')).rejects.toThrow(/bad pattern/);
    await expect(blacklist.add('sender', '*@example.org', 'x')).rejects.toThrow(/bad pattern/);
    await expect(blacklist.add('sender', 'a@b.test', '   ')).rejects.toThrow(/reason is required/);
    await expect(blacklist.add('sender', 'a@b.test', 'x'.repeat(201))).rejects.toThrow(/longer than 200/);
    await expect(blacklist.add('recipient', 'VICTIM@example.org', 'again')).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await blacklist.list()).toEqual(before);
  });

  it('keeps a reason on one line, so it cannot break the SMTP reply it is shown in', async () => {
    const entry = await blacklist.add('sender', 'crlf@example.net', 'bad\r\n250 OK fake');
    expect(entry.reason).toBe('bad 250 OK fake');
  });
});
