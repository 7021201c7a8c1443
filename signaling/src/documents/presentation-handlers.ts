import { RequestError, type ClientRequestName, type PresentationState } from '@ehop/protocol';
import { requireMembership, requireNotEnded } from '../meetings/meeting-access.js';
import { roleOf } from '../meetings/meeting-repository.js';
import { rooms } from '../redis/keys.js';
import type { ClientRequestHandlers } from '../realtime/bind-requests.js';
import type { SignalingSocket } from '../realtime/socket-types.js';
import { canSeeDocument } from './document-access.js';
import type { DocumentServices } from './document-services.js';
import { mayControl, mayPresent, requirePageInRange, requirePresentable } from './presenting-rules.js';

type DocumentRequestName = Extract<ClientRequestName, `documents:${string}` | `presentation:${string}`>;
type DocumentHandlers = Pick<ClientRequestHandlers, DocumentRequestName>;

/**
 * Following and presenting a meeting's documents over socket.io. Every request checks the
 * caller's role in that meeting in Redis; a refused request writes and broadcasts nothing.
 */
export function documentHandlers(services: DocumentServices, socket: SignalingSocket): DocumentHandlers {
  const { meetings, presentations, documents, notifier } = services;
  const user = socket.data.user;

  /** The caller's role, the running presentation and the designated presenter, read together. */
  const context = async (meetingId: string) => {
    const [membership, state, designated] = await Promise.all([
      requireMembership(meetings, meetingId, user.id),
      presentations.get(meetingId),
      presentations.designatedPresenter(meetingId),
    ]);
    return { role: membership.role, meeting: membership.meeting, state, designated };
  };

  const publish = (state: PresentationState) => {
    notifier.presentationChanged(state.meetingId, state);
    return state;
  };

  return {
    'documents:subscribe': async ({ meetingId }) => {
      const { role, state } = await context(meetingId);
      await socket.join(rooms.documents(meetingId));
      const document = state ? await documents.get(state.documentId) : null;
      const visible = state && document && canSeeDocument(document, role) ? state : null;
      return { presentation: visible };
    },

    'documents:unsubscribe': async ({ meetingId }) => {
      await socket.leave(rooms.documents(meetingId));
      return {};
    },

    'presentation:start': async ({ meetingId, documentId, page, zoom }) => {
      const { role, meeting, designated } = await context(meetingId);
      requireNotEnded(meeting);
      if (!mayPresent(role, user.id, designated)) throw new RequestError('forbidden', 'Only the chair or the designated presenter may present');
      const document = await documents.get(documentId);
      if (!document || document.meetingId !== meetingId) throw new RequestError('not_found', 'Document not found');
      requirePresentable(document, page);
      return publish(await presentations.save({ ...stateBase(meetingId, user), documentId, page, zoom }));
    },

    'presentation:update': async ({ meetingId, page, zoom }) => {
      const { role, meeting, state, designated } = await context(meetingId);
      requireNotEnded(meeting);
      if (!state) throw new RequestError('conflict', 'Nothing is being presented');
      if (!mayControl(state, role, user.id, designated)) throw new RequestError('forbidden', 'Only the presenter or the chair may turn the pages');
      const document = await documents.get(state.documentId);
      if (!document) throw new RequestError('conflict', 'The presented document was removed');
      requirePageInRange(document, page);
      return publish(await presentations.save({ ...state, ...stateBase(meetingId, user), page, zoom: zoom ?? state.zoom }));
    },

    'presentation:stop': async ({ meetingId }) => {
      const { role, state, designated } = await context(meetingId);
      if (!state) return {};
      if (!mayControl(state, role, user.id, designated)) throw new RequestError('forbidden', 'Only the presenter or the chair may stop the presentation');
      await presentations.clear(meetingId);
      notifier.presentationChanged(meetingId, null);
      return {};
    },

    'presentation:designate': async ({ meetingId, userId }) => {
      const { role, meeting } = await context(meetingId);
      if (role !== 'chair') throw new RequestError('forbidden', 'Only the chair designates the presenter');
      if (userId && !roleOf(meeting, userId)) throw new RequestError('invalid_payload', 'The presenter must be a member of the meeting');
      await presentations.designate(meetingId, userId);
      notifier.listChanged(meetingId);
      return { designatedPresenterId: userId };
    },
  };
}

function stateBase(meetingId: string, user: { id: string; displayName: string }) {
  return { meetingId, presenterUserId: user.id, presenterName: user.displayName, updatedAt: new Date().toISOString() };
}
