import { open } from 'node:fs/promises';
import CFB from 'cfb';
import yauzl from 'yauzl';
import type { DocumentSourceType } from '@ehop/protocol';

const PDF_MAGIC = Buffer.from('%PDF-');
const OLE2_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
/** Some PDF writers put junk before the header; readers accept it within the first KiB. */
const PDF_HEADER_WINDOW = 1024;
/** A real Office file has a few dozen parts; a zip bomb of names gets no further than this. */
const MAX_ZIP_ENTRIES = 20_000;

/**
 * What a file is, decided by its content (never by its name): a PDF, or a Word, Excel or
 * PowerPoint file in either the old binary (OLE2 compound file) or the OOXML (zip) format.
 * Anything else is null.
 */
export async function detectDocumentType(path: string): Promise<DocumentSourceType | null> {
  const head = await readHead(path, PDF_HEADER_WINDOW);
  if (head.subarray(0, PDF_HEADER_WINDOW).includes(PDF_MAGIC)) return 'pdf';
  if (head.subarray(0, OLE2_MAGIC.length).equals(OLE2_MAGIC)) return oleDocumentType(path);
  if (head.subarray(0, ZIP_MAGIC.length).equals(ZIP_MAGIC)) return ooxmlDocumentType(path);
  return null;
}

async function readHead(path: string, length: number): Promise<Buffer> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await file.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

/** The streams every .doc, .xls and .ppt has (an .msi or a .msg has none of them). */
function oleDocumentType(path: string): DocumentSourceType | null {
  let names: string[];
  try {
    names = CFB.read(path, { type: 'file' }).FullPaths.map((fullPath) => fullPath.split('/').filter(Boolean).pop() ?? '');
  } catch {
    return null;
  }
  if (names.includes('WordDocument')) return 'word';
  if (names.includes('Workbook') || names.includes('Book')) return 'excel';
  if (names.includes('PowerPoint Document')) return 'powerpoint';
  return null;
}

/** An OOXML package: `[Content_Types].xml` plus the main part's folder (word/, xl/ or ppt/). */
async function ooxmlDocumentType(path: string): Promise<DocumentSourceType | null> {
  let names: Set<string>;
  try {
    names = await zipEntryNames(path);
  } catch {
    return null;
  }
  if (!names.has('[Content_Types].xml')) return null;
  if (names.has('word/document.xml')) return 'word';
  if (names.has('xl/workbook.xml')) return 'excel';
  if (names.has('ppt/presentation.xml')) return 'powerpoint';
  return null;
}

/** Reads only the zip's central directory: nothing is decompressed. */
function zipEntryNames(path: string): Promise<Set<string>> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: true }, (error, zip) => {
      if (error || !zip) return reject(error ?? new Error('unreadable zip'));
      if (zip.entryCount > MAX_ZIP_ENTRIES) {
        zip.close();
        return reject(new Error('too many zip entries'));
      }
      const names = new Set<string>();
      zip.on('entry', (entry: yauzl.Entry) => {
        names.add(entry.fileName);
        zip.readEntry();
      });
      zip.on('end', () => resolve(names));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}
