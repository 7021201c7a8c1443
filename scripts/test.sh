#!/usr/bin/env bash
# Runs the whole test suite: unit, integration (real Redis, real mediasoup worker) and end-to-end
# (real services, Debian's Chromium driven by Playwright). Installs and builds first.
source "$(dirname "$0")/lib/common.sh"
cd "$REPO_ROOT"

bash scripts/setup.sh

results="$REPO_ROOT/test-results"
rm -rf "$results" && mkdir -p "$results"
status=0

log "Type-checking"
npm run typecheck --silent || status=1

log "Unit and integration tests (vitest)"
npx vitest run --reporter=default --reporter=json --outputFile.json="$results/vitest.json" || status=1

log "End-to-end tests (Playwright + Chromium)"
PLAYWRIGHT_JSON_OUTPUT_NAME="$results/playwright.json" npm test -w e2e --silent -- --reporter=list,json || status=1

node scripts/summarize-tests.mjs "$results/vitest.json" "$results/playwright.json" || status=1
exit "$status"
