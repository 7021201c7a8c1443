import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Request } from 'express';
import busboy from 'busboy';
import { RequestError } from '@ehop/protocol';

export interface ReceivedFile {
  path: string;
  /** The name the browser gave (only for display and the download name: the type comes from content). */
  fileName: string;
  sizeBytes: number;
  sha256: string;
  /** The multipart text fields, unchecked (the route parses them with the protocol's schema). */
  fields: Record<string, string>;
}

const FILE_FIELD = 'file';

/**
 * Streams the multipart upload's `file` part to `workDir` while hashing it: nothing is held in
 * memory. Past `maxBytes` writing stops and the rest of the request is read and thrown away, so
 * the browser gets the 413 answer instead of a broken connection.
 */
export function receiveUpload(req: Request, workDir: string, maxBytes: number): Promise<ReceivedFile> {
  if (!req.headers['content-type']?.startsWith('multipart/form-data')) {
    return Promise.reject(new RequestError('invalid_payload', 'Send the file as multipart/form-data'));
  }
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        defParamCharset: 'utf8', // Vietnamese file names
        limits: { fileSize: maxBytes, files: 1, fields: 10, fieldSize: 2048, parts: 12 },
      });
    } catch (error) {
      return reject(new RequestError('invalid_payload', `Unreadable multipart request: ${(error as Error).message}`));
    }
    const fields: Record<string, string> = {};
    let written: Promise<{ sizeBytes: number; sha256: string }> | null = null;
    let fileName = '';
    let tooLarge = false;
    const path = join(workDir, 'upload');

    parser.on('field', (name, value) => (fields[name] = value));
    parser.on('file', (name, stream, info) => {
      if (name !== FILE_FIELD || written) return void stream.resume();
      fileName = info.filename ?? '';
      stream.on('limit', () => (tooLarge = true));
      written = writeHashed(stream, path);
      written.catch(() => undefined); // awaited on 'close'; a rejection is reported there
    });
    parser.on('error', (error: Error) => reject(new RequestError('invalid_payload', `Unreadable multipart request: ${error.message}`)));
    parser.on('close', () => {
      if (tooLarge) return reject(new RequestError('file_too_large', `The file is larger than ${formatMegabytes(maxBytes)}`));
      if (!written) return reject(new RequestError('invalid_payload', `No file in the "${FILE_FIELD}" field`));
      written.then(({ sizeBytes, sha256 }) => {
        if (sizeBytes === 0) return reject(new RequestError('unsupported_file_type', 'The file is empty'));
        resolve({ path, fileName: fileName || 'document', sizeBytes, sha256, fields });
      }, reject);
    });
    req.on('aborted', () => reject(new RequestError('invalid_payload', 'The upload was interrupted')));
    req.pipe(parser);
  });
}

async function writeHashed(stream: NodeJS.ReadableStream, path: string): Promise<{ sizeBytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let sizeBytes = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      sizeBytes += chunk.length;
      callback(null, chunk);
    },
  });
  await pipeline(stream, meter, createWriteStream(path));
  return { sizeBytes, sha256: hash.digest('hex') };
}

export function formatMegabytes(bytes: number): string {
  return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
}
