import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const alias = {
  // Tests run the protocol's TypeScript source; the servers' builds use its compiled output.
  '@ehop/protocol': fileURLToPath(new URL('./protocol/src/index.ts', import.meta.url)),
  '@ehop/testkit': fileURLToPath(new URL('./testkit/src/index.ts', import.meta.url)),
  '@ehop/rtp': fileURLToPath(new URL('./rtp/src/index.ts', import.meta.url)),
  '@ehop/recordings': fileURLToPath(new URL('./recordings/src/index.ts', import.meta.url)),
};

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['*/test/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/node_modules/**', 'e2e/**'],
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          include: ['*/test/**/*.int.test.ts'],
          exclude: ['**/node_modules/**', 'e2e/**'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          // Real services bind ports and spawn workers: keep files from fighting over two cores.
          fileParallelism: false,
        },
      },
    ],
  },
});
