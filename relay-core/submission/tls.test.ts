import { generate } from 'selfsigned';
import { describe, expect, it } from 'vitest';
import { describeCertificate } from './tls.ts';

const notAfterDate = new Date('2030-06-01T12:00:00Z');

describe('describeCertificate', () => {
  it('tells a self-signed certificate, its subject and expiry', async () => {
    const { cert } = await generate([{ name: 'commonName', value: 'relay.example.org' }], { keyType: 'ec', curve: 'P-256', notAfterDate });
    expect(describeCertificate(cert)).toEqual({ notAfter: notAfterDate, subject: 'CN=relay.example.org', isSelfSigned: true });
  });

  it('does not call a certificate signed by a CA self-signed', async () => {
    const ca = await generate([{ name: 'commonName', value: 'Example CA' }], {
      keyType: 'ec', curve: 'P-256', extensions: [{ name: 'basicConstraints', cA: true }, { name: 'keyUsage', keyCertSign: true }],
    });
    const leaf = await generate([{ name: 'commonName', value: 'relay.example.org' }], {
      keyType: 'ec', curve: 'P-256', notAfterDate, ca: { key: ca.private, cert: ca.cert },
    });
    expect(describeCertificate(leaf.cert)).toMatchObject({ subject: 'CN=relay.example.org', isSelfSigned: false });
  });
});
