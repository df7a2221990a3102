#!/usr/bin/env bash
# A management command with the production environment of this machine, as the services run it:
#   sudo -u aiguillage /srv/aiguillage/deploy/manage.sh createsuperuser
#   sudo -u aiguillage /srv/aiguillage/deploy/manage.sh load_territory 200040715
# Reads AIGUILLAGE_ENV (default /etc/aiguillage/env): KEY=VALUE lines, values with spaces
# in double quotes, so that systemd (EnvironmentFile=) and this script read the same values.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ENV_FILE=${AIGUILLAGE_ENV:-/etc/aiguillage/env}

[ $# -ge 1 ] || { echo "usage : deploy/manage.sh COMMANDE [OPTIONS…] (manage.py help : la liste)" >&2; exit 2; }
[ -r "$ENV_FILE" ] || { echo "manage.sh : $ENV_FILE illisible (lancez-le en tant qu'aiguillage, avec sudo -u aiguillage)." >&2; exit 1; }
set -a
# shellcheck source=/dev/null
. "$ENV_FILE"
set +a
# As in the units: numba caches the coverage engine at import time, in a writable folder.
export NUMBA_CACHE_DIR=${NUMBA_CACHE_DIR:-/var/cache/aiguillage/numba}
exec "${PYTHON:-$ROOT/.venv/bin/python}" "$ROOT/manage.py" "$@"
