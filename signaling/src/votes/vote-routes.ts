import { Router } from 'express';
import { VoteResultsParams } from '@ehop/protocol';
import type { UserRepository } from '../accounts/user-repository.js';
import { currentUser, requireAuth } from '../http/require-auth.js';
import { validated } from '../http/validate.js';
import { voteResultsCsv } from './vote-csv.js';
import type { VoteService } from './vote-service.js';

/** `/api/meetings/:meetingId/votes/:voteId/results.csv`: a closed vote's results, for members. */
export function voteRoutes({ users, votes }: { users: UserRepository; votes: VoteService }): Router {
  const router = Router();
  router.use(requireAuth(users));
  router.get(
    '/:meetingId/votes/:voteId/results.csv',
    validated({ params: VoteResultsParams }, async ({ params }, _req, res) => {
      const vote = await votes.results(currentUser(res), params.meetingId, params.voteId);
      const voters = await users.getMany(vote.results?.ballots?.map((ballot) => ballot.userId) ?? []);
      const csv = voteResultsCsv(vote, (userId) => voters.get(userId)?.displayName ?? userId);
      res.type('text/csv; charset=utf-8').attachment(`bieu-quyet-${vote.id}.csv`).send(csv);
    }),
  );
  return router;
}
