import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Transform, type Readable } from 'node:stream';
import { ZipFile } from 'yazl';
import type { DossierItem } from './dossier-item.js';

export interface DossierZip {
  /** The ZIP's bytes, produced as they are read (a large dossier is never held in memory). */
  stream: Readable;
  /** Exact length in bytes, known before the first byte: the browser shows real download progress. */
  sizeBytes: number;
}

/**
 * Streams `manifest.json` and every item into a ZIP. Nothing is compressed: PDFs and recordings
 * are compressed already, and with stored entries yazl knows the total size ahead, so the
 * response carries Content-Length. Each stored file is hashed on the way out; a file whose bytes
 * no longer match its SHA-256 (damaged storage) aborts the download rather than hand over a
 * manifest that lies.
 */
export function dossierZip(manifest: Buffer, items: readonly DossierItem[], mtime = new Date()): DossierZip {
  const zip = new ZipFile();
  const output = zip.outputStream as Readable;
  // yazl reports failures on the ZipFile; piped streams do not pass errors on: both end the output with the error.
  const fail = (error: Error) => output.destroy(error);
  zip.on('error', fail);
  const options = { compress: false, mtime };
  zip.addBuffer(manifest, 'manifest.json', options);
  for (const item of items) {
    if (item.content.type === 'bytes') {
      zip.addBuffer(item.content.bytes, item.fileName, options);
    } else {
      const { path } = item.content;
      zip.addReadStreamLazy(item.fileName, { ...options, size: item.sizeBytes }, (callback) =>
        callback(null, createReadStream(path).on('error', fail).pipe(verifyingSha256(item.sha256, item.fileName)).on('error', fail)),
      );
    }
  }
  let sizeBytes = -1;
  (zip.end as (options: object, callback: (size: number) => void) => void)({}, (size) => (sizeBytes = size));
  if (sizeBytes < 0) throw new Error('the ZIP size could not be computed ahead');
  return { stream: output, sizeBytes };
}

/** Passes bytes through and fails at the end if they do not hash to `expected`. */
export function verifyingSha256(expected: string, name: string): Transform {
  const hash = createHash('sha256');
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      callback(null, chunk);
    },
    flush(callback) {
      const actual = hash.digest('hex');
      callback(actual === expected ? null : new Error(`${name}: stored bytes hash to ${actual}, expected ${expected}`));
    },
  });
}
