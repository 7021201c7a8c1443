import { DocumentList, ReadReceipt, UploadProgress, type DocumentInfo, type DocumentPatch } from '@ehop/protocol';
import { errorFromResponse } from '../api.js';
import { AppError } from '../errors.js';

const base = (meetingId: string) => `/api/meetings/${encodeURIComponent(meetingId)}/documents`;

export const documentUrls = {
  /** The PDF for the viewer (confidential ones come stamped with the viewer's name). */
  view: (meetingId: string, documentId: string) => `${base(meetingId)}/${encodeURIComponent(documentId)}/view`,
  download: (meetingId: string, documentId: string) => `${base(meetingId)}/${encodeURIComponent(documentId)}/download`,
};

export async function send(method: string, url: string, body?: unknown, init: RequestInit = {}): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, {
      ...init,
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new AppError('network', 'Could not reach the server', error);
  }
  const text = await response.text();
  const payload: unknown = text ? safeJson(text) : undefined;
  if (!response.ok) throw errorFromResponse(response.status, payload);
  return payload;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export const documentsApi = {
  list: async (meetingId: string) => DocumentList.parse(await send('GET', base(meetingId))),
  update: async (meetingId: string, documentId: string, patch: DocumentPatch) =>
    (await send('PATCH', `${base(meetingId)}/${encodeURIComponent(documentId)}`, patch)) as DocumentInfo,
  remove: (meetingId: string, documentId: string) => send('DELETE', `${base(meetingId)}/${encodeURIComponent(documentId)}`),
  receipts: async (meetingId: string, documentId: string) =>
    ReadReceipt.array().parse(await send('GET', `${base(meetingId)}/${encodeURIComponent(documentId)}/receipts`)),
};

export interface UploadOptions {
  confidential: boolean;
  published: boolean;
  agendaItemId?: string;
  /** Bytes sent so far and the total, as the browser reports them. */
  onProgress(sent: number, total: number): void;
}

/**
 * Uploads one file with XMLHttpRequest, whose upload events (unlike fetch) tell how far along
 * the bytes are. Resolves to the server's answer: ready (a PDF) or queued (to be converted).
 */
export function uploadDocument(meetingId: string, file: File, options: UploadOptions): { done: Promise<UploadProgress>; abort(): void } {
  const xhr = new XMLHttpRequest();
  const form = new FormData();
  form.append('confidential', String(options.confidential));
  form.append('published', String(options.published));
  if (options.agendaItemId) form.append('agendaItemId', options.agendaItemId);
  form.append('file', file, file.name);

  const done = new Promise<UploadProgress>((resolve, reject) => {
    xhr.upload.addEventListener('progress', (event) => options.onProgress(event.loaded, event.lengthComputable ? event.total : file.size));
    xhr.addEventListener('load', () => {
      const payload = safeJson(xhr.responseText);
      if (xhr.status >= 200 && xhr.status < 300) resolve(UploadProgress.parse(payload));
      else reject(errorFromResponse(xhr.status, payload));
    });
    xhr.addEventListener('error', () => reject(new AppError('network', 'The upload was interrupted')));
    xhr.addEventListener('abort', () => reject(new AppError('network', 'The upload was cancelled')));
    xhr.open('POST', base(meetingId));
    xhr.setRequestHeader('accept', 'application/json');
    xhr.send(form);
  });
  return { done, abort: () => xhr.abort() };
}
