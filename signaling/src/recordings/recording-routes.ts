import { Router } from 'express';
import { MeetingIdParams, RecordingFileParams } from '@ehop/protocol';
import type { UserRepository } from '../accounts/user-repository.js';
import { currentUser, requireAuth } from '../http/require-auth.js';
import { validated } from '../http/validate.js';
import { recordingFileName } from './recording-names.js';
import type { RecordingService } from './recording-service.js';

/**
 * `GET /api/meetings/:meetingId/recordings` (the list) and
 * `GET /api/meetings/:meetingId/recordings/:recordingId/file` (the Matroska file), for the roles
 * mayAccessRecordings allows (recording-access.ts, the rule the archive's dossier follows too).
 * A recording id is looked up inside the meeting's own folder only.
 */
export function recordingRoutes({ users, recordings }: { users: UserRepository; recordings: RecordingService }): Router {
  const router = Router();
  router.use(requireAuth(users));
  router.get(
    '/:meetingId/recordings',
    validated({ params: MeetingIdParams }, async ({ params }, _req, res) => {
      res.json({ recordings: await recordings.list(currentUser(res), params.meetingId) });
    }),
  );
  router.get(
    '/:meetingId/recordings/:recordingId/file',
    validated({ params: RecordingFileParams }, async ({ params }, _req, res) => {
      const { path, record } = await recordings.file(currentUser(res), params.meetingId, params.recordingId);
      res.type('video/x-matroska');
      res.setHeader('x-content-sha256', record.sha256 ?? '');
      res.download(path, recordingFileName(record));
    }),
  );
  return router;
}
