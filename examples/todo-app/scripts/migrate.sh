#!/bin/sh
# A team's wrapper script (seed 001's ./scripts/migrate.sh), with retort in
# place of Alembic: ./scripts/migrate.sh current | history | upgrade head |
# downgrade -1 | revision -m "..." | show <revision> ...
# It runs from the project folder, whatever the caller's folder, and passes
# DATABASE_URL (or DB_*, or .env) through untouched.
set -eu
cd "$(dirname "$0")/.."
exec "${RETORT:-retort}" "$@"
