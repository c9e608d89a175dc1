// federation — level 1 (docs/federation.md): this relay's ed25519 identity,
// the federation address hash (scheme f1, keyed by the network key), signed
// events made from recipient-side delivery facts, the feed served to peers,
// the sync worker pulling theirs, and local rules turning shared evidence
// into RCPT refusals. Never sends a plaintext address anywhere.
// Config keys read (through server/): federation.*.
export { FederationService } from './service.ts';
export type { AddressFact, FederationSettings, Whoami } from './service.ts';
export { FederationIdentity } from './identity.ts';
export { FederationError } from './peers.ts';
export type { NewPeer, Peer, PeerHealth, PeerRejection } from './peers.ts';
export type { SyncResult } from './sync.ts';
export type { AddressStatus } from './verdicts.ts';
export type { Verdict } from './rules.ts';
export { certificateFingerprint } from './peer-fetch.ts';
