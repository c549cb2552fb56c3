#!/usr/bin/env bash
# Installs the real AI client CLIs that test/integration/clients-real.test.ts drives into a
# git-ignored cache (.cache/real-clients), from the npm registry. Versions are pinned to the ones
# measured in shared/reference/client-configs.md. Does nothing when they are already there.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=.cache/real-clients
want=("@anthropic-ai/claude-code@2.1.332" "@google/gemini-cli@0.61.0" "@openai/codex@0.171.0")
if [ -x "$dir/node_modules/.bin/claude" ] && [ -x "$dir/node_modules/.bin/gemini" ] && [ -x "$dir/node_modules/.bin/codex" ]; then exit 0; fi
mkdir -p "$dir"
[ -f "$dir/package.json" ] || echo '{"name":"real-clients","private":true}' > "$dir/package.json"
npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "${want[@]}"
