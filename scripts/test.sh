#!/usr/bin/env bash
# The whole test suite: lint, then pytest with every database test on SQLite and PostgreSQL.
# Called by `make test` (which installs the virtual environment first) and by CI.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${TOURSCOPE_TEST_POSTGRES_URL:-}" ]; then
  if bash scripts/ensure-postgres.sh tourscope_test; then
    export TOURSCOPE_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:5432/tourscope_test"
  else
    echo "PostgreSQL is not available here: the database tests run on SQLite only." >&2
  fi
fi

.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "Database tests run on: SQLite${TOURSCOPE_TEST_POSTGRES_URL:+ and PostgreSQL ($TOURSCOPE_TEST_POSTGRES_URL)}"
# Two workers (each with its own PostgreSQL database, see tests/conftest.py); a test
# file stays on one worker, so module-wide fixtures such as the browser stay together.
exec .venv/bin/pytest -n "${TOURSCOPE_TEST_WORKERS:-2}" --dist loadfile "$@"
