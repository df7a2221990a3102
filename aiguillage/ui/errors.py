"""Error pages in French, with the site's header and a way back; JSON on the API.

400, 403, 404 and a refused form (CSRF) render the site's layout; the API (``/api/``)
answers them as ``{"detail": "…", "erreur": "…"}`` (``erreur`` is the key of the API's own
4xx answers, ``detail`` the one of its 5xx). The 500 page never touches the database: it is
also shown when the database is unreachable.

Django calls ``server_error`` for any uncaught exception. A lost database connection
(PostgreSQL restarting, failing over) is not a bug: the person gets a French « service
momentanément indisponible » page with ``Retry-After`` (503), the API a JSON body, and
the next request opens a new connection (``CONN_HEALTH_CHECKS``).
"""

from __future__ import annotations

import sys

from django.core.exceptions import DisallowedHost
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme

RETRY_AFTER_SECONDS = 30


API_MESSAGES = {
    400: "Demande illisible : vérifiez l'adresse et ses paramètres.",
    403: "Accès refusé.",
    404: "Adresse inconnue : la liste des adresses de l'API est sur /api/v1/docs.",
}
CSRF_MESSAGE = "Formulaire expiré : rechargez la page qui le contient, puis envoyez-le de nouveau."


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _api_error(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail, "erreur": detail}, status=status)


def back_url(request: HttpRequest) -> str:
    """The page the person came from, on this site only (never an outside address)."""
    referer = request.META.get("HTTP_REFERER", "")
    try:
        host = request.get_host()
    except DisallowedHost:  # the very reason of a 400: no way back then
        return ""
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={host}, require_https=request.is_secure()
    ):
        return referer
    return ""


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return _api_error(400, API_MESSAGES[400])
    # Like the 500 page: a request refused this early may not have a user or a session.
    page = render_to_string("ui/error.html", {"bad_request": True, "back_url": back_url(request)})
    return HttpResponse(page, status=400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    # The views' reasons are French sentences (« Réservé à la coordination du territoire. »).
    reason = str(exception) if exception.args else ""
    if _is_api(request):
        return _api_error(403, reason or API_MESSAGES[403])
    context = {"exception": reason, "back_url": back_url(request)}
    return render(request, "403.html", context, status=403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return _api_error(404, API_MESSAGES[404])
    return render(request, "404.html", {"back_url": back_url(request)}, status=404)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent from a page open too long, or after logging out elsewhere (CSRF_FAILURE_VIEW);
    Django's reason is in English and for developers: it is logged, not shown."""
    if _is_api(request):
        return _api_error(403, CSRF_MESSAGE)
    return render(request, "403_csrf.html", {"back_url": back_url(request)}, status=403)


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
        context = {"unavailable": unavailable, "back_url": back_url(request)}
        page = render_to_string("ui/error.html", context)
        response = HttpResponse(page, status=status)
    if unavailable:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
