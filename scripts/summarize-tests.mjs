// Prints one closing line for the whole suite, "tests: N passed, N failed, N skipped", from the
// JSON reports of vitest and Playwright. A missing report counts as a failure: a runner that
// crashed before reporting must not look like a green run.
import { existsSync, readFileSync } from 'node:fs';

const [vitestReport, playwrightReport] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;

function countVitest(path) {
  const report = JSON.parse(readFileSync(path, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests + (report.numFailedTestSuites ?? 0);
  skipped += report.numPendingTests + (report.numTodoTests ?? 0);
}

function countPlaywright(path) {
  const { stats } = JSON.parse(readFileSync(path, 'utf8'));
  passed += stats.expected + stats.flaky;
  failed += stats.unexpected;
  skipped += stats.skipped;
}

for (const [path, count, name] of [
  [vitestReport, countVitest, 'vitest'],
  [playwrightReport, countPlaywright, 'playwright'],
]) {
  if (path && existsSync(path)) count(path);
  else {
    console.error(`no ${name} report at ${path}`);
    failed += 1;
  }
}

console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
