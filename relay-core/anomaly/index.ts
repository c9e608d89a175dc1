// anomaly — sees a compromised account coming and stops it, live. Per sender
// (the SMTP login; without AUTH, the envelope sender as `from:ADDRESS`) it
// counts messages and distinct destination domains in a sliding window, in
// memory, and compares them with a baseline learned per hour in the database
// (moving averages of hourly volume and distinct domains with their usual
// deviation and a fading peak; shared by nodes, kept across restarts), scaled
// by how busy the rest of the relay is, so that a newsletter day holds nobody.
// It also watches each sender's recent bounce rate and enforces per-user
// hourly and daily quotas. A spike raises an alert (once per sender and hour)
// and, by policy, holds the sender (451 4.7.1 at MAIL FROM, its queued mail
// held until an admin releases it) or throttles it (451 4.7.1 while over its
// usual rate). Over quota: 451 4.7.1, no hold.
// It does not store or log a sender together with a recipient or a
// destination domain: domains are counted as hashes in memory and dropped,
// only counts are written. It does not decide what a bounce is (bounces/),
// nor talk SMTP (submission/ calls check and accepted through SubmissionGate).
// Emits: alert.raised (kind `spike`, subject the sender key).
// Config keys read (through server/): anomaly.action, anomaly.windowMinutes,
// anomaly.factor, anomaly.minMessages, anomaly.baselineHours,
// anomaly.bounceRate, anomaly.minBounceSample, anomaly.distinctDomainsFactor,
// anomaly.minDistinctDomains, anomaly.flushIntervalMs.
export { AnomalyService, describeSpike, RELEASE_GRACE_MS } from './anomaly-service.ts';
export type { AnomalyServiceOptions, GateRefusal } from './anomaly-service.ts';
export { emptyBaseline, learnHour, usualMax, PEAK_HALF_LIFE_HOURS } from './baseline.ts';
export type { Baseline, HourFigures, Usual } from './baseline.ts';
export { SpikeDetector } from './detector.ts';
export type { AnomalySettings, Quota, RemoteCounts, Spike, SpikeSignal, VolumeRow } from './detector.ts';
export { AnomalyError, parseSenderKey, senderKeyOf } from './sender-key.ts';
export type { AnomalyErrorCode } from './sender-key.ts';
export type { SenderHold } from './store.ts';
