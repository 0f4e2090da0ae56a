#!/bin/sh
# Generate and measure okrs at the given scales on SQLite and PostgreSQL, one after the other.
#   scripts/bench-scales.sh OUTDIR small medium [large]
# SQLite: a file database under /tmp/var-bench-<scale>; PostgreSQL: the database `bench`
# (create it once: psql -h 127.0.0.1 -U postgres -c 'create database bench').
set -eu
out=$1; shift
mkdir -p "$out"
okrs=${OKRS:-.venv/bin/okrs}
pg=${BENCH_PG:-postgres://postgres@127.0.0.1:5432/bench}
for scale in "$@"; do
  for db in postgresql sqlite; do
    if [ "$db" = sqlite ]; then
      export OKRS_VAR_DIR=/tmp/var-bench-$scale; unset OKRS_DATABASE_URL || true
      rm -f "$OKRS_VAR_DIR"/okrs.sqlite3*; mkdir -p "$OKRS_VAR_DIR"
    else
      export OKRS_VAR_DIR=/tmp/var-bench OKRS_DATABASE_URL=$pg; mkdir -p "$OKRS_VAR_DIR"
    fi
    $okrs migrate -v0
    { uptime; /usr/bin/time -f "generate: %e s wall" $okrs bench generate --scale "$scale" --force; } \
      > "$out/$db-$scale-generate.txt" 2>&1
    { uptime; $okrs bench run --save "$out/$db-$scale.json"; uptime; } > "$out/$db-$scale.txt" 2>&1
  done
done
