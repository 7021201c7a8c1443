import type { ErrorCode, UploadProgress, UploadStatus } from '@ehop/protocol';
import { toAppError, type AppErrorCode } from '../errors.js';
import { onServerEvent } from '../socket.js';
import { uploadDocument } from './documents-api.js';

export type UploadPhase = 'sending' | UploadStatus;

export interface UploadItem {
  key: number;
  fileName: string;
  phase: UploadPhase;
  /** 0..1 of the bytes sent. */
  sent: number;
  uploadId: string | null;
  queuePosition: number;
  /** When this browser learnt of the current phase (epoch ms): the conversion's elapsed time counts from it. */
  phaseSince: number;
  /** What went wrong, shown through i18n (`errors.<code>`); the server's English text is never shown. */
  errorCode: AppErrorCode | ErrorCode | null;
}

/** Later phases win: the socket may say "converting" before the HTTP answer says "queued". */
const PHASE_ORDER: Record<UploadPhase, number> = { sending: 0, queued: 1, converting: 2, ready: 3, failed: 3 };

/**
 * The uploads of this browser tab: bytes sent (from XMLHttpRequest), then the server's
 * conversion progress (pushed over socket.io to the uploader's session).
 */
export class UploadTracker {
  items = $state<UploadItem[]>([]);
  private nextKey = 1;
  /** Steps pushed over the socket before the upload's HTTP answer told us its id. */
  private readonly early = new Map<string, UploadProgress>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly meetingId: string,
    private readonly onReady: () => void,
  ) {
    this.unsubscribe = onServerEvent('documents:upload', (progress) => {
      if (progress.meetingId === this.meetingId) this.apply(progress);
    });
  }

  async upload(file: File, options: { confidential: boolean; published: boolean; agendaItemId?: string }): Promise<void> {
    const key = this.nextKey++;
    this.items = [
      { key, fileName: file.name, phase: 'sending', sent: 0, uploadId: null, queuePosition: 0, phaseSince: Date.now(), errorCode: null },
      ...this.items,
    ];
    const request = uploadDocument(this.meetingId, file, {
      ...options,
      onProgress: (sent, total) => this.patch(key, { sent: total > 0 ? sent / total : 0 }),
    });
    try {
      const answer = await request.done;
      this.patch(key, { uploadId: answer.uploadId, sent: 1 });
      this.apply(answer);
    } catch (error) {
      const appError = toAppError(error);
      this.patch(key, { phase: 'failed', phaseSince: Date.now(), errorCode: appError.code });
    }
  }

  dismiss(key: number): void {
    this.items = this.items.filter((item) => item.key !== key);
  }

  destroy(): void {
    this.unsubscribe();
  }

  private apply(progress: UploadProgress): void {
    const item = this.items.find((candidate) => candidate.uploadId === progress.uploadId);
    if (!item) {
      // The socket can be faster than the HTTP answer: remember the step until the answer arrives.
      this.early.set(progress.uploadId, progress);
      return;
    }
    const early = this.early.get(progress.uploadId);
    this.early.delete(progress.uploadId);
    for (const step of early ? [early, progress] : [progress]) {
      const current = this.items.find((candidate) => candidate.key === item.key);
      if (!current || PHASE_ORDER[step.status] < PHASE_ORDER[current.phase]) continue;
      this.patch(item.key, {
        phase: step.status,
        ...(step.status === current.phase ? {} : { phaseSince: Date.now() }),
        queuePosition: step.queuePosition ?? 0,
        errorCode: step.error?.code ?? null,
      });
      if (step.status === 'ready') {
        this.onReady();
        setTimeout(() => this.dismiss(item.key), 4000);
      }
    }
  }

  private patch(key: number, changes: Partial<UploadItem>): void {
    this.items = this.items.map((item) => (item.key === key ? { ...item, ...changes } : item));
  }
}
