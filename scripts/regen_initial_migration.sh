#!/usr/bin/env bash
# Regenerate migrations/versions/0001_initial.py from the models (pre-release only:
# no database in production yet). Hand-written migrations (0002+) are kept.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
rm -f migrations/versions/0001_initial.py
# Temporarily hide later migrations so autogenerate starts from an empty database.
mkdir -p "$tmp/later"
find migrations/versions -maxdepth 1 -name '0*.py' -exec mv {} "$tmp/later/" \;
HRTELE_INSTANCE_PATH="$tmp" .venv/bin/flask --app hrtele db migrate --rev-id 0001 -m initial >/dev/null 2>&1
mv migrations/versions/0001_initial.py migrations/versions/0001_initial.py.tmp 2>/dev/null || mv migrations/versions/0001_*.py migrations/versions/0001_initial.py.tmp
mv migrations/versions/0001_initial.py.tmp migrations/versions/0001_initial.py
mv "$tmp"/later/*.py migrations/versions/ 2>/dev/null || true
rm -rf "$tmp"
echo "migrations/versions/0001_initial.py regenerated"
