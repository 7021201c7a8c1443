import { toAppError } from './errors.js';

export interface Notice {
  id: number;
  /** An i18n key; errors use `errors.<code>`. */
  messageKey: string;
  /** Values for the message's placeholders (e.g. a vote's question). */
  values?: Record<string, string | number>;
  tone: 'error' | 'info';
}

const AUTO_DISMISS_MS = 8_000;

/** Toasts: what went wrong (or right) told to the user in their language. */
class Notifications {
  items = $state<Notice[]>([]);
  private nextId = 1;

  error(error: unknown): void {
    const appError = toAppError(error);
    console.error('[ehop]', appError.code, appError.message, appError.cause ?? '');
    this.push(`errors.${appError.code}`, 'error');
  }

  info(messageKey: string, values?: Record<string, string | number>): void {
    this.push(messageKey, 'info', values, true);
  }

  /** A notice that stays until dismissed (by the user, or by the caller with the id returned). */
  lasting(messageKey: string, values?: Record<string, string | number>): number | null {
    return this.push(messageKey, 'info', values, false);
  }

  dismiss(id: number): void {
    this.items = this.items.filter((notice) => notice.id !== id);
  }

  private push(messageKey: string, tone: Notice['tone'], values?: Notice['values'], autoDismiss = true): number | null {
    // The same message twice in a row (e.g. a retry loop) is shown once.
    if (this.items.some((notice) => notice.messageKey === messageKey && JSON.stringify(notice.values) === JSON.stringify(values))) return null;
    const id = this.nextId++;
    this.items = [...this.items, { id, messageKey, tone, ...(values ? { values } : {}) }];
    if (autoDismiss) setTimeout(() => this.dismiss(id), AUTO_DISMISS_MS);
    return id;
  }
}

export const notifications = new Notifications();
