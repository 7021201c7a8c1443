import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { z } from 'zod';
import { weakSecretProblem } from '@ehop/protocol';

const DEV_SESSION_SECRET = 'dev-session-secret-change-me';
const DEV_SFU_SECRET = 'dev-sfu-secret';
const DEFAULT_SFU_URL = 'http://127.0.0.1:4000';
/**
 * Development and tests only: a FIXED value (not generated per process) so that several local
 * nodes, and a node restarted in a test, can still open the ballots sealed before. Production
 * refuses it.
 */
export const DEV_BALLOT_SECRET = 'dev-ballot-secret-not-for-production-use';
/** 32 characters: a random value of at least 192 bits in base64 (`openssl rand -base64 32` gives 44). */
const MIN_BALLOT_SECRET_LENGTH = 32;

/** From `signaling/dist/config.js` (or `src/` under tests) to the built web app. */
const DEFAULT_CLIENT_DIST = fileURLToPath(new URL('../../client/dist', import.meta.url));
/** The project's data folder (scripts/lib/common.sh uses the same default). */
const DEFAULT_DATA_DIR = fileURLToPath(new URL('../../data', import.meta.url));

const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const count = z.coerce.number().int().min(1);
/** A core left for serving requests, and at most 2 of libuv's 4 threads (file reads need the others). */
const DEFAULT_HASHES_AT_ONCE = Math.max(1, Math.min(2, availableParallelism() - 1));
const seconds = z.coerce.number().int().min(1).max(7 * 24 * 3600);

const commaList = z
  .string()
  .transform((value) => value.split(',').map((item) => item.trim()).filter(Boolean));

/** `https://ehop.example.gov.vn, http://10.0.0.5:3000` -> the exact origins browsers send. */
const originList = commaList.pipe(z.array(z.url().transform((url) => new URL(url).origin)));

/** Twelve hours: a meeting never outlasts a working day (as a session does not). */
const DEFAULT_TURN_CREDENTIAL_TTL_SECONDS = 12 * 60 * 60;

const EnvSchema = z
  .object({
    NODE_ENV: z.string().default('development'),
    HOST: z.string().default('127.0.0.1'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    REDIS_URL: z.url().default('redis://127.0.0.1:6379'),
    /** The one SFU (default http://127.0.0.1:4000); with SFU_DISCOVERY=redis, an extra node besides the announced ones. */
    SFU_URL: z.url().optional(),
    /** `url`: one SFU at SFU_URL. `redis`: every SFU node that announces itself in Redis (several servers). */
    SFU_DISCOVERY: z.enum(['url', 'redis']).default('url'),
    /** `meeting`: a meeting's peers all on its node. `unit`: each peer on its unit's district's node, the nodes linked (issue 16). */
    SFU_PEER_PLACEMENT: z.enum(['meeting', 'unit']).default('meeting'),
    SFU_SECRET: z.string().min(1).optional(),
    SFU_REQUEST_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
    SESSION_SECRET: z.string().min(16).optional(),
    /** Seals secret ballots (votes/ballot-seal.ts); shared by every signaling node, never stored in Redis. */
    BALLOT_SECRET: z.string().min(MIN_BALLOT_SECRET_LENGTH).optional(),
    COOKIE_SECURE: booleanFromEnv.default(false),
    TLS_CERT_FILE: z.string().min(1).optional(),
    TLS_KEY_FILE: z.string().min(1).optional(),
    CLIENT_DIST: z.string().min(1).optional(),
    /** Origins allowed to use the API and socket.io with a user's cookie; unset: the server's own. */
    ALLOWED_ORIGINS: originList.optional(),
    /** CA certificate(s) that signed the SFU's TLS certificate, when SFU_URL is https. */
    SFU_CA_FILE: z.string().min(1).optional(),
    TURN_URLS: commaList.default([]),
    /** coturn's `static-auth-secret`: each join gets credentials made from it (TURN REST API). */
    TURN_SECRET: z.string().min(1).optional(),
    TURN_CREDENTIAL_TTL_SECONDS: z.coerce.number().int().min(60).max(7 * 24 * 3600).default(DEFAULT_TURN_CREDENTIAL_TTL_SECONDS),
    /** Static TURN passwords are no longer accepted (see superRefine). */
    TURN_USERNAME: z.string().optional(),
    TURN_CREDENTIAL: z.string().optional(),
    /** Socket.io Redis adapter: lets several signaling nodes reach each other's sockets. */
    SOCKET_REDIS_ADAPTER: booleanFromEnv.default(true),
    /** Behind a reverse proxy: its address(es) or hop count (express `trust proxy`), so sign-in limits see the client's address. */
    TRUST_PROXY: z.string().min(1).optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Documents live under DATA_DIR/documents (content-addressed), uploads in flight under DATA_DIR/tmp. */
    DATA_DIR: z.string().min(1).optional(),
    /**
     * The address of this host that SFU nodes send a recording's RTP to (the recorder runs here).
     * 127.0.0.1 only works with the SFU on the same host; with SFUs elsewhere, this host's private address.
     */
    RECORDER_MEDIA_IP: z.ipv4().default('127.0.0.1'),
    DOCUMENT_MAX_BYTES: z.coerce.number().int().positive().default(50 * 1024 * 1024),
    /** LibreOffice conversions at a time: each takes a core and a few hundred MB. */
    DOCUMENT_CONVERSIONS: z.coerce.number().int().min(1).max(8).default(1),
    DOCUMENT_CONVERSION_TIMEOUT_MS: z.coerce.number().int().positive().default(120_000),
    SOFFICE_PATH: z.string().min(1).default('soffice'),
    /** bubblewrap: every conversion runs in its sandbox (no network, none of the server's files). */
    BWRAP_PATH: z.string().min(1).default('bwrap'),
    /** Abuse limits (README "Abuse limits"): socket.io requests per connection and per user, in a window. */
    SOCKET_REQUESTS_PER_CONNECTION: count.default(200),
    SOCKET_REQUESTS_PER_USER: count.default(400),
    SOCKET_REQUESTS_WINDOW_SEC: seconds.default(10),
    /** Peers (devices, tabs in a meeting's media) one user may have at once, on all nodes. */
    MAX_PEERS_PER_USER: count.max(100).default(4),
    /** Failed sign-ins before an account, or an address, waits LOGIN_LOCKOUT_SEC (doubling up to LOGIN_LOCKOUT_MAX_SEC). */
    LOGIN_MAX_FAILURES_PER_ACCOUNT: count.default(5),
    LOGIN_MAX_FAILURES_PER_ADDRESS: count.default(20),
    LOGIN_FAILURE_WINDOW_SEC: seconds.default(900),
    LOGIN_LOCKOUT_SEC: seconds.default(60),
    LOGIN_LOCKOUT_MAX_SEC: seconds.default(3600),
    /** argon2 runs on libuv's 4 threads, which file reads share: hashes at once, and how many may wait. */
    PASSWORD_HASHES_AT_ONCE: count.max(16).default(DEFAULT_HASHES_AT_ONCE),
    PASSWORD_HASHES_QUEUED: z.coerce.number().int().min(0).default(64),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production') checkProductionSettings(env, ctx);
    if (env.LOGIN_LOCKOUT_MAX_SEC < env.LOGIN_LOCKOUT_SEC) {
      ctx.addIssue({ code: 'custom', path: ['LOGIN_LOCKOUT_MAX_SEC'], message: 'must not be below LOGIN_LOCKOUT_SEC' });
    }
    if (Boolean(env.TLS_CERT_FILE) !== Boolean(env.TLS_KEY_FILE)) {
      ctx.addIssue({ code: 'custom', path: ['TLS_KEY_FILE'], message: 'TLS_CERT_FILE and TLS_KEY_FILE go together' });
    }
    if (env.TURN_USERNAME || env.TURN_CREDENTIAL) {
      const message = 'static TURN passwords are replaced by TURN_SECRET (coturn: use-auth-secret, static-auth-secret)';
      ctx.addIssue({ code: 'custom', path: [env.TURN_CREDENTIAL ? 'TURN_CREDENTIAL' : 'TURN_USERNAME'], message });
    }
  });

interface ProductionSettings {
  SESSION_SECRET?: string | undefined;
  SFU_SECRET?: string | undefined;
  TURN_SECRET?: string | undefined;
  BALLOT_SECRET?: string | undefined;
  TURN_URLS: string[];
  REDIS_URL: string;
}

/**
 * Production refuses what a copied example file or a forgotten default would give: a known or short
 * secret (anyone could forge session cookies, drive the SFU, or use the TURN server), a Redis
 * without a password, and TURN servers without the secret their credentials come from.
 */
function checkProductionSettings(env: ProductionSettings, ctx: z.RefinementCtx): void {
  // BALLOT_SECRET too: whoever knows it and can read Redis's append-only file can pair secret ballots with voters.
  const secrets = { SESSION_SECRET: env.SESSION_SECRET, SFU_SECRET: env.SFU_SECRET, TURN_SECRET: env.TURN_SECRET, BALLOT_SECRET: env.BALLOT_SECRET };
  for (const [name, value] of Object.entries(secrets)) {
    if (name === 'TURN_SECRET' && env.TURN_URLS.length === 0) continue;
    const problem = value === undefined ? 'is required in production' : weakSecretProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', path: [name], message: `${name} ${problem}` });
  }
  if (!new URL(env.REDIS_URL).password) {
    ctx.addIssue({ code: 'custom', path: ['REDIS_URL'], message: 'REDIS_URL needs credentials in production: redis://signaling:PASSWORD@host:6379' });
  }
}

export interface TurnConfig {
  urls: string[];
  /** coturn's static-auth-secret; null: the servers need no credentials (STUN, or a test TURN). */
  secret: string | null;
  credentialTtlSeconds: number;
}

export interface SignalingConfig {
  /** NODE_ENV=production: the checks above passed, and no demo password is tolerated. */
  production: boolean;
  host: string;
  port: number;
  redisUrl: string;
  /** url null: no fixed SFU, only those found in Redis (`discover`). */
  sfu: { url: string | null; discover: boolean; peerPlacement: 'meeting' | 'unit'; secret: string; requestTimeoutMs: number; caFile: string | null };
  session: { secret: string; cookieSecure: boolean };
  /** Origins whose pages may act with a user's cookie; null: only the server's own origin. */
  allowedOrigins: string[] | null;
  /** Key material for sealing secret ballots (identical on every node). */
  ballotSecret: string;
  tls: { certFile: string; keyFile: string } | null;
  clientDist: string;
  /** TURN servers handed to browsers, with credentials made per user (media/turn-credentials.ts). */
  turn: TurnConfig | null;
  useRedisAdapter: boolean;
  /** Express's `trust proxy`: a hop count or addresses; null: X-Forwarded-For is ignored. */
  trustProxy: string | number | null;
  logLevel: string;
  documents: DocumentsConfig;
  /** Recordings: DATA_DIR/recordings/<meetingId>/<recordingId>.mkv with a JSON record beside each. */
  recordingsDir: string;
  /** Where SFUs send a recording's media: the recorder's relay listens on this address. */
  recorderMediaIp: string;
  limits: AbuseLimits;
}

/** A number of events allowed in a fixed window. */
export interface RateWindow {
  points: number;
  durationSec: number;
}

export interface LoginLimits {
  perAccount: RateWindow;
  perAddress: RateWindow;
  /** The first lockout; each further one within a day doubles, up to `maxLockoutSec`. */
  lockoutSec: number;
  maxLockoutSec: number;
}

/** What one connection, user or address may do, so nobody can take the service from the others. */
export interface AbuseLimits {
  socketRequests: { perConnection: RateWindow; perUser: RateWindow };
  peersPerUser: number;
  login: LoginLimits;
  passwordHashing: { atOnce: number; queued: number };
}

export interface DocumentsConfig {
  dataDir: string;
  maxUploadBytes: number;
  conversionConcurrency: number;
  conversionTimeoutMs: number;
  sofficePath: string;
  bwrapPath: string;
}

/** Reads and checks the environment; throws with every problem listed when something is wrong. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): SignalingConfig {
  // `FOO=` (as compose files and env files write it) means "not set", not "the empty string".
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) throw new Error(`Invalid signaling configuration:\n${z.prettifyError(parsed.error)}`);
  const e = parsed.data;
  return {
    production: e.NODE_ENV === 'production',
    host: e.HOST,
    port: e.PORT,
    redisUrl: e.REDIS_URL,
    sfu: {
      url: e.SFU_URL ?? (e.SFU_DISCOVERY === 'url' ? DEFAULT_SFU_URL : null),
      discover: e.SFU_DISCOVERY === 'redis',
      peerPlacement: e.SFU_PEER_PLACEMENT,
      secret: e.SFU_SECRET ?? DEV_SFU_SECRET, requestTimeoutMs: e.SFU_REQUEST_TIMEOUT_MS,
      caFile: e.SFU_CA_FILE ?? null,
    },
    // With TLS on, cookies are Secure whatever COOKIE_SECURE says: never sent over plain HTTP.
    session: { secret: e.SESSION_SECRET ?? DEV_SESSION_SECRET, cookieSecure: e.COOKIE_SECURE || Boolean(e.TLS_CERT_FILE) },
    allowedOrigins: e.ALLOWED_ORIGINS ?? null,
    ballotSecret: e.BALLOT_SECRET ?? DEV_BALLOT_SECRET,
    tls: e.TLS_CERT_FILE && e.TLS_KEY_FILE ? { certFile: e.TLS_CERT_FILE, keyFile: e.TLS_KEY_FILE } : null,
    clientDist: e.CLIENT_DIST ? resolve(e.CLIENT_DIST) : DEFAULT_CLIENT_DIST,
    turn: e.TURN_URLS.length > 0 ? { urls: e.TURN_URLS, secret: e.TURN_SECRET ?? null, credentialTtlSeconds: e.TURN_CREDENTIAL_TTL_SECONDS } : null,
    useRedisAdapter: e.SOCKET_REDIS_ADAPTER,
    trustProxy: e.TRUST_PROXY === undefined ? null : /^\d+$/.test(e.TRUST_PROXY) ? Number(e.TRUST_PROXY) : e.TRUST_PROXY,
    logLevel: e.LOG_LEVEL,
    documents: {
      dataDir: resolve(e.DATA_DIR ?? DEFAULT_DATA_DIR),
      maxUploadBytes: e.DOCUMENT_MAX_BYTES,
      conversionConcurrency: e.DOCUMENT_CONVERSIONS,
      conversionTimeoutMs: e.DOCUMENT_CONVERSION_TIMEOUT_MS,
      sofficePath: e.SOFFICE_PATH,
      bwrapPath: e.BWRAP_PATH,
    },
    recordingsDir: resolve(e.DATA_DIR ?? DEFAULT_DATA_DIR, 'recordings'),
    recorderMediaIp: e.RECORDER_MEDIA_IP,
    limits: abuseLimitsFrom(e),
  };
}

function abuseLimitsFrom(e: z.infer<typeof EnvSchema>): AbuseLimits {
  const socketWindow = e.SOCKET_REQUESTS_WINDOW_SEC;
  const loginWindow = e.LOGIN_FAILURE_WINDOW_SEC;
  return {
    socketRequests: {
      perConnection: { points: e.SOCKET_REQUESTS_PER_CONNECTION, durationSec: socketWindow },
      perUser: { points: e.SOCKET_REQUESTS_PER_USER, durationSec: socketWindow },
    },
    peersPerUser: e.MAX_PEERS_PER_USER,
    login: {
      perAccount: { points: e.LOGIN_MAX_FAILURES_PER_ACCOUNT, durationSec: loginWindow },
      perAddress: { points: e.LOGIN_MAX_FAILURES_PER_ADDRESS, durationSec: loginWindow },
      lockoutSec: e.LOGIN_LOCKOUT_SEC,
      maxLockoutSec: e.LOGIN_LOCKOUT_MAX_SEC,
    },
    passwordHashing: { atOnce: e.PASSWORD_HASHES_AT_ONCE, queued: e.PASSWORD_HASHES_QUEUED },
  };
}
