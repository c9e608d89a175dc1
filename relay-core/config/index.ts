// config — loads relais settings from a TOML file and RELAIS_* environment
// variables (env wins), validates them with one zod schema, and prints them.
// It does not read files other than the one it is given, and no component
// imports it as a global: server/ loads it once and hands each part its slice.
// Emits no events.
export { loadConfig, checkConfigFile, describeConfig, ConfigError } from './load.ts';
export type { Config } from './load.ts';
export type { Cidr, HostPort, Route } from './parse.ts';
export { KEYS } from './keys.ts';
