import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs on stdout; one root logger, children per component. */
export function createLogger(level: string): Logger {
  return pino({
    name: 'signaling',
    level,
    // Session cookies in a log file would let its reader take over sessions.
    redact: { paths: ['req.headers.cookie', 'res.headers["set-cookie"]'], censor: '[redacted]' },
  });
}
