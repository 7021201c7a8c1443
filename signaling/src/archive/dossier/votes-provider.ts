import type { VoteRepository } from '../../votes/vote-repository.js';
import { voteResultsCsv } from '../../votes/vote-csv.js';
import { bytesItem, displayNameOf, type DossierContext, type DossierItem, type DossierProvider } from './dossier-item.js';

/** Each closed vote's results, with the same CSV as the votes feature's download (secret ballots hold no names). */
export class VotesDossierProvider implements DossierProvider {
  readonly kind = 'votes' as const;

  constructor(private readonly votes: VoteRepository) {}

  async items(context: DossierContext): Promise<DossierItem[]> {
    const ids = await this.votes.ids(context.meeting.id);
    const views = await Promise.all(ids.map((id) => this.votes.view(context.meeting.id, id)));
    const closed = views.filter((vote) => vote?.results).sort((a, b) => a!.openedAt.localeCompare(b!.openedAt));
    return closed.map((vote, index) =>
      bytesItem(
        {
          kind: 'votes',
          title: `Biểu quyết ${index + 1}: ${vote!.question}`,
          fileName: `bieu-quyet/bieu-quyet-${String(index + 1).padStart(2, '0')}.csv`,
          mediaType: 'text/csv',
          confidential: false,
          documentId: null,
        },
        Buffer.from(voteResultsCsv(vote!, (userId) => displayNameOf(context, userId)), 'utf8'),
      ),
    );
  }
}
