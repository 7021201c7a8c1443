import { toAppError } from './errors.js';

export interface Notice {
  id: number;
  /** An i18n key; errors use `errors.<code>`. */
  messageKey: string;
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

  info(messageKey: string): void {
    this.push(messageKey, 'info');
  }

  dismiss(id: number): void {
    this.items = this.items.filter((notice) => notice.id !== id);
  }

  private push(messageKey: string, tone: Notice['tone']): void {
    // The same message twice in a row (e.g. a retry loop) is shown once.
    if (this.items.some((notice) => notice.messageKey === messageKey)) return;
    const id = this.nextId++;
    this.items = [...this.items, { id, messageKey, tone }];
    setTimeout(() => this.dismiss(id), AUTO_DISMISS_MS);
  }
}

export const notifications = new Notifications();
