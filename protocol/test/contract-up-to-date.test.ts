import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { contractFiles, repoRoot } from '../scripts/contract/contract-files.js';

describe('the generated client contract', () => {
  it('is committed as the protocol generates it now (else: npx tsx protocol/scripts/generate-contract.ts)', async () => {
    for (const file of await contractFiles()) {
      const committed = await readFile(`${repoRoot}${file.path}`, 'utf8').catch(() => '(missing)');
      expect(committed, `${file.path} is stale: run npx tsx protocol/scripts/generate-contract.ts`).toBe(file.content);
    }
  });
});
