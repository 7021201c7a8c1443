import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { z } from 'zod';

const DEV_SESSION_SECRET = 'dev-session-secret-change-me';
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

const commaList = z
  .string()
  .transform((value) => value.split(',').map((item) => item.trim()).filter(Boolean));

const EnvSchema = z
  .object({
    NODE_ENV: z.string().default('development'),
    HOST: z.string().default('127.0.0.1'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    REDIS_URL: z.url().default('redis://127.0.0.1:6379'),
    SFU_URL: z.url().default('http://127.0.0.1:4000'),
    SFU_SECRET: z.string().min(1).default('dev-sfu-secret'),
    SFU_REQUEST_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
    SESSION_SECRET: z.string().min(16).optional(),
    /** Seals secret ballots (votes/ballot-seal.ts); shared by every signaling node, never stored in Redis. */
    BALLOT_SECRET: z.string().min(MIN_BALLOT_SECRET_LENGTH).optional(),
    COOKIE_SECURE: booleanFromEnv.default(false),
    TLS_CERT_FILE: z.string().min(1).optional(),
    TLS_KEY_FILE: z.string().min(1).optional(),
    CLIENT_DIST: z.string().min(1).optional(),
    TURN_URLS: commaList.default([]),
    TURN_USERNAME: z.string().optional(),
    TURN_CREDENTIAL: z.string().optional(),
    /** Socket.io Redis adapter: lets several signaling nodes reach each other's sockets. */
    SOCKET_REDIS_ADAPTER: booleanFromEnv.default(true),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Documents live under DATA_DIR/documents (content-addressed), uploads in flight under DATA_DIR/tmp. */
    DATA_DIR: z.string().min(1).optional(),
    DOCUMENT_MAX_BYTES: z.coerce.number().int().positive().default(50 * 1024 * 1024),
    /** LibreOffice conversions at a time: each takes a core and a few hundred MB. */
    DOCUMENT_CONVERSIONS: z.coerce.number().int().min(1).max(8).default(1),
    DOCUMENT_CONVERSION_TIMEOUT_MS: z.coerce.number().int().positive().default(120_000),
    SOFFICE_PATH: z.string().min(1).default('soffice'),
    /** bubblewrap: every conversion runs in its sandbox (no network, none of the server's files). */
    BWRAP_PATH: z.string().min(1).default('bwrap'),
  })
  .superRefine((env, ctx) => {
    // A known session secret lets anyone forge session cookies: never run production on the default.
    if (env.NODE_ENV === 'production' && !env.SESSION_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['SESSION_SECRET'], message: 'required in production' });
    }
    // Whoever knows the ballot secret and can read Redis's append-only file can pair secret ballots with voters.
    if (env.NODE_ENV === 'production' && (!env.BALLOT_SECRET || env.BALLOT_SECRET === DEV_BALLOT_SECRET)) {
      ctx.addIssue({ code: 'custom', path: ['BALLOT_SECRET'], message: `a random value of at least ${MIN_BALLOT_SECRET_LENGTH} characters is required in production` });
    }
    if (Boolean(env.TLS_CERT_FILE) !== Boolean(env.TLS_KEY_FILE)) {
      ctx.addIssue({ code: 'custom', path: ['TLS_KEY_FILE'], message: 'TLS_CERT_FILE and TLS_KEY_FILE go together' });
    }
  });

export interface IceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

export interface SignalingConfig {
  host: string;
  port: number;
  redisUrl: string;
  sfu: { url: string; secret: string; requestTimeoutMs: number };
  session: { secret: string; cookieSecure: boolean };
  /** Key material for sealing secret ballots (identical on every node). */
  ballotSecret: string;
  tls: { certFile: string; keyFile: string } | null;
  clientDist: string;
  iceServers: IceServer[];
  useRedisAdapter: boolean;
  logLevel: string;
  documents: DocumentsConfig;
  /** Recordings: DATA_DIR/recordings/<meetingId>/<recordingId>.mkv with a JSON record beside each. */
  recordingsDir: string;
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
    host: e.HOST,
    port: e.PORT,
    redisUrl: e.REDIS_URL,
    sfu: { url: e.SFU_URL, secret: e.SFU_SECRET, requestTimeoutMs: e.SFU_REQUEST_TIMEOUT_MS },
    session: { secret: e.SESSION_SECRET ?? DEV_SESSION_SECRET, cookieSecure: e.COOKIE_SECURE },
    ballotSecret: e.BALLOT_SECRET ?? DEV_BALLOT_SECRET,
    tls: e.TLS_CERT_FILE && e.TLS_KEY_FILE ? { certFile: e.TLS_CERT_FILE, keyFile: e.TLS_KEY_FILE } : null,
    clientDist: e.CLIENT_DIST ? resolve(e.CLIENT_DIST) : DEFAULT_CLIENT_DIST,
    iceServers: iceServersFrom(e.TURN_URLS, e.TURN_USERNAME, e.TURN_CREDENTIAL),
    useRedisAdapter: e.SOCKET_REDIS_ADAPTER,
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
  };
}

function iceServersFrom(urls: string[], username?: string, credential?: string): IceServer[] {
  if (urls.length === 0) return [];
  return [{ urls, ...(username ? { username } : {}), ...(credential ? { credential } : {}) }];
}
