/** A title as a file name every system accepts: no path separators, control or reserved characters. */
export function safeFileName(title: string, extension: string, fallback: string): string {
  const base = title
    .normalize('NFC')
    .replace(/[\\/:*?"<>|\u0000-\u001f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '')
    .slice(0, 120)
    .trim();
  const name = base || fallback;
  return name.toLowerCase().endsWith(extension) ? name : `${name}${extension}`;
}

/** Adds " (2)", " (3)"… before the extension of names already taken, so no file hides another in the ZIP. */
export function uniqueNames(names: readonly string[]): string[] {
  const taken = new Set<string>();
  return names.map((name) => {
    let candidate = name;
    for (let n = 2; taken.has(candidate.toLowerCase()); n++) {
      const dot = name.lastIndexOf('.');
      const slash = name.lastIndexOf('/');
      candidate = dot > slash ? `${name.slice(0, dot)} (${n})${name.slice(dot)}` : `${name} (${n})`;
    }
    taken.add(candidate.toLowerCase());
    return candidate;
  });
}
