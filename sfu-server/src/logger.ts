import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs on stdout, one line per event, ready for journald or a log shipper. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'sfu-server' }, timestamp: pino.stdTimeFunctions.isoTime });
}
