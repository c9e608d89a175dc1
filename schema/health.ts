// How the running relay is: database, listeners, and the certificate in use
// with its expiry, so an operator sees a renewal coming before clients refuse
// the relay. Anyone signed in may look: it holds no mail data.
import type { RelayHealth } from './context.ts';
import { builder } from './builder.ts';

const HealthRef = builder.objectRef<RelayHealth>('Health').implement({
  description: 'Checked when asked, not cached.',
  fields: (t) => ({
    isDatabaseReachable: t.exposeBoolean('isDatabaseReachable', { description: 'The database answers `select 1`.' }),
    isSmtpListening: t.exposeBoolean('isSmtpListening', { description: 'The submission listener accepts connections.' }),
    isHttpsEnabled: t.exposeBoolean('isHttpsEnabled', { description: 'The API and console are served over TLS (false: plain HTTP behind a proxy).' }),
    certificateNotAfter: t.field({ type: 'DateTime', description: 'When the certificate in use expires.', resolve: (h) => h.certificate.notAfter }),
    certificateSubject: t.string({ description: 'Its subject, e.g. CN=relay.example.org.', resolve: (h) => h.certificate.subject }),
    isCertificateSelfSigned: t.boolean({
      description: 'Self-signed (generated when no certificate is configured): clients that verify will refuse it.',
      resolve: (h) => h.certificate.isSelfSigned,
    }),
  }),
});

builder.queryField('health', (t) =>
  t.field({
    type: HealthRef,
    authScopes: { signedIn: true },
    resolve: (_r, _a, ctx) => ctx.services.health(),
  }),
);
