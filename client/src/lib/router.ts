/** The app's screens, addressed by the URL hash so the server only ever serves index.html. */
export type Route =
  | { name: 'login' }
  | { name: 'meetings' }
  | { name: 'meeting'; meetingId: string }
  | { name: 'admin' }
  | { name: 'admin-meetings' }
  /** The media servers (SFU nodes): up or not, and what each carries. */
  | { name: 'admin-media' }
  /** `meetingId` null: a new meeting. */
  | { name: 'admin-meeting'; meetingId: string | null }
  | { name: 'documents'; meetingId: string }
  /** The archive (lưu trữ) of ended meetings, and one meeting's dossier (hồ sơ). */
  | { name: 'archive' }
  | { name: 'dossier'; meetingId: string }
  | { name: 'minutes'; meetingId: string }
  | { name: 'not-found'; path: string };

const MEETING_PATH = /^\/meetings\/([A-Za-z0-9_-]{1,64})\/?$/;
const ADMIN_MEETING_PATH = /^\/admin\/meetings\/([A-Za-z0-9_-]{1,64})\/?$/;
const DOSSIER_PATH = /^\/archive\/([A-Za-z0-9_-]{1,64})\/?$/;
const DOCUMENTS_PATH = /^\/meetings\/([A-Za-z0-9_-]{1,64})\/documents\/?$/;
const MINUTES_PATH = /^\/meetings\/([A-Za-z0-9_-]{1,64})\/minutes\/?$/;

export function parseRoute(hash: string): Route {
  const path = decodeURIComponent(hash.replace(/^#/, '')) || '/';
  if (path === '/' || path === '/meetings' || path === '/meetings/') return { name: 'meetings' };
  if (path === '/login') return { name: 'login' };
  if (path === '/admin' || path === '/admin/') return { name: 'admin' };
  if (path === '/admin/meetings' || path === '/admin/meetings/') return { name: 'admin-meetings' };
  if (path === '/admin/media' || path === '/admin/media/') return { name: 'admin-media' };
  if (path === '/archive' || path === '/archive/') return { name: 'archive' };
  const dossier = DOSSIER_PATH.exec(path);
  if (dossier) return { name: 'dossier', meetingId: dossier[1]! };
  const adminMeeting = ADMIN_MEETING_PATH.exec(path);
  if (adminMeeting) return { name: 'admin-meeting', meetingId: adminMeeting[1] === 'new' ? null : adminMeeting[1]! };
  const meeting = MEETING_PATH.exec(path);
  if (meeting) return { name: 'meeting', meetingId: meeting[1]! };
  const documents = DOCUMENTS_PATH.exec(path);
  if (documents) return { name: 'documents', meetingId: documents[1]! };
  const minutes = MINUTES_PATH.exec(path);
  if (minutes) return { name: 'minutes', meetingId: minutes[1]! };
  return { name: 'not-found', path };
}

export function routeHash(route: Route): string {
  switch (route.name) {
    case 'login':
      return '#/login';
    case 'meetings':
      return '#/meetings';
    case 'meeting':
      return `#/meetings/${encodeURIComponent(route.meetingId)}`;
    case 'admin':
      return '#/admin';
    case 'admin-meetings':
      return '#/admin/meetings';
    case 'admin-media':
      return '#/admin/media';
    case 'admin-meeting':
      return `#/admin/meetings/${route.meetingId === null ? 'new' : encodeURIComponent(route.meetingId)}`;
    case 'documents':
      return `#/meetings/${encodeURIComponent(route.meetingId)}/documents`;
    case 'archive':
      return '#/archive';
    case 'dossier':
      return `#/archive/${encodeURIComponent(route.meetingId)}`;
    case 'minutes':
      return `#/meetings/${encodeURIComponent(route.meetingId)}/minutes`;
    case 'not-found':
      return `#${route.path}`;
  }
}
