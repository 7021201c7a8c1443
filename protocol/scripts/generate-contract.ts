/**
 * Writes the client contract generated from the protocol's zod schemas:
 * docs/contract/asyncapi.json (socket.io), docs/contract/openapi.json (HTTP) and the tables of
 * docs/CLIENT-CONTRACT.md. Run after changing anything in protocol/src that clients see:
 *   npx tsx protocol/scripts/generate-contract.ts
 * protocol/test/contract-up-to-date.test.ts fails while the committed files differ.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { contractFiles, repoRoot } from './contract/contract-files.js';

for (const file of await contractFiles()) {
  await mkdir(dirname(`${repoRoot}${file.path}`), { recursive: true });
  await writeFile(`${repoRoot}${file.path}`, file.content);
  console.log(`wrote ${file.path}`);
}
