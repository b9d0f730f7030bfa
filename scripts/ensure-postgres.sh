#!/usr/bin/env bash
# Make sure the local PostgreSQL at 127.0.0.1:5432 is up and the test database exists.
# Exit status 0 when it is ready, 1 when this machine has no PostgreSQL to start.
set -u
DB="${1:-tourscope_test}"
ready() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }

if ! command -v pg_isready >/dev/null 2>&1; then
  echo "ensure-postgres: no PostgreSQL client tools on this machine" >&2
  exit 1
fi
if ! ready; then
  echo "ensure-postgres: starting the local PostgreSQL server" >&2
  for version in $(ls /etc/postgresql 2>/dev/null); do
    pg_ctlcluster --skip-systemctl-redirect "$version" main start >&2 || true
  done
  for _ in $(seq 1 30); do ready && break; sleep 1; done
fi
if ! ready; then
  echo "ensure-postgres: PostgreSQL at 127.0.0.1:5432 is not reachable" >&2
  exit 1
fi
if ! psql -h 127.0.0.1 -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
  psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE $DB" >&2
fi
exit 0
