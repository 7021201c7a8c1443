import { Id } from '@ehop/protocol';
import { z } from 'zod';
import type { AgendaRepository } from '../../agenda/agenda-repository.js';
import type { RedisClient } from '../../redis/client.js';
import { keys } from '../../redis/keys.js';
import { toCsv, vietnamTime } from './csv.js';
import { bytesItem, type DossierContext, type DossierItem, type DossierProvider } from './dossier-item.js';

/**
 * One turn to speak, as the floor control logs it (`FloorLogEntry` of the conference feature):
 * only the fields the speakers log needs, so entries with more fields still read.
 */
export const SpeakerTurn = z.object({
  userId: Id,
  displayName: z.string(),
  unitName: z.string().default(''),
  agendaItemId: Id.nullable().default(null),
  grantedAt: z.iso.datetime(),
  releasedAt: z.iso.datetime(),
  durationSec: z.number().int().min(0),
});
export type SpeakerTurn = z.infer<typeof SpeakerTurn>;

export interface SpeakersLogSource {
  turns(meetingId: string): Promise<SpeakerTurn[]>;
}

/** Reads the floor log straight from its Redis list (`meeting:<id>:floor-log`, oldest first). */
export class RedisFloorLog implements SpeakersLogSource {
  constructor(private readonly redis: RedisClient) {}

  async turns(meetingId: string): Promise<SpeakerTurn[]> {
    const entries = await this.redis.lRange(keys.meetingFloorLog(meetingId), 0, -1);
    return entries.flatMap((json) => {
      try {
        const parsed = SpeakerTurn.safeParse(JSON.parse(json));
        return parsed.success ? [parsed.data] : [];
      } catch {
        return [];
      }
    });
  }
}

/** The speakers log (nhật ký phát biểu) as CSV; nothing when nobody was given the floor. */
export class SpeakersDossierProvider implements DossierProvider {
  readonly kind = 'speakers' as const;

  constructor(
    private readonly log: SpeakersLogSource,
    private readonly agendas: AgendaRepository,
  ) {}

  async items({ meeting }: DossierContext): Promise<DossierItem[]> {
    const turns = await this.log.turns(meeting.id);
    if (turns.length === 0) return [];
    const itemTitles = await this.agendaTitles(meeting.id);
    const rows = [
      ['STT', 'Người phát biểu', 'Đơn vị', 'Nội dung chương trình', 'Bắt đầu', 'Kết thúc', 'Thời lượng (giây)'],
      ...turns.map((turn, index) => [
        String(index + 1),
        turn.displayName,
        turn.unitName,
        turn.agendaItemId ? (itemTitles.get(turn.agendaItemId) ?? '') : '',
        vietnamTime(turn.grantedAt),
        vietnamTime(turn.releasedAt),
        String(turn.durationSec),
      ]),
    ];
    return [
      bytesItem(
        { kind: 'speakers', title: 'Nhật ký phát biểu', fileName: 'nhat-ky-phat-bieu.csv', mediaType: 'text/csv', confidential: false, documentId: null },
        toCsv(rows),
      ),
    ];
  }

  private async agendaTitles(meetingId: string): Promise<Map<string, string>> {
    const agenda = await this.agendas.get(meetingId);
    return new Map(agenda.items.flatMap((item) => [item, ...item.children]).map((item) => [item.id, item.title]));
  }
}
