import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './password.ts';

describe('password hashes', () => {
  it('are self-describing scrypt strings with a fresh salt each time', async () => {
    const a = await hashPassword('s3cret');
    const b = await hashPassword('s3cret');
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('s3cret');
  });

  it('verify the right password only', async () => {
    const stored = await hashPassword('pässword');
    expect(await verifyPassword('pässword', stored)).toBe(true);
    expect(await verifyPassword('pässword'.normalize('NFD'), stored)).toBe(true);
    expect(await verifyPassword('password', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('never match a malformed or hostile stored hash', async () => {
    const stored = await hashPassword('x');
    const [, , r, p, salt, hash] = stored.split('$');
    for (const bad of ['', 'plain', `bcrypt$16384$${r}$${p}$${salt}$${hash}`, `scrypt$1000$${r}$${p}$${salt}$${hash}`, `scrypt$${2 ** 30}$${r}$${p}$${salt}$${hash}`, `scrypt$16384$${r}$${p}$$${hash}`]) {
      expect(await verifyPassword('x', bad), bad).toBe(false);
    }
  });
});
