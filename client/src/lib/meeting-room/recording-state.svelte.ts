import type { RecordingState as RecordingStatus, RecordingSummary } from '@ehop/protocol';
import type { AppError } from '../errors.js';
import { runExclusively } from '../exclusive-action.js';
import { onServerEvent, request } from '../socket.js';

/**
 * Whether the meeting is being recorded (everyone sees it), kept fresh by `recording:state`, and
 * for the roles that may see them, the meeting's recordings.
 */
export class RecordingState {
  status = $state.raw<RecordingStatus['status']>('off');
  startedAt = $state.raw<string | null>(null);
  recordings = $state.raw<RecordingSummary[]>([]);
  busy = $state(false);

  constructor(
    private readonly meetingId: string,
    private readonly onError: (error: AppError) => void,
  ) {}

  subscribe(onChange?: () => void): () => void {
    return onServerEvent('recording:state', (state) => {
      if (state.meetingId !== this.meetingId) return;
      this.accept(state);
      onChange?.();
    });
  }

  async load(): Promise<void> {
    this.accept(await request('recording:state', { meetingId: this.meetingId }));
  }

  async loadList(): Promise<void> {
    this.recordings = (await request('recording:list', { meetingId: this.meetingId })).recordings;
  }

  start(): Promise<boolean> {
    return this.run(async () => this.accept(await request('recording:start', { meetingId: this.meetingId })));
  }

  stop(): Promise<boolean> {
    return this.run(async () => {
      this.status = 'finalising';
      await request('recording:stop', { meetingId: this.meetingId });
    });
  }

  private accept(state: RecordingStatus): void {
    this.status = state.status;
    this.startedAt = state.startedAt;
  }

  private run(action: () => Promise<void>): Promise<boolean> {
    return runExclusively(this, this.onError, action);
  }
}
