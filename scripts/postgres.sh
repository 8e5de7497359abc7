#!/usr/bin/env bash
# Makes sure a PostgreSQL server is up for the tests and prints the admin URL
# they use (each test creates and drops its own database through it).
# Order: the server on 127.0.0.1:5432; else start the machine's cluster;
# else a throwaway cluster in /tmp on port 5433.
set -euo pipefail

ready() { pg_isready -q -h 127.0.0.1 -p "$1" 2>/dev/null; }

if ready 5432; then
    echo "postgres://postgres@127.0.0.1:5432/test"
    exit 0
fi

if [ -d /etc/postgresql ] && command -v pg_ctlcluster >/dev/null; then
    version="$(ls /etc/postgresql | sort -V | tail -n 1)"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start >&2 || true
    for _ in $(seq 1 30); do ready 5432 && break; sleep 1; done
    if ready 5432; then
        psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'test'" \
            | grep -q 1 || createdb -h 127.0.0.1 -U postgres test
        echo "postgres://postgres@127.0.0.1:5432/test"
        exit 0
    fi
fi

if ! ready 5433; then
    pgbin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
    data=/tmp/followup-pgdata
    rm -rf "$data"
    install -d -o postgres -g postgres "$data"
    su postgres -c "$pgbin/initdb -D $data -U postgres -A trust -E UTF8 --no-sync" >&2
    su postgres -c "$pgbin/pg_ctl -D $data -l $data/server.log -w start \
        -o '-p 5433 -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off'" >&2
    createdb -h 127.0.0.1 -p 5433 -U postgres test
fi
echo "postgres://postgres@127.0.0.1:5433/test"
