#!/usr/bin/env bash
# The quick start: set up everything, then run eHọp with a demo meeting.
source "$(dirname "$0")/lib/common.sh"
bash "$REPO_ROOT/scripts/setup.sh"
exec bash "$REPO_ROOT/scripts/start.sh"
