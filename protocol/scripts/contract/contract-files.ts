import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { buildAsyncApi } from './asyncapi.js';
import { buildOpenApi } from './openapi.js';
import { renderTables, withTables } from './markdown-tables.js';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export interface ContractFile {
  /** Relative to the repository's root. */
  path: string;
  content: string;
}

/** Every generated file of the client contract, as it must be committed. */
export async function contractFiles(): Promise<ContractFile[]> {
  const { version } = JSON.parse(await readFile(`${repoRoot}protocol/package.json`, 'utf8')) as { version: string };
  const guide = await readFile(`${repoRoot}docs/CLIENT-CONTRACT.md`, 'utf8');
  return [
    { path: 'docs/contract/asyncapi.json', content: asJson(buildAsyncApi(version)) },
    { path: 'docs/contract/openapi.json', content: asJson(buildOpenApi(version)) },
    { path: 'docs/CLIENT-CONTRACT.md', content: withTables(guide, renderTables()) },
  ];
}

function asJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
