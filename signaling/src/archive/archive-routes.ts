import { pipeline } from 'node:stream/promises';
import { ArchiveSearchQuery, MeetingIdParams } from '@ehop/protocol';
import { Router } from 'express';
import type { UserRepository } from '../accounts/user-repository.js';
import { currentUser, requireAuth } from '../http/require-auth.js';
import { validated } from '../http/validate.js';
import type { Logger } from '../logger.js';
import type { ArchiveService } from './archive-service.js';

/**
 * `/api/archive`: search the archive (`?q=&from=&to=&unitId=&scope=&limit=`), open a dossier
 * (`/:meetingId`) and export it (`/:meetingId/export.zip`). Members and administrators only.
 */
export function archiveRoutes({ users, archive, logger }: { users: UserRepository; archive: ArchiveService; logger: Logger }): Router {
  const router = Router();
  router.use(requireAuth(users));

  router.get(
    '/',
    validated({ query: ArchiveSearchQuery }, async ({ query }, _req, res) => {
      res.setHeader('Cache-Control', 'private, no-store');
      res.json(await archive.search(currentUser(res), query));
    }),
  );

  router.get(
    '/:meetingId',
    validated({ params: MeetingIdParams }, async ({ params }, _req, res) => {
      res.setHeader('Cache-Control', 'private, no-store');
      res.json(await archive.dossier(currentUser(res), params.meetingId));
    }),
  );

  /**
   * Streamed with its exact Content-Length, so the browser's own download bar shows the progress
   * of a long export (no polling, nothing held in memory or written to disk on the server).
   */
  router.get(
    '/:meetingId/export.zip',
    validated({ params: MeetingIdParams }, async ({ params }, _req, res) => {
      const zip = await archive.exportZip(currentUser(res), params.meetingId);
      res.setHeader('Content-Type', 'application/zip');
      res.setHeader('Content-Length', String(zip.sizeBytes));
      res.setHeader('Cache-Control', 'private, no-store');
      res.attachment(zip.fileName);
      try {
        await pipeline(zip.stream, res);
      } catch (error) {
        // Headers are gone: the only honest signal left is a cut connection (the download fails).
        logger.warn({ err: error, meetingId: params.meetingId }, 'dossier export ended early');
        res.destroy();
      }
    }),
  );
  return router;
}
