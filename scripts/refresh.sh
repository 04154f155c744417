#!/usr/bin/env bash
# The scheduled refresh, run the same way on a laptop and by .github/workflows/refresh.yml:
# set up, refresh every source (from the publishers, or MIGRATIONDATA_MIRROR), redraw every
# chart and report, check every story, and write the digest of what changed.
#
#   scripts/refresh.sh [DIGEST_FILE [UPDATE_OPTIONS...]]   (default: build/refresh-digest.md)
#
# UPDATE_OPTIONS go to `migrationdata update` (e.g. --no-build, --output DIR).
#
# Exit status: 0 when the refresh ran (whether or not anything changed: `git status` says),
# 1 when a source failed (its last good data is kept; the digest says which and why).
# A verdict that flipped is flagged in the digest and, in CI, as the step output `flipped`.
set -euo pipefail
cd "$(dirname "$0")/.."
digest="${1:-build/refresh-digest.md}"
shift || true
make setup >/dev/null
mirror_args=()
if [ -n "${MIGRATIONDATA_MIRROR:-}" ]; then mirror_args=(--mirror "$MIGRATIONDATA_MIRROR"); fi
status=0
.venv/bin/migrationdata update "${mirror_args[@]}" --digest "$digest" "$@" || status=$?
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  if grep -q '^## Verdicts that flipped' "$digest"; then echo "flipped=true"; else echo "flipped=false"; fi >>"$GITHUB_OUTPUT"
  echo "digest=$digest" >>"$GITHUB_OUTPUT"
fi
exit "$status"
