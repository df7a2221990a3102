"""Error pages that never touch the database: they are shown when it is unreachable.

Django calls ``server_error`` for any uncaught exception. A lost database connection
(PostgreSQL restarting, failing over) is not a bug: the person gets a French « service
momentanément indisponible » page with ``Retry-After`` (503), the API a JSON body, and
the next request opens a new connection (``CONN_HEALTH_CHECKS``).
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

RETRY_AFTER_SECONDS = 30


def _database_lost() -> bool:
    error = sys.exc_info()[1]
    return isinstance(error, OperationalError | InterfaceError)


def server_error(request: HttpRequest) -> HttpResponse:
    unavailable = _database_lost()
    status = 503 if unavailable else 500
    if request.path.startswith("/api/"):
        detail = (
            "Service momentanément indisponible : réessayez dans une minute."
            if unavailable
            else "Erreur interne du serveur : l'équipe est prévenue."
        )
        response: HttpResponse = JsonResponse({"detail": detail}, status=status)
    else:
        # No request context: context processors would query the database.
        page = render_to_string("ui/error.html", {"unavailable": unavailable})
        response = HttpResponse(page, status=status)
    if unavailable:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
