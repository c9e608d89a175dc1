/**
 * Turns every bare LF and bare CR into CRLF (RFC 5321 §2.3.8). nodemailer
 * passes a bare CR through unchanged, which some MX hosts reject and others
 * read as a line end (SMTP smuggling), so the body is normalised first.
 * latin1 maps bytes one to one, so no 8-bit content is altered.
 */
export function toCrlf(body: Buffer): Buffer {
  const text = body.toString('latin1');
  if (!/\r(?!\n)|(?<!\r)\n/.test(text)) return body;
  return Buffer.from(text.replace(/\r\n|\r|\n/g, '\r\n'), 'latin1');
}
