import type { Directory, MediaServerStatus } from '@ehop/protocol';
import type { Router } from 'express';
import type { SessionIndex } from '../accounts/session-index.js';
import type { UnitRepository } from '../accounts/unit-repository.js';
import type { UserRepository } from '../accounts/user-repository.js';
import type { MeetingRepository, StoredMeeting } from '../meetings/meeting-repository.js';
import type { ConnectionDirectory } from '../realtime/connection-directory.js';
import { addMeetingAdminRoutes } from './meeting-admin-routes.js';
import { adminOnlyRouter } from './require-admin.js';
import { addUnitAdminRoutes } from './unit-admin-routes.js';
import { addUserAdminRoutes } from './user-admin-routes.js';

export interface AdminRoutesOptions {
  users: UserRepository;
  units: UnitRepository;
  meetings: MeetingRepository;
  connections: ConnectionDirectory;
  onMembersChanged(previous: StoredMeeting, next: StoredMeeting): Promise<void>;
  sessions: SessionIndex;
  /** The media servers and what each carries (SfuCluster.describe). */
  mediaServers(): Promise<MediaServerStatus[]>;
}

/** `/api/admin`: administrators only (403 for everyone else), every body checked by its schema. */
export function adminRoutes(options: AdminRoutesOptions): Router {
  const router = adminOnlyRouter(options.users);

  router.get('/directory', async (_req, res) => {
    const [units, users, onlineUserIds] = await Promise.all([
      options.units.listAll(),
      options.users.listAll(),
      options.connections.onlineUserIds(),
    ]);
    const directory: Directory = { units, users, onlineUserIds };
    res.json(directory);
  });

  router.get('/media-servers', async (_req, res) => {
    res.json(await options.mediaServers());
  });

  addUserAdminRoutes(router, options);
  addUnitAdminRoutes(router, options);
  addMeetingAdminRoutes(router, options);
  return router;
}
