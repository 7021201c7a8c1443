import { basename, dirname, isAbsolute } from 'node:path';

export interface SandboxMounts {
  /** The job's private folder: the only place the converter may write (profile and PDF). */
  workDir: string;
  /** The file to convert, seen read-only (it normally lies inside workDir). */
  inputPath: string;
  /** soffice's own installation when it is not under /usr (e.g. /opt/libreoffice7.6). */
  installDir: string | null;
}

/**
 * The only variables of the server's environment the converter sees: language and time zone
 * (they shape dates and numbers in the PDF as before the sandbox). Nothing else: no secrets, no proxies.
 */
export const PASSED_ENVIRONMENT = ['LANG', 'LC_ALL', 'TZ'] as const;

/**
 * The bubblewrap (`bwrap`) command line that runs `command` cut off from everything an Office
 * file could make LibreOffice reach: a new network namespace holding only its own loopback (no
 * web address, intranet host or local service answers), and a file system made of the operating
 * system's programs and fonts read-only, an empty /tmp, and the job's folder, nothing else (no
 * DATA_DIR, no other upload, no /etc/passwd, no /home, no secrets). It runs as `nobody` in its
 * own user, PID, IPC and UTS namespaces with no capabilities, and dies with the server.
 */
export function sandboxedCommand(
  bwrapPath: string,
  mounts: SandboxMounts,
  command: string,
  args: readonly string[],
  environment: NodeJS.ProcessEnv = {},
): { file: string; args: string[] } {
  for (const path of [mounts.workDir, mounts.inputPath]) {
    if (!isAbsolute(path)) throw new Error(`sandbox mounts need absolute paths: ${path}`);
  }
  const passed = PASSED_ENVIRONMENT.flatMap((name) => (environment[name] ? ['--setenv', name, environment[name]] : []));
  return {
    file: bwrapPath,
    args: [
      '--unshare-all',
      '--unshare-user',
      '--uid', '65534',
      '--gid', '65534',
      '--cap-drop', 'ALL',
      '--die-with-parent',
      '--new-session',
      // Debian's merged /usr: /bin, /lib… are links into it.
      '--ro-bind', '/usr', '/usr',
      ...['bin', 'sbin', 'lib', 'lib64'].flatMap((name) => ['--symlink', `usr/${name}`, `/${name}`]),
      // Fonts, and LibreOffice's system-wide settings (Debian keeps its registry in /etc).
      '--ro-bind', '/etc/fonts', '/etc/fonts',
      '--ro-bind-try', '/etc/libreoffice', '/etc/libreoffice',
      '--ro-bind-try', '/etc/ld.so.cache', '/etc/ld.so.cache',
      '--ro-bind-try', '/etc/localtime', '/etc/localtime',
      '--ro-bind-try', '/var/cache/fontconfig', '/var/cache/fontconfig',
      '--proc', '/proc',
      '--dev', '/dev',
      '--tmpfs', '/tmp',
      // After /tmp: a later mount hides what an earlier one put beneath it.
      ...(mounts.installDir ? ['--ro-bind', mounts.installDir, mounts.installDir] : []),
      '--bind', mounts.workDir, mounts.workDir,
      '--ro-bind', mounts.inputPath, mounts.inputPath,
      '--chdir', mounts.workDir,
      '--clearenv',
      '--setenv', 'PATH', '/usr/bin:/bin',
      '--setenv', 'HOME', mounts.workDir,
      '--setenv', 'LANG', 'C.UTF-8',
      ...passed,
      '--',
      command,
      ...args,
    ],
  };
}

/**
 * The folder to show the converter when soffice lives outside /usr: LibreOffice's own
 * installation (the parent of its `program/` folder), or the folder of a stand-alone script.
 * `realSofficePath` is the resolved path (symlinks followed); null when it is under /usr.
 */
export function installDirOf(realSofficePath: string): string | null {
  if (!isAbsolute(realSofficePath) || realSofficePath.startsWith('/usr/')) return null;
  const dir = dirname(realSofficePath);
  return basename(dir) === 'program' ? dirname(dir) : dir;
}
