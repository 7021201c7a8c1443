import { z } from 'zod';
import {
  AdminUser,
  CreateUnitRequest,
  CreateUserRequest,
  Directory,
  MediaServerStatus,
  ResetPasswordRequest,
  SetUserDisabledRequest,
  UnitIdParams,
  UpdateUnitRequest,
  UpdateUserRequest,
  UserIdParams,
} from './admin.js';
import { ArchiveSearchQuery, ArchiveSearchResult, Dossier } from './archive.js';
import { FloorLogEntry } from './conference.js';
import { DocumentInfo, DocumentList, DocumentParams, DocumentPatch, DocumentUploadFields, ReadReceipt, UploadProgress } from './documents.js';
import { Id, MeetingDetail, MeetingRole, MeetingStatus, MeetingSummary, Unit, User } from './domain.js';
import { Health, LoginRequest, MeetingIdParams } from './http-api.js';
import { ManagedMeeting, MeetingInput, MeetingStatusChange } from './meeting-management.js';
import { Annotation, AnnotationParams, AnnotationPatch, DocumentNotes, NewAnnotation, NotesExportQuery, NoteTextSaved, NoteTextUpdate } from './notes.js';
import { RecordingFileParams, RecordingSummary } from './recordings.js';
import { VoteResultsParams } from './votes.js';

/*
 * Every HTTP route signaling serves, in one typed table beside the socket events of
 * client-api.ts: what it takes, what it answers, who may call it. The server's routes are checked
 * against this table by a test (signaling/test/http-routes-table.test.ts), and the client
 * contract (docs/contract/, docs/CLIENT-CONTRACT.md) is generated from it.
 */

/** The session cookie `POST /api/auth/login` sets; send it with every request and the socket.io handshake. */
export const SESSION_COOKIE_NAME = 'ehop.sid';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Who may call a route. Anything else gets 401 `unauthenticated` (no session) or 403 `forbidden`. */
export type RouteAccess =
  /** No session needed. */
  | { kind: 'public' }
  /** Any signed-in account. */
  | { kind: 'signedIn' }
  /** Administrators only (`User.isAdmin`). */
  | { kind: 'admin' }
  /** Members of the meeting in the path with one of these roles (the meeting must be visible to them). */
  | { kind: 'meeting'; roles: readonly MeetingRole[]; alsoAdmins?: boolean };

/** What a successful call answers. Errors are always JSON `{ error: ApiError }` (result.ts). */
export type RouteResponse =
  | { kind: 'json'; status: readonly number[]; body: z.ZodType }
  | { kind: 'empty'; status: 204 }
  /** A file (PDF, CSV, ZIP, Matroska): not JSON. */
  | { kind: 'file'; status: 200; mediaType: string };

/** A request body: JSON checked by `schema`, or a multipart form (a file plus fields checked by `fields`). */
export type RouteBody = { kind: 'json'; schema: z.ZodType } | { kind: 'multipart'; fileField: string; fields: z.ZodType };

export interface HttpRouteSpec {
  method: HttpMethod;
  /** express-style path, `:name` for a path parameter. */
  path: string;
  summary: string;
  access: RouteAccess;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: RouteBody;
  response: RouteResponse;
}

const ALL_ROLES = MeetingRole.options;
const STAFF = ['chair', 'secretary'] as const satisfies readonly MeetingRole[];

// Generic so the table keeps each route's own schema types (HttpRouteResult, HttpRouteBody).
const json = <B extends z.ZodType>(body: B, ...status: number[]) => ({ kind: 'json' as const, status: status.length ? status : [200], body });
const empty = { kind: 'empty', status: 204 } as const;
const file = (mediaType: string) => ({ kind: 'file' as const, status: 200 as const, mediaType });
const jsonBody = <B extends z.ZodType>(schema: B) => ({ kind: 'json' as const, schema });
const members = (alsoAdmins = false): RouteAccess => ({ kind: 'meeting', roles: ALL_ROLES, ...(alsoAdmins ? { alsoAdmins } : {}) });
const staff: RouteAccess = { kind: 'meeting', roles: STAFF };

/** `POST /api/meetings/:meetingId/status` answers the meeting's new status. */
export const MeetingStatusChanged = z.object({ meetingId: Id, status: MeetingStatus });
export const RecordingList = z.object({ recordings: z.array(RecordingSummary) });
export const FloorLog = z.object({ entries: z.array(FloorLogEntry) });

export const httpRoutes = {
  'GET /healthz': {
    method: 'GET',
    path: '/healthz',
    summary: 'Health: 200 when Redis answers and the SFU is connected, 503 `degraded` otherwise',
    access: { kind: 'public' },
    response: json(Health, 200, 503),
  },
  'POST /api/auth/login': {
    method: 'POST',
    path: '/api/auth/login',
    summary: 'Sign in: sets the session cookie `ehop.sid` (a new session id each time); 401 for a wrong name or password',
    access: { kind: 'public' },
    body: jsonBody(LoginRequest),
    response: json(User),
  },
  'POST /api/auth/logout': {
    method: 'POST',
    path: '/api/auth/logout',
    summary: 'Sign out: the session ends and every socket opened with it is disconnected',
    access: { kind: 'public' },
    response: empty,
  },
  'GET /api/auth/me': {
    method: 'GET',
    path: '/api/auth/me',
    summary: 'The signed-in account',
    access: { kind: 'signedIn' },
    response: json(User),
  },
  'GET /api/meetings': {
    method: 'GET',
    path: '/api/meetings',
    summary: "The caller's meetings (drafts only for their organiser, chair and administrators), soonest first",
    access: { kind: 'signedIn' },
    response: json(z.array(MeetingSummary)),
  },
  'GET /api/meetings/:meetingId': {
    method: 'GET',
    path: '/api/meetings/:meetingId',
    summary: 'One meeting with its members, for its members',
    access: members(),
    params: MeetingIdParams,
    response: json(MeetingDetail),
  },
  'POST /api/meetings/:meetingId/status': {
    method: 'POST',
    path: '/api/meetings/:meetingId/status',
    summary: 'Publish (chair, administrators), start (chair), end (chair, administrators; 409 `vote_open` while a vote is open)',
    access: { kind: 'meeting', roles: ['chair'], alsoAdmins: true },
    params: MeetingIdParams,
    body: jsonBody(MeetingStatusChange),
    response: json(MeetingStatusChanged),
  },
  'GET /api/meetings/:meetingId/documents': {
    method: 'GET',
    path: '/api/meetings/:meetingId/documents',
    summary: "The documents the caller may see (drafts only for chair and secretary) and the caller's rights",
    access: members(),
    params: MeetingIdParams,
    response: json(DocumentList),
  },
  'POST /api/meetings/:meetingId/documents': {
    method: 'POST',
    path: '/api/meetings/:meetingId/documents',
    summary: 'Upload a PDF (201, ready) or an Office file (202, queued; then `documents:upload` events); not after the end',
    access: staff,
    params: MeetingIdParams,
    body: { kind: 'multipart', fileField: 'file', fields: DocumentUploadFields },
    response: json(UploadProgress, 201, 202),
  },
  'GET /api/meetings/:meetingId/documents/:documentId': {
    method: 'GET',
    path: '/api/meetings/:meetingId/documents/:documentId',
    summary: 'One document the caller may see',
    access: members(),
    params: DocumentParams,
    response: json(DocumentInfo),
  },
  'PATCH /api/meetings/:meetingId/documents/:documentId': {
    method: 'PATCH',
    path: '/api/meetings/:meetingId/documents/:documentId',
    summary: 'Edit title, agenda item, published, confidential; not after the end',
    access: staff,
    params: DocumentParams,
    body: jsonBody(DocumentPatch),
    response: json(DocumentInfo),
  },
  'DELETE /api/meetings/:meetingId/documents/:documentId': {
    method: 'DELETE',
    path: '/api/meetings/:meetingId/documents/:documentId',
    summary: 'Delete a document (stops its presentation); not after the end',
    access: staff,
    params: DocumentParams,
    response: empty,
  },
  'GET /api/meetings/:meetingId/documents/:documentId/view': {
    method: 'GET',
    path: '/api/meetings/:meetingId/documents/:documentId/view',
    summary: "The PDF for viewing (ranges supported); records the read receipt; confidential: a copy stamped with the viewer's name",
    access: members(),
    params: DocumentParams,
    response: file('application/pdf'),
  },
  'GET /api/meetings/:meetingId/documents/:documentId/download': {
    method: 'GET',
    path: '/api/meetings/:meetingId/documents/:documentId/download',
    summary: 'The PDF as an attachment; a confidential document only for chair and secretary',
    access: members(),
    params: DocumentParams,
    response: file('application/pdf'),
  },
  'GET /api/meetings/:meetingId/documents/:documentId/receipts': {
    method: 'GET',
    path: '/api/meetings/:meetingId/documents/:documentId/receipts',
    summary: 'Who opened the document and when (every member, `openedAt` or null)',
    access: staff,
    params: DocumentParams,
    response: json(z.array(ReadReceipt)),
  },
  'GET /api/meetings/:meetingId/documents/:documentId/notes': {
    method: 'GET',
    path: '/api/meetings/:meetingId/documents/:documentId/notes',
    summary: "The caller's own notes and highlights on a document (nobody reads another person's)",
    access: members(),
    params: DocumentParams,
    response: json(DocumentNotes),
  },
  'PUT /api/meetings/:meetingId/documents/:documentId/notes/text': {
    method: 'PUT',
    path: '/api/meetings/:meetingId/documents/:documentId/notes/text',
    summary: "Replace the caller's note text",
    access: members(),
    params: DocumentParams,
    body: jsonBody(NoteTextUpdate),
    response: json(NoteTextSaved),
  },
  'POST /api/meetings/:meetingId/documents/:documentId/notes/annotations': {
    method: 'POST',
    path: '/api/meetings/:meetingId/documents/:documentId/notes/annotations',
    summary: 'Add a highlight (409 `limit_reached` past 300 per document)',
    access: members(),
    params: DocumentParams,
    body: jsonBody(NewAnnotation),
    response: json(Annotation, 201),
  },
  'PATCH /api/meetings/:meetingId/documents/:documentId/notes/annotations/:annotationId': {
    method: 'PATCH',
    path: '/api/meetings/:meetingId/documents/:documentId/notes/annotations/:annotationId',
    summary: "Change a highlight's comment (404 for one that is not the caller's)",
    access: members(),
    params: AnnotationParams,
    body: jsonBody(AnnotationPatch),
    response: json(Annotation),
  },
  'DELETE /api/meetings/:meetingId/documents/:documentId/notes/annotations/:annotationId': {
    method: 'DELETE',
    path: '/api/meetings/:meetingId/documents/:documentId/notes/annotations/:annotationId',
    summary: 'Remove one of the caller\'s highlights',
    access: members(),
    params: AnnotationParams,
    response: empty,
  },
  'GET /api/meetings/:meetingId/documents/:documentId/notes/export': {
    method: 'GET',
    path: '/api/meetings/:meetingId/documents/:documentId/notes/export',
    summary: "The caller's notes as a PDF (with the document's pages unless it is confidential)",
    access: members(),
    params: DocumentParams,
    query: NotesExportQuery,
    response: file('application/pdf'),
  },
  'GET /api/meetings/:meetingId/votes/:voteId/results.csv': {
    method: 'GET',
    path: '/api/meetings/:meetingId/votes/:voteId/results.csv',
    summary: 'A closed vote\'s results as CSV (409 `conflict` while open; a secret ballot names nobody)',
    access: members(),
    params: VoteResultsParams,
    response: file('text/csv'),
  },
  'GET /api/meetings/:meetingId/minutes.pdf': {
    method: 'GET',
    path: '/api/meetings/:meetingId/minutes.pdf',
    summary: 'The approved minutes as PDF',
    access: members(),
    params: MeetingIdParams,
    response: file('application/pdf'),
  },
  'GET /api/meetings/:meetingId/recordings': {
    method: 'GET',
    path: '/api/meetings/:meetingId/recordings',
    summary: "The meeting's recordings (not for endpoint accounts or observers)",
    access: { kind: 'meeting', roles: ['chair', 'secretary', 'delegate'] },
    params: MeetingIdParams,
    response: json(RecordingList),
  },
  'GET /api/meetings/:meetingId/recordings/:recordingId/file': {
    method: 'GET',
    path: '/api/meetings/:meetingId/recordings/:recordingId/file',
    summary: 'One recording (Matroska; header `x-content-sha256`)',
    access: { kind: 'meeting', roles: ['chair', 'secretary', 'delegate'] },
    params: RecordingFileParams,
    response: file('video/x-matroska'),
  },
  'GET /api/meetings/:meetingId/floor-log': {
    method: 'GET',
    path: '/api/meetings/:meetingId/floor-log',
    summary: 'The speakers log: who spoke, on which item, when and how long',
    access: staff,
    params: MeetingIdParams,
    response: json(FloorLog),
  },
  'GET /api/archive': {
    method: 'GET',
    path: '/api/archive',
    summary: "Search ended meetings the caller was a member of (administrators: all)",
    access: { kind: 'signedIn' },
    query: ArchiveSearchQuery,
    response: json(ArchiveSearchResult),
  },
  'GET /api/archive/:meetingId': {
    method: 'GET',
    path: '/api/archive/:meetingId',
    summary: "An ended meeting's dossier (404 before the end)",
    access: members(true),
    params: MeetingIdParams,
    response: json(Dossier),
  },
  'GET /api/archive/:meetingId/export.zip': {
    method: 'GET',
    path: '/api/archive/:meetingId/export.zip',
    summary: 'The dossier as a ZIP with `manifest.json` (streamed, exact Content-Length)',
    access: members(true),
    params: MeetingIdParams,
    response: file('application/zip'),
  },
  'GET /api/admin/directory': {
    method: 'GET',
    path: '/api/admin/directory',
    summary: 'Every unit and account, and the accounts connected now',
    access: { kind: 'admin' },
    response: json(Directory),
  },
  'GET /api/admin/media-servers': {
    method: 'GET',
    path: '/api/admin/media-servers',
    summary: 'The media servers (SFU nodes) this signaling node knows, their link and what each carries',
    access: { kind: 'admin' },
    response: json(z.array(MediaServerStatus)),
  },
  'POST /api/admin/users': {
    method: 'POST',
    path: '/api/admin/users',
    summary: 'Create an account (a person or an endpoint); 409 when the username is taken',
    access: { kind: 'admin' },
    body: jsonBody(CreateUserRequest),
    response: json(AdminUser, 201),
  },
  'PATCH /api/admin/users/:userId': {
    method: 'PATCH',
    path: '/api/admin/users/:userId',
    summary: 'Change display name, unit, administrator flag (nobody removes their own)',
    access: { kind: 'admin' },
    params: UserIdParams,
    body: jsonBody(UpdateUserRequest),
    response: json(AdminUser),
  },
  'POST /api/admin/users/:userId/password': {
    method: 'POST',
    path: '/api/admin/users/:userId/password',
    summary: "Reset an account's password",
    access: { kind: 'admin' },
    params: UserIdParams,
    body: jsonBody(ResetPasswordRequest),
    response: empty,
  },
  'POST /api/admin/users/:userId/disabled': {
    method: 'POST',
    path: '/api/admin/users/:userId/disabled',
    summary: 'Disable or enable an account (disabling closes its sessions and sockets at once)',
    access: { kind: 'admin' },
    params: UserIdParams,
    body: jsonBody(SetUserDisabledRequest),
    response: json(AdminUser),
  },
  'POST /api/admin/units': {
    method: 'POST',
    path: '/api/admin/units',
    summary: 'Create a unit: province at the root, district under a province, commune under a district',
    access: { kind: 'admin' },
    body: jsonBody(CreateUnitRequest),
    response: json(Unit, 201),
  },
  'PATCH /api/admin/units/:unitId': {
    method: 'PATCH',
    path: '/api/admin/units/:unitId',
    summary: 'Rename or move a unit (within the same rules)',
    access: { kind: 'admin' },
    params: UnitIdParams,
    body: jsonBody(UpdateUnitRequest),
    response: json(Unit),
  },
  'DELETE /api/admin/units/:unitId': {
    method: 'DELETE',
    path: '/api/admin/units/:unitId',
    summary: 'Delete an empty unit (409 while it has sub-units or accounts)',
    access: { kind: 'admin' },
    params: UnitIdParams,
    response: empty,
  },
  'GET /api/admin/meetings': {
    method: 'GET',
    path: '/api/admin/meetings',
    summary: 'Every meeting, newest first',
    access: { kind: 'admin' },
    response: json(z.array(ManagedMeeting)),
  },
  'POST /api/admin/meetings': {
    method: 'POST',
    path: '/api/admin/meetings',
    summary: "Create a meeting (a draft); inviting a unit adds its active endpoint accounts",
    access: { kind: 'admin' },
    body: jsonBody(MeetingInput),
    response: json(ManagedMeeting, 201),
  },
  'GET /api/admin/meetings/:meetingId': {
    method: 'GET',
    path: '/api/admin/meetings/:meetingId',
    summary: 'One meeting as administrators edit it',
    access: { kind: 'admin' },
    params: MeetingIdParams,
    response: json(ManagedMeeting),
  },
  'PUT /api/admin/meetings/:meetingId': {
    method: 'PUT',
    path: '/api/admin/meetings/:meetingId',
    summary: 'Edit a meeting (409 `meeting_ended` once it is over)',
    access: { kind: 'admin' },
    params: MeetingIdParams,
    body: jsonBody(MeetingInput),
    response: json(ManagedMeeting),
  },
} as const satisfies Record<string, HttpRouteSpec>;

export type HttpRouteName = keyof typeof httpRoutes;

/** What a JSON route answers, parsed (`never` for files and empty answers). */
export type HttpRouteResult<K extends HttpRouteName> = (typeof httpRoutes)[K]['response'] extends { kind: 'json'; body: infer B extends z.ZodType }
  ? z.output<B>
  : never;

/** The path parameters a route needs (`{}` when it has none). */
export type HttpRouteParams<K extends HttpRouteName> = (typeof httpRoutes)[K] extends { params: infer P extends z.ZodType } ? z.input<P> : Record<string, never>;

/** The JSON body a route takes (`undefined` when it takes none or a multipart form). */
export type HttpRouteBody<K extends HttpRouteName> = (typeof httpRoutes)[K] extends { body: { kind: 'json'; schema: infer B extends z.ZodType } } ? z.input<B> : undefined;

/** `/api/meetings/:meetingId` with `{meetingId: 'm1'}` -> `/api/meetings/m1` (each value URI-encoded). */
export function httpRoutePath(path: string, params: Record<string, string>): string {
  return path.replace(/:([A-Za-z]+)/g, (_match, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`missing path parameter ${name} for ${path}`);
    return encodeURIComponent(value);
  });
}
