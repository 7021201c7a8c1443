import { availableParallelism, hostname } from 'node:os';
import { z } from 'zod';
import { Id, weakSecretProblem } from '@ehop/protocol';
import { DEFAULT_PEER_LIMITS, type PeerLimits } from './media/peer-limits.js';
import { DEFAULT_LAYER_LINGER_MS } from './media/send-layers.js';

const Port = z.coerce.number().int().min(1).max(65_535);
const LogLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);
const DEV_SECRET = 'dev-sfu-secret';
const PerPeerCap = z.coerce.number().int().min(1).max(10_000);
/**
 * Long enough for signaling's link to come back after a blip (it retries within 1-2 s), short
 * enough that the peers of a crashed node are gone before most of its browsers have rejoined.
 */
export const DEFAULT_NODE_GRACE_MS = 5_000;

const EnvSchema = z
  .object({
    NODE_ENV: z.string().default('development'),
    SFU_HOST: z.string().min(1).default('127.0.0.1'),
    SFU_PORT: Port.default(4000),
    SFU_SECRET: z.string().min(8).optional(),
    /** TLS for the internal API (signaling then uses an https SFU_URL and trusts the CA in SFU_CA_FILE). */
    SFU_TLS_CERT_FILE: z.string().min(1).optional(),
    SFU_TLS_KEY_FILE: z.string().min(1).optional(),
    SFU_WORKERS: z.coerce.number().int().min(1).max(128).default(() => availableParallelism()),
    /** Worker i's WebRtcServer listens on RTC_PORT + i, UDP and TCP: the only media ports browsers use. */
    RTC_PORT: z.coerce.number().int().min(0).max(65_535).default(40_000),
    /** Internal range for plain transports (recording, synthetic endpoints): never reached by browsers. */
    RTC_MIN_PORT: Port.default(41_000),
    RTC_MAX_PORT: Port.default(41_999),
    RTC_LISTEN_IP: z.string().min(1).default('127.0.0.1'),
    /** The address browsers reach us at when RTC_LISTEN_IP is 0.0.0.0 or behind NAT. */
    RTC_ANNOUNCED_IP: z.string().min(1).optional(),
    /** Where the recorder's plain transports send from (default RTC_LISTEN_IP): reachable by the signaling host that records. */
    SFU_RECORDER_LISTEN_IP: z.string().min(1).optional(),
    /** Where links to other SFU nodes carrying the same meeting listen (pipe transports, SRTP; default RTC_LISTEN_IP). */
    SFU_LINK_LISTEN_IP: z.ipv4().optional(),
    /** The address other SFU nodes reach this one's links at (behind NAT, or listening on 0.0.0.0); default RTC_ANNOUNCED_IP when the links listen on RTC_LISTEN_IP. */
    SFU_LINK_ANNOUNCED_IP: z.ipv4().optional(),
    LOG_LEVEL: LogLevel.default('info'),
    /** `all-to-all` is the old rule (everyone receives everyone), kept as the benchmarks' baseline. */
    SFU_FORWARDING: z.enum(['conference', 'all-to-all']).default('conference'),
    /** `single`: a meeting lives on one worker. `spread`: each new peer goes to the least-loaded worker, the meeting's routers linked by pipes. */
    SFU_ROOM_SPREAD: z.enum(['single', 'spread']).default('single'),
    /** Benchmarks and tests only: lets the internal API create plain RTP transports for synthetic endpoints. */
    SFU_ENABLE_PLAIN_RTP: z.enum(['0', '1', 'true', 'false']).default('0'),
    /** How long (ms) a camera keeps sending a simulcast layer after its last receiver left it. */
    SFU_LAYER_LINGER_MS: z.coerce.number().int().min(0).max(600_000).default(DEFAULT_LAYER_LINGER_MS),
    /** Benchmarks only: logs when each step between a new consumer and its first picture happens (media-trace.ts). */
    SFU_MEDIA_TRACE: z.enum(['0', '1', 'true', 'false']).default('0'),
    /** What one peer may hold: every transport takes a port, so one peer must not take them all. */
    SFU_MAX_TRANSPORTS_PER_PEER: PerPeerCap.default(DEFAULT_PEER_LIMITS.transport),
    SFU_MAX_PRODUCERS_PER_PEER: PerPeerCap.default(DEFAULT_PEER_LIMITS.producer),
    SFU_MAX_CONSUMERS_PER_PEER: PerPeerCap.default(DEFAULT_PEER_LIMITS.consumer),
    /** How long (ms) a signaling node's peers outlive its last connection before the SFU closes them. */
    SFU_NODE_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(DEFAULT_NODE_GRACE_MS),
    /**
     * Several SFU nodes: each announces itself in the project's Redis (its own ACL user `sfu`), and
     * signaling finds them there instead of one SFU_URL. Unset: a lone SFU signaling reaches by SFU_URL.
     */
    SFU_REDIS_URL: z.string().regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL').optional(),
    /** This node's name in the registry (letters, digits, _ and -); default: the host name and API port. */
    SFU_NODE_ID: Id.optional(),
    /** Where signaling reaches this node's internal API; default: the URL it listens on. */
    SFU_ADVERTISED_URL: z.url().optional(),
    /** The unit (a district, or the province) whose meetings this node serves first. */
    SFU_UNIT_ID: Id.optional(),
  })
  .refine((env) => !env.SFU_REDIS_URL || env.SFU_ADVERTISED_URL || !['0.0.0.0', '::'].includes(env.SFU_HOST), {
    message: 'SFU_ADVERTISED_URL is required with SFU_REDIS_URL when SFU_HOST listens on every address',
    path: ['SFU_ADVERTISED_URL'],
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
  .refine((env) => Boolean(env.SFU_TLS_CERT_FILE) === Boolean(env.SFU_TLS_KEY_FILE), {
    message: 'SFU_TLS_CERT_FILE and SFU_TLS_KEY_FILE go together',
    path: ['SFU_TLS_KEY_FILE'],
  })
  // A well-known or short secret in production would let anyone on the network drive the SFU.
  .superRefine((env, ctx) => {
    if (env.NODE_ENV !== 'production') return;
    const problem = env.SFU_SECRET === undefined ? 'is required in production' : weakSecretProblem(env.SFU_SECRET);
    if (problem) ctx.addIssue({ code: 'custom', path: ['SFU_SECRET'], message: `SFU_SECRET ${problem}` });
  });

export interface SfuConfig {
  host: string;
  port: number;
  secret: string;
  /** The internal API serves HTTPS with this certificate; null: plain HTTP (a private network only). */
  tls: { certFile: string; keyFile: string } | null;
  workers: number;
  rtc: {
    /** Worker i's WebRtcServer: UDP and TCP port + i; 0 = free ports from the internal range, kept across restarts of a worker. */
    port: number;
    /** The internal range (plain transports). */
    minPort: number;
    maxPort: number;
    listenIp: string;
    announcedIp: string | undefined;
    /** The recorder's plain transports' address. */
    recorderListenIp: string;
    /** Links to other SFU nodes: where they listen, and the address announced to the far node. */
    linkListenIp: string;
    linkAnnouncedIp: string | undefined;
  };
  logLevel: z.infer<typeof LogLevel>;
  forwarding: 'conference' | 'all-to-all';
  /** One worker per meeting, or a meeting's peers spread over the node's workers (room-routers.ts). */
  roomSpread: 'single' | 'spread';
  enablePlainRtp: boolean;
  layerLingerMs: number;
  mediaTrace: boolean;
  peerLimits: PeerLimits;
  nodeGraceMs: number;
  /** Announcing this node in Redis for signaling to find (null: a lone SFU reached by SFU_URL). */
  cluster: ClusterConfig | null;
}

export interface ClusterConfig {
  redisUrl: string;
  nodeId: string;
  /** null: the URL the internal API listens on. */
  advertisedUrl: string | null;
  unitId: string | null;
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
    tls: e.SFU_TLS_CERT_FILE && e.SFU_TLS_KEY_FILE ? { certFile: e.SFU_TLS_CERT_FILE, keyFile: e.SFU_TLS_KEY_FILE } : null,
    workers: e.SFU_WORKERS,
    rtc: { port: e.RTC_PORT, minPort: e.RTC_MIN_PORT, maxPort: e.RTC_MAX_PORT, listenIp: e.RTC_LISTEN_IP,
      announcedIp: e.RTC_ANNOUNCED_IP,
      recorderListenIp: e.SFU_RECORDER_LISTEN_IP ?? e.RTC_LISTEN_IP,
      linkListenIp: e.SFU_LINK_LISTEN_IP ?? e.RTC_LISTEN_IP,
      // The browsers' announced address fits the links only if they listen where the browsers' media does.
      linkAnnouncedIp: e.SFU_LINK_ANNOUNCED_IP ?? (e.SFU_LINK_LISTEN_IP === undefined ? e.RTC_ANNOUNCED_IP : undefined),
    },
    logLevel: e.LOG_LEVEL,
    forwarding: e.SFU_FORWARDING,
    roomSpread: e.SFU_ROOM_SPREAD,
    enablePlainRtp: isOn(e.SFU_ENABLE_PLAIN_RTP),
    layerLingerMs: e.SFU_LAYER_LINGER_MS,
    mediaTrace: isOn(e.SFU_MEDIA_TRACE),
    peerLimits: { transport: e.SFU_MAX_TRANSPORTS_PER_PEER, producer: e.SFU_MAX_PRODUCERS_PER_PEER, consumer: e.SFU_MAX_CONSUMERS_PER_PEER },
    nodeGraceMs: e.SFU_NODE_GRACE_MS,
    cluster: e.SFU_REDIS_URL
      ? {
          redisUrl: e.SFU_REDIS_URL,
          nodeId: e.SFU_NODE_ID ?? `${hostname().replace(/[^A-Za-z0-9_-]/g, '-')}-${e.SFU_PORT}`,
          advertisedUrl: e.SFU_ADVERTISED_URL ?? null,
          unitId: e.SFU_UNIT_ID ?? null,
        }
      : null,
  };
}
