import type { agendaRequests } from '@ehop/protocol';
import type { ClientRequestHandlers } from '../realtime/bind-requests.js';
import type { SignalingSocket } from '../realtime/socket-types.js';
import type { AgendaService } from './agenda-service.js';
import { newAgendaItemId, requirePresenter } from './agenda-service.js';
import { addEntry, moveEntry, removeEntry, updateEntry } from './agenda-tree.js';

type AgendaHandlers = Pick<ClientRequestHandlers, keyof typeof agendaRequests>;

/** The agenda requests of one socket; the caller is always the socket's signed-in user. */
export function agendaHandlers(agendas: AgendaService, socket: SignalingSocket): AgendaHandlers {
  const user = () => socket.data.user;
  return {
    'agenda:get': async ({ meetingId }) => ({
      agenda: await agendas.get(user(), meetingId),
      serverTime: new Date().toISOString(),
    }),

    'agenda:addItem': ({ meetingId, version, parentId, ...fields }) =>
      agendas.changeItems(user(), meetingId, version, (items, meeting) => {
        requirePresenter(meeting, fields.presenterId);
        return addEntry(items, parentId, { id: newAgendaItemId(), ...fields });
      }),

    'agenda:updateItem': ({ meetingId, version, itemId, ...fields }) =>
      agendas.changeItems(user(), meetingId, version, (items, meeting) => {
        requirePresenter(meeting, fields.presenterId);
        return updateEntry(items, itemId, fields);
      }),

    'agenda:removeItem': ({ meetingId, version, itemId }) =>
      agendas.changeItems(user(), meetingId, version, (items) => removeEntry(items, itemId)),

    'agenda:reorder': ({ meetingId, version, itemId, parentId, index }) =>
      agendas.changeItems(user(), meetingId, version, (items) => moveEntry(items, itemId, parentId, index)),

    'agenda:setCurrent': ({ meetingId, itemId }) => agendas.setCurrent(user(), meetingId, itemId),
  };
}
