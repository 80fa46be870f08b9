#!/usr/bin/env bash
# Start a real PostgreSQL server for the test suite (Debian package) and export ATLAS_TEST_PG_URL,
# and ATLAS_PG_BIN (initdb, pg_ctl, pg_dump, pg_restore of that version: Debian keeps them off
# the PATH) for the tests that start a throwaway cluster of their own.
#
# Usage (as root on a fresh Debian machine, e.g. CI=true):
#   source .ci/postgres.sh          # installs, starts, creates user/db, exports ATLAS_TEST_PG_URL
#   eval "$(.ci/postgres.sh)"       # same, when executed: prints the export line on stdout
# Idempotent: running it again reuses the installed package, the running cluster, the user and
# the database. Progress goes to stderr so that stdout only carries the export line.
# Overridable: ATLAS_PG_USER (atlas), ATLAS_PG_PASSWORD (atlas), ATLAS_PG_DB (atlas_test).

_atlas_pg_log() { echo "[postgres.sh] $*" >&2; }

_atlas_pg_setup() {
    local user="${ATLAS_PG_USER:-atlas}" password="${ATLAS_PG_PASSWORD:-atlas}"
    local db="${ATLAS_PG_DB:-atlas_test}" version cluster port status

    if [ "$(id -u)" != "0" ]; then
        _atlas_pg_log "must run as root (apt-get, pg_ctlcluster)"; return 1
    fi
    if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
        _atlas_pg_log "installing the Debian package postgresql (apt-get)"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q >&2 || return 1
        apt-get install -y -q postgresql >&2 || return 1
    else
        _atlas_pg_log "postgresql already installed: $(ls /usr/lib/postgresql | tr '\n' ' ')"
    fi

    version="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
    # First cluster of the newest installed version; create one when the package made none.
    cluster="$(pg_lsclusters -h | awk -v v="$version" '$1 == v {print $2; exit}')"
    if [ -z "$cluster" ]; then
        cluster=main
        _atlas_pg_log "creating cluster $version/$cluster"
        pg_createcluster "$version" "$cluster" >&2 || return 1
    fi
    port="$(pg_lsclusters -h | awk -v v="$version" -v c="$cluster" '$1 == v && $2 == c {print $3}')"
    status="$(pg_lsclusters -h | awk -v v="$version" -v c="$cluster" '$1 == v && $2 == c {print $4}')"
    if [ "$status" != "online" ]; then
        _atlas_pg_log "starting cluster $version/$cluster on port $port"
        pg_ctlcluster "$version" "$cluster" start >&2 || return 1
    else
        _atlas_pg_log "cluster $version/$cluster already online on port $port"
    fi
    local i
    for i in $(seq 1 30); do
        pg_isready -q -h 127.0.0.1 -p "$port" && break
        sleep 1
    done
    pg_isready -h 127.0.0.1 -p "$port" >&2 || { _atlas_pg_log "server not ready"; return 1; }

    _atlas_pg_psql() { runuser -u postgres -- psql -p "$port" -v ON_ERROR_STOP=1 -qtAX "$@"; }
    if [ "$(_atlas_pg_psql -c "SELECT 1 FROM pg_roles WHERE rolname = '$user'")" != "1" ]; then
        _atlas_pg_log "creating role $user"
        _atlas_pg_psql -c "CREATE ROLE \"$user\" LOGIN PASSWORD '$password'" >&2 || return 1
    else
        _atlas_pg_log "role $user exists (password reset)"
        _atlas_pg_psql -c "ALTER ROLE \"$user\" LOGIN PASSWORD '$password'" >&2 || return 1
    fi
    if [ "$(_atlas_pg_psql -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" != "1" ]; then
        _atlas_pg_log "creating database $db owned by $user"
        _atlas_pg_psql -c "CREATE DATABASE \"$db\" OWNER \"$user\"" >&2 || return 1
    else
        _atlas_pg_log "database $db exists"
    fi

    export ATLAS_TEST_PG_URL="postgresql+psycopg://$user:$password@127.0.0.1:$port/$db"
    _atlas_pg_log "export ATLAS_TEST_PG_URL=$ATLAS_TEST_PG_URL"
    export ATLAS_PG_BIN="/usr/lib/postgresql/$version/bin"
    for tool in initdb pg_ctl pg_dump pg_restore; do
        [ -x "$ATLAS_PG_BIN/$tool" ] || { _atlas_pg_log "$ATLAS_PG_BIN/$tool manque"; return 1; }
    done
    _atlas_pg_log "export ATLAS_PG_BIN=$ATLAS_PG_BIN"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -euo pipefail
    _atlas_pg_setup
    echo "export ATLAS_TEST_PG_URL='$ATLAS_TEST_PG_URL' ATLAS_PG_BIN='$ATLAS_PG_BIN'"
else
    _atlas_pg_setup
fi
