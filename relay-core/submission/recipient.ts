// Which recipient addresses submission takes. relais only delivers to the
// domain of an address, by its MX: anything asking for other routing is
// refused rather than reinterpreted, so no address can make the relay
// forward mail somewhere its domain does not say.
import { domainToASCII } from 'node:url';

/** A refusal as an SMTP reply: code plus enhanced status and text. */
export interface RecipientRefusal {
  code: 501 | 550;
  text: string;
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** Null when the address can be queued; otherwise why not. */
export function checkRecipient(address: string): RecipientRefusal | null {
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) {
    return { code: 501, text: `5.1.3 <${address}>: Recipient address rejected: need a fully-qualified address (user@domain)` };
  }
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  // user%host@relay and host!user@relay are the old "percent hack" and UUCP
  // bang paths: a relay that honours them forwards to host, not to relay.
  if (/[%!@]/.test(local)) {
    return { code: 550, text: `5.1.3 <${address}>: Recipient address rejected: "%", "!" and "@" routing in the local part is not accepted` };
  }
  // An address literal (user@[10.0.0.1]) would send mail to any IP, loopback
  // and private networks included, bypassing MX policy.
  if (domain.startsWith('[')) {
    return { code: 550, text: `5.1.3 <${address}>: Recipient address rejected: address literals are not accepted` };
  }
  const ascii = domainToASCII(domain.toLowerCase());
  const labels = ascii.split('.');
  if (!ascii || ascii.length > 253 || labels.length < 2 || !labels.every((l) => LABEL.test(l))) {
    return { code: 501, text: `5.1.3 <${address}>: Recipient address rejected: bad domain syntax` };
  }
  return null;
}
