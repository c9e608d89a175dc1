import { describe, expect, it } from 'vitest';
import { toCrlf } from './line-endings.ts';

describe('toCrlf', () => {
  it('turns bare LF and bare CR into CRLF and leaves CRLF alone', () => {
    expect(toCrlf(Buffer.from('a\nb\rc\r\nd\r\r\n')).toString('latin1')).toBe('a\r\nb\r\nc\r\nd\r\n\r\n');
  });

  it('returns a body that is already CRLF unchanged, byte for byte', () => {
    const body = Buffer.from('Subject: caf\xe9\r\n\r\n\xff\xfe\r\n', 'latin1');
    expect(toCrlf(body)).toBe(body);
  });

  it('keeps 8-bit bytes while fixing line ends', () => {
    expect(toCrlf(Buffer.from([0xc3, 0xa9, 0x0a]))).toEqual(Buffer.from([0xc3, 0xa9, 0x0d, 0x0a]));
  });
});
