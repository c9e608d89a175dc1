// Receiver-specific bounce rules, tried before the generic ones (rules-generic.ts).
// Pure data. Each sample is a reply as the receiver sends it; addresses, IPs and
// trailing tracking ids are replaced by documentation values. Where a rule says
// "unverified", the wording comes from third-party write-ups, not a captured reply.
import type { BounceRule } from './categories.ts';

const GMAIL: readonly BounceRule[] = [
  { id: 'gmail-no-such-user', category: 'invalid-recipient', source: 'gmail', enhanced: ['5.1.1'],
    text: [/p=NoSuchUser|account that you tried to reach does not exist/i],
    sample: "550-5.1.1 The email account that you tried to reach does not exist. Please try\r\n550-5.1.1 double-checking the recipient's email address for typos or\r\n550 5.1.1 unnecessary spaces. https://support.google.com/mail/?p=NoSuchUser 41be03b00d2f7-5e8b1c2a3f0si1234567a12.123 - gsmtp" },
  { id: 'gmail-disabled-user', category: 'mailbox-disabled', source: 'gmail', enhanced: ['5.2.1'],
    text: [/p=DisabledUser|account that you tried to reach is disabled/i],
    sample: '550-5.2.1 The email account that you tried to reach is disabled. Learn more at\r\n550 5.2.1  https://support.google.com/mail/?p=DisabledUser a640c23a62f3a-a8a1b2c3d4esi123456766b.12 - gsmtp' },
  { id: 'gmail-over-quota', category: 'mailbox-full', source: 'gmail', enhanced: ['*.2.2'],
    text: [/p=OverQuota|out of storage space|over quota/i],
    sample: "452-4.2.2 The recipient's inbox is out of storage space. Please direct the\r\n452-4.2.2 recipient to\r\n452 4.2.2  https://support.google.com/mail/?p=OverQuotaTemp d75a77b69052e-4b1c2d3e4f5si1234567a1.123 - gsmtp" },
  // A per-recipient receiving rate, not a disabled mailbox, despite x.2.1.
  { id: 'gmail-receiving-rate', category: 'rate-limited', source: 'gmail', enhanced: ['4.2.1'],
    text: [/p=ReceivingRate|receiving mail at a rate/i],
    sample: '450-4.2.1 The user you are trying to contact is receiving mail at a rate that\r\n450-4.2.1 prevents additional messages from being delivered. Please resend your\r\n450-4.2.1 message at a later time. If the user is able to receive mail at that\r\n450-4.2.1 time, your message will be delivered. For more information, go to\r\n450 4.2.1  https://support.google.com/mail/?p=ReceivingRate 5b1f17b1804b1-4a1b2c3d4e5si123456715e.12 - gsmtp' },
  { id: 'gmail-message-too-big', category: 'message-too-big', source: 'gmail', enhanced: ['5.3.4'],
    text: [/p=MaxSizeError|exceeded Google's message size limits/i],
    sample: "552-5.3.4 Your message exceeded Google's message size limits. Please visit\r\n552-5.3.4  https://support.google.com/mail/?p=MaxSizeError to view our size\r\n552 5.3.4 guidelines. 2adb3069b0e04-5a1b2c3d4e5si1234567e87.123 - gsmtp" },
  // Both the 421 and the 550 "unusual rate" replies ask for a lower rate from our IP:
  // the remedy is to slow down, so they throttle rather than wait as a block would.
  { id: 'gmail-ip-rate-limited', category: 'rate-limited', source: 'gmail', codes: [400, 499],
    text: [/p=UnsolicitedRateLimitError|unusual rate of/i],
    sample: '421-4.7.0 [192.0.2.10      15] Our system has detected an unusual rate of\r\n421-4.7.0 unsolicited mail originating from your IP address. To protect our\r\n421-4.7.0 users from spam, mail sent from your IP address has been temporarily\r\n421-4.7.0 rate limited. Please visit\r\n421-4.7.0  https://support.google.com/mail/?p=UnsolicitedRateLimitError to\r\n421 4.7.0 review our Bulk Email Senders Guidelines. 41be03b00d2f7-7a1b2c3d4e5si1234567a12.456 - gsmtp' },
  { id: 'gmail-ip-unusual-rate-blocked', category: 'rate-limited', source: 'gmail', codes: [500, 599],
    text: [/p=UnsolicitedIPError|unusual rate of/i],
    sample: '550-5.7.1 [192.0.2.10      12] Our system has detected an unusual rate of\r\n550-5.7.1 unsolicited mail originating from your IP address. To protect our\r\n550-5.7.1 users from spam, mail sent from your IP address has been blocked.\r\n550-5.7.1 Please visit\r\n550-5.7.1  https://support.google.com/mail/?p=UnsolicitedIPError to review our\r\n550 5.7.1 Bulk Email Senders Guidelines. 5b1f17b1804b1-4a1b2c3d4e5si1234567f09.34 - gsmtp' },
  { id: 'gmail-unsolicited-message', category: 'content-rejected', source: 'gmail',
    text: [/p=UnsolicitedMessageError|message is\s+likely unsolicited mail/i],
    sample: '550-5.7.1 [192.0.2.10      12] Our system has detected that this message is\r\n550-5.7.1 likely unsolicited mail. To reduce the amount of spam sent to Gmail,\r\n550-5.7.1 this message has been blocked. Please visit\r\n550-5.7.1  https://support.google.com/mail/?p=UnsolicitedMessageError\r\n550 5.7.1  for more information. 2adb3069b0e04-5a1b2c3d4e5si1234567e87.45 - gsmtp' },
  { id: 'gmail-ip-not-authorized', category: 'policy-block', source: 'gmail',
    text: [/p=NotAuthorizedError|not authorized to\s+send email directly to our servers/i],
    sample: "550-5.7.1 [192.0.2.10] The IP you're using to send mail is not authorized to\r\n550-5.7.1 send email directly to our servers. Please use the SMTP relay at your\r\n550-5.7.1 service provider instead. For more information, go to\r\n550 5.7.1  https://support.google.com/mail/?p=NotAuthorizedError d9443c01a7336-1f1b2c3d4e5si1234567ad.123 - gsmtp" },
  { id: 'gmail-dmarc-rejection', category: 'auth-failure', source: 'gmail', enhanced: ['5.7.26'],
    text: [/p=DmarcRejection|domain's DMARC policy/i],
    sample: "550-5.7.26 Unauthenticated email from example.org is not accepted due to\r\n550-5.7.26 domain's DMARC policy. Please contact the administrator of\r\n550-5.7.26 example.org domain if this was a legitimate mail. To learn about the\r\n550-5.7.26 DMARC initiative, go to\r\n550 5.7.26  https://support.google.com/mail/?p=DmarcRejection 5b1f17b1804b1-4a1b2c3d4e5si1234567f09.35 - gsmtp" },
  // Google's own transient failure: nothing to throttle, nothing to blame.
  { id: 'gmail-temporary-system-problem', category: 'other', source: 'gmail', enhanced: ['4.3.0'],
    text: [/Temporary System Problem/i],
    sample: '421-4.3.0 Temporary System Problem.  Try again later (10). 41be03b00d2f7-7a1b2c3d4e5si1234567a12.789 - gsmtp' },
];

const MICROSOFT: readonly BounceRule[] = [
  // 5.7.606–5.7.649 all read "banned sending IP"; the text, not the code, carries the verdict.
  { id: 'microsoft-banned-sending-ip', category: 'policy-block', source: 'microsoft', text: [/banned sending IP/i],
    sample: '550 5.7.606 Access denied, banned sending IP [192.0.2.10]. To request removal from this list please visit https://sender.office.com/ and follow the directions. For more information please go to  http://go.microsoft.com/fwlink/?LinkID=526655 AS(1430) [DM6NAM12FT033.eop-nam12.prod.protection.outlook.com 2024-05-02T10:11:12.123Z 08DC6A1B2C3D4E5F]' },
  { id: 'microsoft-network-on-block-list', category: 'policy-block', source: 'microsoft', text: [/\bS3140\b|network is on our block list/i],
    sample: "550 5.7.1 Unfortunately, messages from [192.0.2.10] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3140). You can also refer your provider to http://mail.live.com/mail/troubleshooting.aspx#errors. [AM4PEPF00025F97.EURPRD83.prod.outlook.com 2024-05-02T10:11:12.123Z 08DC6A1B2C3D4E5F]" },
  { id: 'microsoft-traffic-not-accepted', category: 'policy-block', source: 'microsoft', text: [/traffic not accepted from this IP/i],
    sample: '550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP. For more information please go to http://go.microsoft.com/fwlink/?LinkId=526653 AS(7171) [BN8NAM11FT066.eop-nam11.prod.protection.outlook.com 2024-05-02T10:11:12.123Z 08DC6A1B2C3D4E5F]' },
  // Outlook.com answers an unknown consumer mailbox with 5.5.0, which would otherwise read as protocol.
  { id: 'microsoft-outlook-mailbox-unavailable', category: 'invalid-recipient', source: 'microsoft', enhanced: ['5.5.0'],
    text: [/mailbox unavailable/i, /\(S\d{6,12}\)|outlook\.com|hotmail/i],
    sample: '550 5.5.0 Requested action not taken: mailbox unavailable (S2017062302). [AM4PEPF00025F97.EURPRD83.prod.outlook.com 2024-05-02T10:11:12.123Z 08DC6A1B2C3D4E5F]' },
  { id: 'microsoft-recipient-not-found', category: 'invalid-recipient', source: 'microsoft', text: [/RESOLVER\.ADR\.RecipientNotFound/i],
    sample: '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient bob@contoso.example not found by SMTP address lookup' },
  // Directory-based edge blocking: Exchange Online's answer for an address not in the tenant.
  { id: 'microsoft-recipient-access-denied', category: 'invalid-recipient', source: 'microsoft', enhanced: ['5.4.1'],
    text: [/Recipient address rejected: Access denied/i],
    sample: '550 5.4.1 Recipient address rejected: Access denied. For more information see https://aka.ms/EXOSmtpErrors [SN1PEPF0002636E.namprd02.prod.outlook.com 2024-05-02T10:11:12.123Z 08DC6A1B2C3D4E5F]' },
  { id: 'microsoft-nonexistent-domain', category: 'invalid-domain', source: 'microsoft', text: [/SMTPSEND\.DNS\.NonExistentDomain/i],
    sample: '550 5.4.4 SMTPSEND.DNS.NonExistentDomain; nonexistent domain' },
  { id: 'microsoft-server-busy', category: 'rate-limited', source: 'microsoft', enhanced: ['4.7.500', '4.7.650', '4.7.652'],
    sample: '451 4.7.500 Server busy. Please try again later from [192.0.2.10]. (AS77712344) [BN1NAM02FT047.eop-nam02.prod.protection.outlook.com 2024-05-02T10:11:12.123Z 08DC6A1B2C3D4E5F]' },
  { id: 'microsoft-dmarc-reject', category: 'auth-failure', source: 'microsoft', enhanced: ['5.7.509', '5.7.515'],
    sample: '550 5.7.509 Access denied, sending domain example.org does not pass DMARC verification and has a DMARC policy of reject. [BN8NAM11FT066.eop-nam11.prod.protection.outlook.com 2024-05-02T10:11:12.123Z 08DC6A1B2C3D4E5F]' },
];

const YAHOO: readonly BounceRule[] = [
  // TSS04/TSS05/TS01/TS02 are rate-limited, not policy-block: Yahoo defers an IP whose
  // volume or complaint rate jumped, and lifts it as the rate falls; slowing down is
  // the remedy, and a throttle still retries. "Permanently deferred" (TSS09) is the block.
  { id: 'yahoo-temporarily-deferred', category: 'rate-limited', source: 'yahoo', codes: [400, 499],
    text: [/\[TSS?0[1245]\]/i],
    sample: '421 4.7.0 [TSS04] Messages from 192.0.2.10 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes' },
  { id: 'yahoo-permanently-deferred', category: 'policy-block', source: 'yahoo', text: [/\[TSS?0[39]\]|permanently deferred/i],
    sample: '421 4.7.0 [TSS09] All messages from 192.0.2.10 will be permanently deferred; Retrying will NOT succeed. See https://postmaster.yahooinc.com/error-codes' },
  { id: 'yahoo-bl21-spamhaus', category: 'policy-block', source: 'yahoo', text: [/\[BL2\d\]/i],
    sample: "553 5.7.1 [BL21] Connections will not be accepted from 192.0.2.10, because the ip is in Spamhaus's list; see http://postmaster.yahoo.com/errors/550-bl23.html" },
  { id: 'yahoo-no-such-account', category: 'invalid-recipient', source: 'yahoo', text: [/dd This user doesn't have a \S{1,64} account/i],
    sample: "554 delivery error: dd This user doesn't have a yahoo.com account (bob@yahoo.com) [0] - mta1234.mail.gq1.yahoo.com" },
  { id: 'yahoo-mailbox-disabled', category: 'mailbox-disabled', source: 'yahoo', text: [/This mailbox is disabled/i],
    sample: '554 delivery error: dd Sorry your message to bob@yahoo.com cannot be delivered. This mailbox is disabled (554.30). - mta4103.mail.bf1.yahoo.com' },
  // Yahoo ties 5.7.9 to the message (content, links, authentication), not to the IP; unverified wording.
  { id: 'yahoo-policy-reasons', category: 'content-rejected', source: 'yahoo', enhanced: ['5.7.9'],
    text: [/not accepted for policy reasons/i],
    sample: '554 5.7.9 Message not accepted for policy reasons.  See https://postmaster.yahooinc.com/error-codes' },
];

// Orange and La Poste share one platform; texts are bilingual and end with an OFR/LPN code.
const ORANGE: readonly BounceRule[] = [
  { id: 'orange-invalid-recipient', category: 'invalid-recipient', source: 'orange', text: [/\bOFR_?416\b/i],
    sample: '550 5.1.1 Adresse d au moins un destinataire invalide. Invalid recipient. OFR_416 [416]' },
  // Orange sends 5.1.1 with a full mailbox; the OFR code is what counts.
  { id: 'orange-mailbox-full', category: 'mailbox-full', source: 'orange', text: [/\bOFR_?417\b/i],
    sample: '552 5.1.1 Boite du destinataire pleine. Recipient overquota. OFR_417 [417]' },
  { id: 'orange-message-too-big', category: 'message-too-big', source: 'orange', text: [/\bOFR_?514\b/i],
    sample: '550 5.2.0 Taille limite du message atteinte. Maximum size of the message reached. OFR_514 [514]' },
  { id: 'orange-too-many-connections', category: 'rate-limited', source: 'orange', text: [/\bOFR\d{0,3}_104\b/i],
    sample: '421 mwinf5c27 ME Trop de connexions, veuillez verifier votre configuration. Too many connections, slow down. OFR004_104 [104]' },
  { id: 'orange-ip-blocked-spam', category: 'policy-block', source: 'orange', text: [/\bOFR\d{0,3}_10[23]\b/i],
    sample: '550 mwinf5c14 ME Adresse IP source bloquee pour incident de spam. Client host blocked for spamming issues. OFR006_102 Ref http://csi.cloudmark.com/reset-request/?ip=192.0.2.10 [102]' },
  // OFR_999: the IP is suspended for hours after earlier warnings were ignored.
  { id: 'orange-ip-suspended', category: 'policy-block', source: 'orange', text: [/\bOFR_?999\b/i],
    sample: '421 mwinf5c40 ME Service refuse. Veuillez essayer plus tard. Service refused, please try later. OFR_999 [999]' },
];

const LAPOSTE: readonly BounceRule[] = [
  { id: 'laposte-invalid-recipient', category: 'invalid-recipient', source: 'laposte', text: [/\bLPN\d{0,3}_?416\b/i],
    sample: '550 5.1.1 Adresse d au moins un destinataire invalide. Invalid recipient. LPN416 [416]' },
  { id: 'laposte-archived-recipient', category: 'mailbox-disabled', source: 'laposte', text: [/\bLPN\d{0,3}_420\b|Archived recipient/i],
    sample: '550 5.1.1 Boite du destinataire archivee. Archived recipient. LPN004_420 [420]' },
  // 5.5.0 here is not a protocol error: La Poste uses it for its SPF refusal.
  { id: 'laposte-spf-refused', category: 'auth-failure', source: 'laposte', text: [/\bLPN\d{0,3}_401\b/i],
    sample: '550 5.5.0 SPF: 192.0.2.10 is not allowed to send mail. LPN004_401' },
  { id: 'laposte-service-refused', category: 'policy-block', source: 'laposte', text: [/service refus/i, /\bLPN/i],
    sample: '550 5.5.0 Service refuse. Veuillez essayer plus tard. service refused, please try later. LPN007_510' },
];

const FREE: readonly BounceRule[] = [
  { id: 'free-too-many-spams', category: 'policy-block', source: 'free', text: [/Too many spams from your IP/i],
    sample: '421 Too many spams from your IP (192.0.2.10), please visit http://postmaster.free.fr/' },
  { id: 'free-too-many-errors', category: 'policy-block', source: 'free', text: [/too many errors from your ip/i],
    sample: '451 too many errors from your ip (192.0.2.10), please visit http://postmaster.free.fr/' },
  { id: 'free-anti-trojan-blacklist', category: 'policy-block', source: 'free', text: [/anti-troyan rule/i],
    sample: '421 Your IP (192.0.2.10) is temporary blacklisted by an anti-troyan rule, retry later and/or visit http://postmaster.free.fr/' },
  { id: 'free-spam-detected', category: 'content-rejected', source: 'free', codes: [500, 599], text: [/^spam detected$/i],
    sample: '550 spam detected' },
];

const SFR: readonly BounceRule[] = [
  // SFR_IN_1xx are two-hour IP blocks (spam, virus, unknown users, volume); unverified wording.
  { id: 'sfr-in-ip-block', category: 'policy-block', source: 'sfr', text: [/\bSFR_IN_\d{3}\b/i],
    sample: '450 4.7.1 Service refuse suite a un mauvais comportement - Trop de spams / Service refused due to bad behavior - Too many spams. SFR_IN_101' },
  // Postfix's smtpd_hard_error_limit answer: our session erred, not our reputation.
  { id: 'sfr-too-many-errors', category: 'protocol', source: 'sfr', text: [/\.sfr\.fr\b/i, /Error: too many errors/i],
    sample: '421 4.7.0 msfrf2604.sfr.fr Error: too many errors' },
];

// GMX and web.de use no enhanced status codes; the last line links to the postmaster case.
const GMX: readonly BounceRule[] = [
  { id: 'gmx-ip-block-listed', category: 'policy-block', source: 'gmx', text: [/postmaster\.(gmx|web)\./i, /block ?listed/i],
    sample: '554-gmx.net (mxgmx104) Nemesis ESMTP Service not available\r\n554-No SMTP service\r\n554-IP address is block listed.\r\n554 For explanation visit https://postmaster.gmx.net/en/case?c=r0201&i=ip&v=192.0.2.10&r=1MNcgj-1ue23t3pyV-00S2YR' },
  { id: 'gmx-mailbox-unavailable', category: 'invalid-recipient', source: 'gmx', text: [/mailbox unavailable/i, /postmaster\.(gmx|web)\./i],
    sample: '550-Requested action not taken: mailbox unavailable\r\n550 For explanation visit https://postmaster.gmx.net/en/case?c=i0101&i=rcpt&v=bob%40gmx.net&r=1MNcgj-1ue23t3pyV-00S2YR' },
];

// Apple points every policy reply at HT204137.
const ICLOUD: readonly BounceRule[] = [
  { id: 'icloud-excessive-volume', category: 'rate-limited', source: 'icloud', text: [/deferred due to excessive volume/i],
    sample: '421 4.7.1 Messages to bob@icloud.com deferred due to excessive volume. Try again later - https://support.apple.com/en-us/HT204137' },
  { id: 'icloud-over-quota', category: 'mailbox-full', source: 'icloud', enhanced: ['*.2.2'], text: [/user is overquota/i],
    sample: '450 4.2.2 <bob@icloud.com>: user is overquota' },
  // CS01 is Apple's reputation filter on the sending IP; unverified that it never concerns content.
  { id: 'icloud-cs01-local-policy', category: 'policy-block', source: 'icloud', text: [/\[CS0\d\]/i],
    sample: '550 5.7.1 [CS01] Message rejected due to local policy. Please visit https://support.apple.com/en-us/HT204137' },
  { id: 'icloud-dmarc-policy', category: 'auth-failure', source: 'icloud', text: [/rejected due to \S{1,255} DMARC policy/i],
    sample: "550 5.7.1 Your message was rejected due to example.org's DMARC policy. See https://support.apple.com/en-us/HT204137 for details." },
  // A domain in the message is listed, not our IP: the content is at fault.
  { id: 'icloud-spamhaus-dbl', category: 'content-rejected', source: 'icloud', text: [/domain present in the Spamhaus DBL/i],
    sample: '550 5.7.1 Your email was rejected due to having a domain present in the Spamhaus DBL -- see https://www.spamhaus.org/dbl/' },
];

const PROTON: readonly BounceRule[] = [
  // Proton rarely refuses at RCPT; wording from user reports, unverified against a capture.
  { id: 'proton-address-does-not-exist', category: 'invalid-recipient', source: 'proton', enhanced: ['5.1.1'],
    text: [/Address does not exist/i],
    sample: '550 5.1.1 <bob@proton.me>: Recipient address rejected: Address does not exist' },
];

const ZOHO: readonly BounceRule[] = [
  { id: 'zoho-virus-detected', category: 'content-rejected', source: 'zoho', text: [/detected by Zoho Mail/i],
    sample: '552 5.7.1 virus Eicar-Test-Signature detected by Zoho Mail' },
  { id: 'zoho-dmarc-policy', category: 'auth-failure', source: 'zoho', text: [/Email rejected per DMARC policy/i],
    sample: '550 5.7.1 Email rejected per DMARC policy for example.org' },
  // Zoho's "550 5.1.1 <…> User unknown" carries no Zoho marker; the generic rules classify it.
];

/** Receiver-specific rules, most specific first. */
export const RECEIVER_RULES: readonly BounceRule[] = [
  ...GMAIL, ...MICROSOFT, ...YAHOO, ...ORANGE, ...LAPOSTE, ...FREE, ...SFR, ...GMX, ...ICLOUD, ...PROTON, ...ZOHO,
];
