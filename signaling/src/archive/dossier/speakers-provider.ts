import type { FloorLogEntry } from '@ehop/protocol';
import type { AgendaRepository } from '../../agenda/agenda-repository.js';
import { toCsv } from './csv.js';
import { vietnamDateTimeSeconds } from '../../format/vietnam-time.js';
import { bytesItem, type DossierContext, type DossierItem, type DossierProvider } from './dossier-item.js';

/** The turns to speak of a meeting, oldest first (floor control's `ConferenceRepository` is one). */
export interface SpeakersLogSource {
  log(meetingId: string): Promise<FloorLogEntry[]>;
}

/** The speakers log (nhật ký phát biểu) as CSV; nothing when nobody was given the floor. */
export class SpeakersDossierProvider implements DossierProvider {
  readonly kind = 'speakers' as const;

  constructor(
    private readonly log: SpeakersLogSource,
    private readonly agendas: AgendaRepository,
  ) {}

  async items({ meeting }: DossierContext): Promise<DossierItem[]> {
    const turns = await this.log.log(meeting.id);
    if (turns.length === 0) return [];
    const itemTitles = await this.agendaTitles(meeting.id);
    const rows = [
      ['STT', 'Người phát biểu', 'Đơn vị', 'Nội dung chương trình', 'Bắt đầu', 'Kết thúc', 'Thời lượng (giây)'],
      ...turns.map((turn, index) => [
        String(index + 1),
        turn.displayName,
        turn.unitName,
        turn.agendaItemId ? (itemTitles.get(turn.agendaItemId) ?? '') : '',
        vietnamDateTimeSeconds(turn.grantedAt),
        vietnamDateTimeSeconds(turn.releasedAt),
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
