#!/usr/bin/env bash
# Backups of the shared atlas: everything users create lives in the PostgreSQL database named
# by ATLAS_DATABASE_URL (imports, site lists, district sets, IRIS contours, observations,
# saved views), so one pg_dump holds it all.
#
#   deploy/atlas-backup.sh dump [FOLDER]     write FOLDER/atlas-AAAA-MM-JJ-HHMMSS.dump (custom
#                                            format) and keep the ATLAS_BACKUPS_KEPT newest (14)
#   deploy/atlas-backup.sh restore FICHIER BASE
#                                            restore a dump into the NEW, empty database BASE
#                                            on the same server (created here), then point
#                                            ATLAS_DATABASE_URL at it and restart the servers
#
# Run it from cron or a systemd timer, e.g. every night:
#   15 2 * * *  atlas  . /etc/atlas/atlas.env && /srv/atlas/deploy/atlas-backup.sh dump /var/backups/atlas
set -euo pipefail

say() { echo "[atlas] $*" >&2; }

libpq_url() {
    # SQLAlchemy's URL (postgresql+psycopg://…) as libpq reads it (postgresql://…).
    local url="${ATLAS_DATABASE_URL:?ATLAS_DATABASE_URL manque}"
    echo "postgresql://${url#*://}"
}

dump() {
    local folder="${1:-.}" kept="${ATLAS_BACKUPS_KEPT:-14}" file
    mkdir -p "$folder"
    file="$folder/atlas-$(date +%Y-%m-%d-%H%M%S).dump"
    pg_dump --format=custom --no-owner --file="$file.part" "$(libpq_url)"
    mv "$file.part" "$file"
    say "sauvegarde écrite : $file ($(du -h "$file" | cut -f1))"
    # shellcheck disable=SC2012  # our own file names: no spaces nor newlines
    ls -1t "$folder"/atlas-*.dump | tail -n +$((kept + 1)) | while read -r old; do
        rm -f -- "$old"
        say "ancienne sauvegarde supprimée : $old"
    done
}

restore() {
    local file="${1:?fichier de sauvegarde manquant}" base="${2:?nom de la nouvelle base manquant}"
    local url server
    url="$(libpq_url)"
    server="${url%/*}"  # the same server, another database
    psql --quiet --no-psqlrc --dbname="$server/postgres" \
        --command="CREATE DATABASE \"$base\"" >/dev/null
    pg_restore --no-owner --exit-on-error --dbname="$server/$base" "$file"
    say "base « $base » restaurée depuis $file ; mettez-la dans ATLAS_DATABASE_URL et redémarrez les serveurs"
}

case "${1:-}" in
    dump) shift; dump "$@" ;;
    restore) shift; restore "$@" ;;
    *) echo "usage : $0 dump [DOSSIER] | restore FICHIER NOUVELLE_BASE" >&2; exit 2 ;;
esac
