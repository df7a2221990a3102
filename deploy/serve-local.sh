#!/usr/bin/env bash
# `make serve`: the production configuration on this machine, in one command.
# gunicorn (WEB_CONCURRENCY processes) + one task worker, on PostgreSQL ($PG_URL), DEBUG off,
# static files collected and compressed, served on http://127.0.0.1:$PORT. The database is
# created if missing and seeded with the demo once (seed_demo is idempotent), so that the
# demo logins work. HTTPS redirection and secure cookies are off: nothing terminates TLS here.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PORT=${PORT:-8000}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/aiguillage}

mkdir -p var
[ -s var/serve-secret-key ] || "$BIN/python" -c "import secrets; print(secrets.token_urlsafe(50))" > var/serve-secret-key
"$BIN/python" - "$PG_URL" <<'PY'
import sys
import psycopg
from urllib.parse import urlsplit
url = urlsplit(sys.argv[1])
name = url.path.lstrip("/")
with psycopg.connect(sys.argv[1].replace("/" + name, "/postgres"), autocommit=True) as db:
    if not db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
        db.execute(f'CREATE DATABASE "{name}"')
        print(f"Base {name} créée.")
PY

export DATABASE_URL="$PG_URL" PORT SITE_URL="http://127.0.0.1:$PORT"
# The demo seeder is installed in dev only; its data then serve the production processes.
ENVIRONMENT=dev "$BIN/python" manage.py migrate --noinput
ENVIRONMENT=dev "$BIN/python" manage.py seed_demo

export ENVIRONMENT=production
export SECRET_KEY_FILE="$PWD/var/serve-secret-key"
export ALLOWED_HOSTS=127.0.0.1,localhost SECURE_SSL_REDIRECT=false SECURE_COOKIES=false
export EMAIL_BACKEND=${EMAIL_BACKEND:-django.core.mail.backends.console.EmailBackend}
export WEB_CONCURRENCY=${WEB_CONCURRENCY:-2}
"$BIN/python" manage.py collectstatic --noinput -v 0
"$BIN/python" manage.py check --deploy --fail-level WARNING 2>/dev/null \
  || echo "(check --deploy signale HTTPS désactivé : normal pour un essai local)"

"$BIN/python" manage.py run_worker --no-reload &
worker=$!
trap 'kill $worker 2>/dev/null; wait $worker 2>/dev/null' EXIT INT TERM
echo "Configuration de production : http://127.0.0.1:$PORT (Ctrl+C pour arrêter)"
"$BIN/gunicorn" -c deploy/gunicorn.conf.py config.wsgi
