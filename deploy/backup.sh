#!/usr/bin/env bash
# Back up Aiguillage: a pg_dump (custom format) of its database and, when uploaded files are on
# the local disk, an archive of the media folder. Run nightly by deploy/systemd/aiguillage-backup.timer;
# restore with deploy/restore.sh (docs/deploy.md, "Backups and restore").
#
#   deploy/backup.sh [BACKUP_DIR]
#
# Environment (the systemd unit reads /etc/aiguillage/env, like the application):
#   DATABASE_URL      the database, postgres://user:password@host:5432/name (required)
#   BACKUP_DIR        where the files go (default /var/backups/aiguillage; the argument wins)
#   BACKUP_KEEP_DAYS  files of this script older than this many days are deleted (default 14)
#   BACKUP_MEDIA      auto (default: when STORAGE_BACKEND is filesystem), yes or no
#   MEDIA_ROOT        the media folder (default: var/media next to the code, as in the settings)
#   PG_BIN            folder of pg_dump when several PostgreSQL versions are installed, e.g.
#                     /usr/lib/postgresql/16/bin (pg_dump must be at least the server's version)
#
# Writes BACKUP_DIR/aiguillage-YYYYMMDD-HHMMSS.dump (and aiguillage-media-YYYYMMDD-HHMMSS.tar.gz),
# readable by their owner only: they hold personal data.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

usage() {
  sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit "${1:-2}"
}
fail() {
  echo "backup.sh : $*" >&2
  exit 1
}

case "${1:-}" in -h | --help) usage 0 ;; -*) usage ;; esac
[ $# -le 1 ] || usage

BACKUP_DIR=${1:-${BACKUP_DIR:-/var/backups/aiguillage}}
KEEP_DAYS=${BACKUP_KEEP_DAYS:-14}
[[ "$KEEP_DAYS" =~ ^[0-9]+$ ]] && [ "$KEEP_DAYS" -ge 1 ] \
  || fail "BACKUP_KEEP_DAYS doit être un nombre de jours (1 ou plus), pas « $KEEP_DAYS »."
[ -n "${DATABASE_URL:-}" ] || fail "DATABASE_URL n'est pas défini (voir /etc/aiguillage/env)."
if [ -n "${PG_BIN:-}" ]; then
  PATH="$PG_BIN:$PATH"
fi
command -v pg_dump >/dev/null && command -v pg_restore >/dev/null \
  || fail "pg_dump introuvable : apt-get install postgresql-client, ou PG_BIN=/usr/lib/postgresql/<version>/bin."

# The URL without its password (given to libpq through PGPASSWORD: never on a command line,
# where `ps` would show it).
parsed=$(python3 - "$DATABASE_URL" <<'PY'
import shlex
import sys
from urllib.parse import unquote, urlsplit

url = urlsplit(sys.argv[1])
if url.scheme not in {"postgres", "postgresql", "pgsql"}:
    sys.exit(f"DATABASE_URL n'est pas une adresse PostgreSQL ({url.scheme}://…)")
host = url.netloc.rpartition("@")[2]
user = f"{url.username}@" if url.username else ""
query = f"?{url.query}" if url.query else ""
print(f"PG_URI={shlex.quote(f'postgresql://{user}{host}{url.path}{query}')}")
if url.password is not None:
    print(f"export PGPASSWORD={shlex.quote(unquote(url.password))}")
PY
) || fail "DATABASE_URL illisible."
eval "$parsed"

umask 077
mkdir -p "$BACKUP_DIR"
[ -w "$BACKUP_DIR" ] || fail "impossible d'écrire dans $BACKUP_DIR."
# One backup at a time (a manual run during the nightly one waits for it to end).
exec 9>"$BACKUP_DIR/.backup.lock"
flock 9

stamp=$(date +%Y%m%d-%H%M%S)
dump="$BACKUP_DIR/aiguillage-$stamp.dump"
# Written under a temporary name, checked, then renamed: a file named *.dump is complete.
pg_dump --format=custom --file="$dump.partial" --dbname="$PG_URI"
pg_restore --list "$dump.partial" >/dev/null || fail "la sauvegarde $dump.partial est illisible."
mv "$dump.partial" "$dump"
echo "Base sauvegardée : $dump ($(du -h "$dump" | cut -f1))"

media=${BACKUP_MEDIA:-auto}
if [ "$media" = auto ]; then
  [ "${STORAGE_BACKEND:-filesystem}" = filesystem ] && media=yes || media=no
fi
if [ "$media" = yes ]; then
  media_root=${MEDIA_ROOT:-$ROOT/var/media}
  if [ -d "$media_root" ]; then
    archive="$BACKUP_DIR/aiguillage-media-$stamp.tar.gz"
    tar -czf "$archive.partial" -C "$media_root" .
    mv "$archive.partial" "$archive"
    echo "Fichiers sauvegardés : $archive ($(du -h "$archive" | cut -f1))"
  else
    echo "Pas de dossier de fichiers $media_root : rien à archiver."
  fi
fi

# Retention, only once tonight's backup is safe: older files of this script are deleted.
find "$BACKUP_DIR" -maxdepth 1 -type f \
  \( -name 'aiguillage-*.dump' -o -name 'aiguillage-media-*.tar.gz' -o -name '*.partial' \) \
  -mmin +$((KEEP_DAYS * 24 * 60)) -print -delete | sed 's/^/Supprimé (plus de '"$KEEP_DAYS"' jours) : /'
