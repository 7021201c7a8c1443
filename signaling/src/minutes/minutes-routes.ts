import { Router } from 'express';
import { MeetingIdParams } from '@ehop/protocol';
import type { UserRepository } from '../accounts/user-repository.js';
import type { BlobStore } from '../documents/blob-store.js';
import { currentUser, requireAuth } from '../http/require-auth.js';
import { validated } from '../http/validate.js';
import type { MinutesService } from './minutes-service.js';

/** `GET /api/meetings/:meetingId/minutes.pdf`: the approved minutes, for the members. */
export function minutesRoutes(options: { users: UserRepository; minutes: MinutesService; blobs: BlobStore }): Router {
  const router = Router();
  router.use(requireAuth(options.users));
  router.get(
    '/:meetingId/minutes.pdf',
    validated({ params: MeetingIdParams }, async ({ params }, _req, res) => {
      const sha256 = await options.minutes.approvedPdf(currentUser(res), params.meetingId);
      res.type('application/pdf');
      res.setHeader('Content-Disposition', `attachment; filename="bien-ban-${params.meetingId}.pdf"`);
      res.setHeader('ETag', `"${sha256}"`);
      res.sendFile(options.blobs.pathOf(sha256));
    }),
  );
  return router;
}
