import { Router } from 'express';
import { AnnotationParams, AnnotationPatch, DocumentParams, NewAnnotation, NotesExportQuery, NoteTextUpdate, type NoteTextSaved } from '@ehop/protocol';
import type { UserRepository } from '../accounts/user-repository.js';
import { currentUser, requireAuth } from '../http/require-auth.js';
import { validated } from '../http/validate.js';
import type { NotesService } from './notes-service.js';

/**
 * `/api/meetings/:meetingId/documents/:documentId/notes`: the signed-in person's own notes on a
 * document. No route names a user: whose notes is always the session's user.
 */
export function notesRoutes(service: NotesService, users: UserRepository): Router {
  const router = Router({ mergeParams: true });
  router.use(requireAuth(users));

  router.get(
    '/',
    validated({ params: DocumentParams }, async ({ params }, _req, res) => {
      res.setHeader('Cache-Control', 'private, no-store');
      res.json(await service.read(params, currentUser(res)));
    }),
  );

  router.put(
    '/text',
    validated({ params: DocumentParams, body: NoteTextUpdate }, async ({ params, body }, _req, res) => {
      const saved: NoteTextSaved = await service.saveText(params, currentUser(res), body.text);
      res.json(saved);
    }),
  );

  router.post(
    '/annotations',
    validated({ params: DocumentParams, body: NewAnnotation }, async ({ params, body }, _req, res) => {
      res.status(201).json(await service.addAnnotation(params, currentUser(res), body));
    }),
  );

  router.patch(
    '/annotations/:annotationId',
    validated({ params: AnnotationParams, body: AnnotationPatch }, async ({ params, body }, _req, res) => {
      res.json(await service.updateComment(params, currentUser(res), params.annotationId, body.comment));
    }),
  );

  router.delete(
    '/annotations/:annotationId',
    validated({ params: AnnotationParams }, async ({ params }, _req, res) => {
      await service.removeAnnotation(params, currentUser(res), params.annotationId);
      res.status(204).end();
    }),
  );

  router.get(
    '/export',
    validated({ params: DocumentParams, query: NotesExportQuery }, async ({ params, query }, _req, res) => {
      const { pdf, fileName } = await service.exportPdf(params, currentUser(res), query.lang);
      res.setHeader('Cache-Control', 'private, no-store');
      res.attachment(fileName);
      res.type('application/pdf').send(Buffer.from(pdf));
    }),
  );

  return router;
}
