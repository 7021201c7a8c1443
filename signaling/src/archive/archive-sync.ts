import type { Logger } from '../logger.js';
import { closeConnection, type RedisClient } from '../redis/client.js';
import { keys } from '../redis/keys.js';
import type { ArchiveIndex } from './archive-index.js';
import type { ArchiveRepository } from './archive-repository.js';
import { runNowOrWhenStored } from '../redis/retry-while-down.js';

/**
 * Keeps this node's in-memory index equal to the records in Redis, which every node shares:
 * built whole at start, then one record re-read for each `archive:changed` message. Pub/sub
 * drops messages while a connection is down, so the index is rebuilt whole after every reconnect.
 */
export class ArchiveSync {
  private stopped = false;
  /** Meetings whose record changed while the index was being rebuilt (null: no rebuild running). */
  private changedDuringRebuild: Set<string> | null = null;

  constructor(
    private readonly index: ArchiveIndex,
    private readonly records: ArchiveRepository,
    private readonly subscriber: RedisClient,
    private readonly logger: Logger,
  ) {}

  /** Resolves once the index holds every record that was in Redis at start (searches wait for it). */
  ready: Promise<void> = Promise.resolve();

  /**
   * Subscribes, then builds the index in the background: a node with a large archive starts
   * serving at once (indexing 1,000 meetings takes seconds on a busy machine), and archive
   * searches that come meanwhile wait for `ready` instead of seeing a partial list.
   */
  async start(): Promise<void> {
    await this.subscriber.subscribe(keys.archiveChannel(), (meetingId) => void this.refresh(meetingId));
    // Subscribed first, then loaded: a record saved in between is caught by its message.
    this.ready = this.rebuild();
    this.subscriber.on('ready', () => void this.rebuild());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await closeConnection(this.subscriber);
  }

  /** Re-reads one meeting's record (also called directly by the node that saved it, so it sees it at once). */
  async refresh(meetingId: string): Promise<void> {
    // During a rebuild the old index is about to be replaced: remember to apply this again after.
    this.changedDuringRebuild?.add(meetingId);
    try {
      const record = await this.records.get(meetingId);
      if (record) this.index.upsert(record);
    } catch (error) {
      if (!this.stopped) this.logger.error({ err: error, meetingId }, 'archive index: could not read a record');
    }
  }

  /** The subscriber can be back before the command connection (which fails fast meanwhile): retried until it is. */
  private async rebuild(): Promise<void> {
    await runNowOrWhenStored(() => this.rebuildOnce(), this.logger, 'archive index: rebuild').catch((error: unknown) => {
      if (!this.stopped) this.logger.error({ err: error }, 'archive index: rebuild failed');
    });
  }

  private async rebuildOnce(): Promise<void> {
    if (this.stopped) return;
    try {
      const started = Date.now();
      this.changedDuringRebuild = new Set();
      const all = [];
      for await (const record of this.records.all()) all.push(record);
      await this.index.loadInBackground(all);
      const changed = this.changedDuringRebuild;
      this.changedDuringRebuild = null;
      await Promise.all([...changed].map((meetingId) => this.refresh(meetingId)));
      this.logger.info({ meetings: this.index.size, ms: Date.now() - started }, 'archive index built');
    } catch (error) {
      this.changedDuringRebuild = null;
      throw error;
    }
  }
}
