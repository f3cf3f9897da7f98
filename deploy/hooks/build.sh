#!/usr/bin/env sh
# ASK CLI v2 runs this instead of its own build (it finds hooks/build.sh beside
# ask-resources.json) with the zip to write as $1. The bundle is built from the repository,
# not from the "code" src folder, so skill/ and content/ land side by side at the zip root.
# Run `ask deploy` with the project's virtualenv active, or set AFTERCARE_PYTHON.
set -eu
out="$1"
root="$(cd "$(dirname "$0")/../.." && pwd)"
python="${AFTERCARE_PYTHON:-python3}"
cd "$root"
# The bundle is built for the runtime ask-resources.json names, whatever Python runs this.
# --strict-runtime: that runtime's Python must be on PATH to compile the bytecode; without it
# Lambda would compile every module on every cold start.
exec "$python" -m skill.build build-lambda --out "$out" --strict-runtime
