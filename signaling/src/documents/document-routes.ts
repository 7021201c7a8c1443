import { rm } from 'node:fs/promises';
import { Router, type Response } from 'express';
import { z } from 'zod';
import {
  DocumentParams,
  DocumentPatch,
  DocumentUploadFields,
  MeetingIdParams,
  RequestError,
  type DocumentList,
  type ReadReceipt,
  type User,
} from '@ehop/protocol';
import type { UserRepository } from '../accounts/user-repository.js';
import { entryIds } from '../agenda/agenda-tree.js';
import { currentUser, requireAuth } from '../http/require-auth.js';
import { validated } from '../http/validate.js';
import { requireMembership } from '../meetings/meeting-access.js';
import {
  canManageDocuments,
  canSeeDocument,
  mayTakeDocumentFile,
  requireDocumentManager,
  requireDocumentsOpen,
  requireVisibleDocument,
} from './document-access.js';
import { publicView } from './document-intake.js';
import type { StoredDocument } from './document-repository.js';
import type { DocumentServices } from './document-services.js';
import { mayPresent } from './presenting-rules.js';
import { receiveUpload } from './receive-upload.js';
import { watermarkFor } from './watermark.js';

/**
 * `/api/meetings/:meetingId/documents`: list, upload, edit, delete, view, download and read
 * receipts. Every route checks the caller's membership (and role) in that meeting first.
 */
export function documentRoutes(services: DocumentServices, users: UserRepository): Router {
  const { meetings, documents, presentations, blobs, config } = services;
  const router = Router({ mergeParams: true });
  router.use(requireAuth(users));

  /** The caller's role in the meeting and the document, if they may see it. */
  const visibleDocument = async (params: { meetingId: string; documentId: string }, me: User) => {
    const { role, meeting } = await requireMembership(meetings, params.meetingId, me.id);
    const document = requireVisibleDocument(await documents.get(params.documentId), params.meetingId, role);
    return { role, meeting, document };
  };

  router.get(
    '/',
    validated({ params: MeetingIdParams }, async ({ params }, _req, res) => {
      const me = currentUser(res);
      const { role } = await requireMembership(meetings, params.meetingId, me.id);
      const [all, designated] = await Promise.all([
        documents.listForMeeting(params.meetingId),
        presentations.designatedPresenter(params.meetingId),
      ]);
      const body: DocumentList = {
        documents: all.filter((document) => canSeeDocument(document, role)).map(publicView),
        myRole: role,
        canManage: canManageDocuments(role),
        canPresent: mayPresent(role, me.id, designated),
        maxUploadBytes: config.maxUploadBytes,
        designatedPresenterId: designated,
      };
      res.json(body);
    }),
  );

  router.post(
    '/',
    validated({ params: MeetingIdParams }, async ({ params }, req, res) => {
      const me = currentUser(res);
      // Role and meeting are checked before a byte of the file is read: a refused upload stores nothing.
      const { role, meeting } = await requireMembership(meetings, params.meetingId, me.id);
      requireDocumentManager(role);
      requireDocumentsOpen(meeting);
      const workDir = await blobs.workDir();
      try {
        const file = await receiveUpload(req, workDir, config.maxUploadBytes);
        const fields = DocumentUploadFields.safeParse(file.fields);
        if (!fields.success) throw new RequestError('invalid_payload', z.prettifyError(fields.error));
        await requireAgendaItemOf(services, params.meetingId, fields.data.agendaItemId);
        const progress = await services.intake.accept({
          meetingId: params.meetingId,
          uploader: me,
          sessionId: req.sessionID,
          fields: fields.data,
          file,
          workDir,
        });
        res.status(progress.status === 'ready' ? 201 : 202).json(progress);
      } catch (error) {
        await rm(workDir, { recursive: true, force: true });
        throw error;
      }
    }),
  );

  router.get(
    '/:documentId',
    validated({ params: DocumentParams }, async ({ params }, _req, res) => {
      const { document } = await visibleDocument(params, currentUser(res));
      res.json(publicView(document));
    }),
  );

  router.patch(
    '/:documentId',
    validated({ params: DocumentParams, body: DocumentPatch }, async ({ params, body }, _req, res) => {
      const { role, meeting, document } = await visibleDocument(params, currentUser(res));
      requireDocumentManager(role);
      requireDocumentsOpen(meeting);
      await requireAgendaItemOf(services, params.meetingId, body.agendaItemId);
      const updated: StoredDocument = { ...document, ...body };
      await documents.update(updated);
      if (!updated.published) await stopPresentingIf(services, document);
      services.notifier.listChanged(params.meetingId);
      res.json(publicView(updated));
    }),
  );

  router.delete(
    '/:documentId',
    validated({ params: DocumentParams }, async ({ params }, _req, res) => {
      const { role, meeting, document } = await visibleDocument(params, currentUser(res));
      requireDocumentManager(role);
      requireDocumentsOpen(meeting);
      await stopPresentingIf(services, document);
      if (await documents.delete(document)) await blobs.remove(document.sha256);
      await services.noteStore.deleteForDocument(document.id);
      services.notifier.listChanged(params.meetingId);
      res.status(204).end();
    }),
  );

  /** The PDF for the in-app viewer. Confidential: a copy stamped with the viewer's name, never the original. */
  router.get(
    '/:documentId/view',
    validated({ params: DocumentParams }, async ({ params }, _req, res) => {
      const me = currentUser(res);
      const { document } = await visibleDocument(params, me);
      await documents.recordOpened(document.id, me.id, new Date());
      const path = document.confidential
        ? await services.watermarker.stamped(blobs.pathOf(document.sha256), document.sha256, watermarkFor(me))
        : blobs.pathOf(document.sha256);
      res.setHeader('Cache-Control', document.confidential ? 'private, no-store' : 'private, max-age=3600');
      res.setHeader('Content-Disposition', 'inline');
      await sendPdf(res, path);
    }),
  );

  router.get(
    '/:documentId/download',
    validated({ params: DocumentParams }, async ({ params }, _req, res) => {
      const { role, document } = await visibleDocument(params, currentUser(res));
      if (!mayTakeDocumentFile(document, role)) {
        throw new RequestError('forbidden', 'This document is confidential: it can be viewed but not downloaded');
      }
      res.setHeader('Cache-Control', 'private, no-cache');
      res.attachment(downloadName(document));
      await sendPdf(res, blobs.pathOf(document.sha256));
    }),
  );

  router.get(
    '/:documentId/receipts',
    validated({ params: DocumentParams }, async ({ params }, _req, res) => {
      const { role, meeting, document } = await visibleDocument(params, currentUser(res));
      requireDocumentManager(role);
      const [opened, members] = await Promise.all([
        documents.receipts(document.id),
        users.getMany(meeting.members.map((member) => member.userId)),
      ]);
      const receipts: ReadReceipt[] = meeting.members.flatMap(({ userId }) => {
        const member = members.get(userId);
        return member ? [{ userId, displayName: member.displayName, openedAt: opened.get(userId) ?? null }] : [];
      });
      res.json(receipts);
    }),
  );

  return router;
}

/** A document can only be filed under an item (or sub-item) of its own meeting's agenda. */
async function requireAgendaItemOf(services: DocumentServices, meetingId: string, agendaItemId: string | null | undefined): Promise<void> {
  if (!agendaItemId) return;
  const agenda = await services.agendas.get(meetingId);
  if (!entryIds(agenda.items).includes(agendaItemId)) {
    throw new RequestError('invalid_payload', 'The agenda item is not on this meeting\'s agenda');
  }
}

/** Whoever presented a document that is gone (or hidden) stops presenting it. */
async function stopPresentingIf(services: DocumentServices, document: StoredDocument): Promise<void> {
  const state = await services.presentations.get(document.meetingId);
  if (state?.documentId !== document.id) return;
  await services.presentations.clear(document.meetingId);
  services.notifier.presentationChanged(document.meetingId, null);
}

function downloadName(document: StoredDocument): string {
  const base = document.title.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, ' ').trim() || 'tai-lieu';
  return base.toLowerCase().endsWith('.pdf') ? base : `${base}.pdf`;
}

/** express's sendFile: ranges (pdf.js loads big files piece by piece), ETag and Last-Modified. */
function sendPdf(res: Response, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    res.type('application/pdf');
    res.sendFile(path, { dotfiles: 'deny', lastModified: true }, (error) => {
      if (!error) return resolve();
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return reject(new Error(`stored PDF is missing: ${path}`));
      if (res.headersSent) return resolve(); // the browser went away mid-transfer
      reject(error);
    });
  });
}
