import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * LibreOffice settings for converting files nobody vouches for, written into the job's fresh
 * profile before soffice starts. They keep LibreOffice from loading anything the file points
 * at outside itself; the sandbox (conversion-sandbox.ts) makes sure it could not reach it anyway.
 */
const SETTINGS: readonly { path: string; name: string; value: string }[] = [
  // Pictures linked (not embedded) from a web address, a file:// path or a UNC share are not loaded.
  { path: '/org.openoffice.Office.Common/Security/Scripting', name: 'BlockUntrustedRefererLinks', value: 'true' },
  { path: '/org.openoffice.Office.Common/Security/Scripting', name: 'DisableMacrosExecution', value: 'true' },
  { path: '/org.openoffice.Office.Common/Security/Scripting', name: 'MacroSecurityLevel', value: '3' },
  { path: '/org.openoffice.Office.Common/Security/Scripting', name: 'ExecutePlugins', value: 'false' },
  // Linked sections, OLE objects and DDE: never updated on load (Writer: 0 = never, sw/inc/linkenum.hxx).
  { path: '/org.openoffice.Office.Writer/Content/Update', name: 'Link', value: '0' },
  // Calc's external references and linked sheets: never (1 = LM_NEVER, sc/inc/global.hxx).
  { path: '/org.openoffice.Office.Calc/Content/Update', name: 'Link', value: '1' },
];

/** Writes `user/registrymodifications.xcu` into `profileDir` (LibreOffice's UserInstallation). */
export async function writeOfficeProfile(profileDir: string): Promise<void> {
  const items = SETTINGS.map(
    ({ path, name, value }) => `<item oor:path="${path}"><prop oor:name="${name}" oor:op="fuse"><value>${value}</value></prop></item>`,
  );
  const xcu = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">',
    ...items,
    '</oor:items>',
    '',
  ].join('\n');
  await mkdir(join(profileDir, 'user'), { recursive: true });
  await writeFile(join(profileDir, 'user', 'registrymodifications.xcu'), xcu);
}
