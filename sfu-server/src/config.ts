import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { DEFAULT_LAYER_LINGER_MS } from './media/send-layers.js';

const Port = z.coerce.number().int().min(1).max(65_535);
const LogLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);
const DEV_SECRET = 'dev-sfu-secret';

const EnvSchema = z
  .object({
    NODE_ENV: z.string().default('development'),
    SFU_HOST: z.string().min(1).default('127.0.0.1'),
    SFU_PORT: Port.default(4000),
    SFU_SECRET: z.string().min(8).optional(),
    SFU_WORKERS: z.coerce.number().int().min(1).max(128).default(() => availableParallelism()),
    /** Worker i's WebRtcServer listens on RTC_PORT + i, UDP and TCP: the only media ports browsers use. */
    RTC_PORT: z.coerce.number().int().min(0).max(65_535).default(40_000),
    /** Internal range for plain transports (recording, synthetic endpoints): never reached by browsers. */
    RTC_MIN_PORT: Port.default(41_000),
    RTC_MAX_PORT: Port.default(41_999),
    RTC_LISTEN_IP: z.string().min(1).default('127.0.0.1'),
    /** The address browsers reach us at when RTC_LISTEN_IP is 0.0.0.0 or behind NAT. */
    RTC_ANNOUNCED_IP: z.string().min(1).optional(),
    LOG_LEVEL: LogLevel.default('info'),
    /** `all-to-all` is the old rule (everyone receives everyone), kept as the benchmarks' baseline. */
    SFU_FORWARDING: z.enum(['conference', 'all-to-all']).default('conference'),
    /** Benchmarks and tests only: lets the internal API create plain RTP transports for synthetic endpoints. */
    SFU_ENABLE_PLAIN_RTP: z.enum(['0', '1', 'true', 'false']).default('0'),
    /** How long (ms) a camera keeps sending a simulcast layer after its last receiver left it. */
    SFU_LAYER_LINGER_MS: z.coerce.number().int().min(0).max(600_000).default(DEFAULT_LAYER_LINGER_MS),
    /** Benchmarks only: logs when each step between a new consumer and its first picture happens (media-trace.ts). */
    SFU_MEDIA_TRACE: z.enum(['0', '1', 'true', 'false']).default('0'),
  })
  .refine((env) => env.RTC_MIN_PORT <= env.RTC_MAX_PORT, {
    message: 'RTC_MIN_PORT must not exceed RTC_MAX_PORT',
    path: ['RTC_MIN_PORT'],
  })
  .refine((env) => env.RTC_PORT === 0 || env.RTC_PORT + env.SFU_WORKERS - 1 <= 65_535, {
    message: 'RTC_PORT + SFU_WORKERS - 1 must be a port (at most 65535)',
    path: ['RTC_PORT'],
  })
  // A plain transport taking a worker's port from the range would keep its replacement from listening there.
  .refine((env) => env.RTC_PORT === 0 || env.RTC_PORT + env.SFU_WORKERS - 1 < env.RTC_MIN_PORT || env.RTC_PORT > env.RTC_MAX_PORT, {
    message: 'RTC_PORT .. RTC_PORT + SFU_WORKERS - 1 (the browsers\' ports) must lie outside RTC_MIN_PORT .. RTC_MAX_PORT (the internal range)',
    path: ['RTC_PORT'],
  })
  // Synthetic endpoints are a test tool; in production they would be a way around DTLS.
  .refine((env) => env.NODE_ENV !== 'production' || !isOn(env.SFU_ENABLE_PLAIN_RTP), {
    message: 'SFU_ENABLE_PLAIN_RTP is for benchmarks and tests, not production',
    path: ['SFU_ENABLE_PLAIN_RTP'],
  })
  // A well-known secret in production would let anyone on the network drive the SFU.
  .refine((env) => env.NODE_ENV !== 'production' || (env.SFU_SECRET !== undefined && env.SFU_SECRET !== DEV_SECRET), {
    message: 'SFU_SECRET is required in production',
    path: ['SFU_SECRET'],
  });

export interface SfuConfig {
  host: string;
  port: number;
  secret: string;
  workers: number;
  rtc: {
    /** Worker i's WebRtcServer: UDP and TCP port + i; 0 = free ports from the internal range, kept across restarts of a worker. */
    port: number;
    /** The internal range (plain transports). */
    minPort: number;
    maxPort: number;
    listenIp: string;
    announcedIp: string | undefined;
  };
  logLevel: z.infer<typeof LogLevel>;
  forwarding: 'conference' | 'all-to-all';
  enablePlainRtp: boolean;
  layerLingerMs: number;
  mediaTrace: boolean;
}

function isOn(flag: string): boolean {
  return flag === '1' || flag === 'true';
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads the SFU's settings from environment variables; throws ConfigError listing every bad one. */
export function loadConfig(env: NodeJS.ProcessEnv): SfuConfig {
  // `FOO=` in an env file means "not set", not "the empty string".
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) throw new ConfigError(`Invalid SFU configuration:\n${z.prettifyError(parsed.error)}`);
  const e = parsed.data;
  return {
    host: e.SFU_HOST,
    port: e.SFU_PORT,
    secret: e.SFU_SECRET ?? DEV_SECRET,
    workers: e.SFU_WORKERS,
    rtc: { port: e.RTC_PORT, minPort: e.RTC_MIN_PORT, maxPort: e.RTC_MAX_PORT, listenIp: e.RTC_LISTEN_IP, announcedIp: e.RTC_ANNOUNCED_IP },
    logLevel: e.LOG_LEVEL,
    forwarding: e.SFU_FORWARDING,
    enablePlainRtp: isOn(e.SFU_ENABLE_PLAIN_RTP),
    layerLingerMs: e.SFU_LAYER_LINGER_MS,
    mediaTrace: isOn(e.SFU_MEDIA_TRACE),
  };
}
