/*
 * Chapters per agenda item: the recorder notes when the current item changes, and the finished
 * file gets them as Matroska chapters through an FFMETADATA file (ffmpeg -map_chapters).
 */

export interface ChapterMark {
  /** Milliseconds since the recording started. */
  atMs: number;
  title: string;
}

export interface Chapter {
  startMs: number;
  endMs: number;
  title: string;
}

/** Marks to chapters: each lasts until the next one; zero-length ones (two changes at once) go. */
export function chaptersOf(marks: readonly ChapterMark[], durationMs: number): Chapter[] {
  const sorted = [...marks].filter((mark) => mark.atMs < durationMs).sort((a, b) => a.atMs - b.atMs);
  return sorted
    .map((mark, index) => ({ startMs: Math.max(0, Math.round(mark.atMs)), endMs: Math.round(sorted[index + 1]?.atMs ?? durationMs), title: mark.title }))
    .filter((chapter) => chapter.endMs > chapter.startMs);
}

// FFMETADATA escapes '=', ';', '#', '\' and newlines with a backslash.
function escape(value: string): string {
  return value.replace(/[=;#\\\n]/g, (character) => `\\${character}`);
}

export function ffmetadata(title: string, chapters: readonly Chapter[]): string {
  const lines = [';FFMETADATA1', `title=${escape(title)}`];
  for (const chapter of chapters) {
    lines.push('[CHAPTER]', 'TIMEBASE=1/1000', `START=${chapter.startMs}`, `END=${chapter.endMs}`, `title=${escape(chapter.title)}`);
  }
  return `${lines.join('\n')}\n`;
}
