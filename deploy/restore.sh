#!/usr/bin/env bash
# Restore a dump made by deploy/backup.sh into a new or empty database, then check with
# `manage.py showmigrations` that the restored schema is the one this code expects.
#
#   deploy/restore.sh DUMP TARGET_DATABASE_URL
#   e.g. deploy/restore.sh /var/backups/aiguillage/aiguillage-20261204-021500.dump \
#          postgres://aiguillage:secret@127.0.0.1:5432/aiguillage_restored
#
# The target database is created when missing; an existing one must be empty (nothing is ever
# overwritten). Objects belong to the target URL's user (pg_restore --no-owner --no-privileges).
# The whole restore is one transaction: on any error the database is left empty.
#
# Environment:
#   PG_BIN   folder of pg_restore when several PostgreSQL versions are installed, e.g.
#            /usr/lib/postgresql/16/bin
#   PYTHON   the Python of the application (default: .venv/bin/python next to the code); the
#            check runs with the current environment (ENVIRONMENT, SECRET_KEY…) and DATABASE_URL
#            set to the target
#
# Exit status: 0 restored and up to date, 1 error, 2 usage, 3 restored but migrations are
# missing (the dump is older than the code: run `manage.py migrate` on it before use).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

usage() {
  sed -n '2,21p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit "${1:-2}"
}
fail() {
  echo "restore.sh : $*" >&2
  exit 1
}

case "${1:-}" in -h | --help) usage 0 ;; esac
[ $# -eq 2 ] || usage
dump=$1
target_url=$2
[ -f "$dump" ] && [ -r "$dump" ] || fail "sauvegarde introuvable ou illisible : $dump"
if [ -n "${PG_BIN:-}" ]; then
  PATH="$PG_BIN:$PATH"
fi
for tool in pg_restore psql createdb; do
  command -v "$tool" >/dev/null \
    || fail "$tool introuvable : apt-get install postgresql-client, ou PG_BIN=/usr/lib/postgresql/<version>/bin."
done
PYTHON=${PYTHON:-$ROOT/.venv/bin/python}
[ -x "$PYTHON" ] || fail "Python de l'application introuvable : $PYTHON (variable PYTHON)."
pg_restore --list "$dump" >/dev/null 2>&1 || fail "$dump n'est pas une sauvegarde pg_dump (format custom)."

# The target URL without its password (given through PGPASSWORD, never on a command line),
# the same server's maintenance database "postgres", and the target database's name.
parsed=$(python3 - "$target_url" <<'PY'
import re
import shlex
import sys
from urllib.parse import unquote, urlsplit

url = urlsplit(sys.argv[1])
if url.scheme not in {"postgres", "postgresql", "pgsql"}:
    sys.exit(f"pas une adresse PostgreSQL : {url.scheme}://…")
name = unquote(url.path.lstrip("/"))
if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]{0,62}", name):
    sys.exit(f"nom de base invalide : {name!r} (lettres, chiffres, _ et -)")
host = url.netloc.rpartition("@")[2]
user = f"{url.username}@" if url.username else ""
query = f"?{url.query}" if url.query else ""
print(f"TARGET_URI={shlex.quote(f'postgresql://{user}{host}{url.path}{query}')}")
print(f"ADMIN_URI={shlex.quote(f'postgresql://{user}{host}/postgres{query}')}")
print(f"TARGET_NAME={shlex.quote(name)}")
if url.password is not None:
    print(f"export PGPASSWORD={shlex.quote(unquote(url.password))}")
PY
) || fail "adresse de la base cible illisible."
eval "$parsed"

exists=$(psql -X -At -v ON_ERROR_STOP=1 -v name="$TARGET_NAME" "$ADMIN_URI" \
  <<<"SELECT count(*) FROM pg_database WHERE datname = :'name'") \
  || fail "serveur PostgreSQL injoignable (base postgres)."
if [ "$exists" = 0 ]; then
  createdb --maintenance-db="$ADMIN_URI" "$TARGET_NAME"
  echo "Base $TARGET_NAME créée."
else
  relations=$(psql -X -At -v ON_ERROR_STOP=1 "$TARGET_URI" <<'SQL'
SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'
SQL
  )
  [ "$relations" = 0 ] \
    || fail "la base $TARGET_NAME n'est pas vide ($relations objets) : choisissez une base neuve, ou videz-la (DROP DATABASE puis relancez)."
fi

pg_restore --no-owner --no-privileges --exit-on-error --single-transaction \
  --dbname="$TARGET_URI" "$dump"
tables=$(psql -X -At "$TARGET_URI" \
  -c "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
echo "Sauvegarde $dump restaurée dans $TARGET_NAME ($tables tables)."

plan=$(DATABASE_URL=$target_url "$PYTHON" "$ROOT/manage.py" showmigrations --plan) \
  || fail "vérification des migrations impossible (voir ci-dessus) ; la base est restaurée."
missing=$(grep -c '^\[ \]' <<<"$plan" || true)
if [ "$missing" = 0 ]; then
  echo "Migrations : la base restaurée correspond au code."
else
  echo "restore.sh : $missing migration(s) manquent à la base restaurée :" >&2
  grep '^\[ \]' <<<"$plan" >&2
  echo "Avant de s'en servir : DATABASE_URL=… $PYTHON manage.py migrate --noinput" >&2
  exit 3
fi
