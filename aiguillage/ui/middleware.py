"""A strict Content-Security-Policy: no inline scripts; map tiles from the configured server."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control


def _tile_origin() -> str:
    parts = urlsplit(settings.MAP_TILE_URL.replace("{s}", "a"))
    host = parts.netloc
    if host.startswith("a."):
        host = "*." + host[2:]
    return f"{parts.scheme}://{host}" if parts.scheme else ""


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = "; ".join(
            [
                "default-src 'self'",
                "script-src 'self'",
                "style-src 'self'",
                f"img-src 'self' data: {_tile_origin()}".strip(),
                "connect-src 'self'",
                "font-src 'self'",
                "object-src 'none'",
                "base-uri 'self'",
                "form-action 'self'",
                "frame-ancestors 'none'",
            ]
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", self.policy)
        return response


class NoStoreForSignedInMiddleware:
    """Pages seen while logged in may show people's files: no browser or proxy keeps them
    (the back button after logging out on a shared computer shows nothing)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response


class RequestLimitsMiddleware:
    """Limits checked before anything reads the request, each with a French answer.

    - A query string with more fields than DATA_UPLOAD_MAX_NUMBER_FIELDS: 400. Django would
      refuse it too, but only when something reads ``request.GET``, and in DEBUG its error
      page reads it again and fails with a 500. Counting the separators reads nothing.
    - A body larger than DATA_UPLOAD_MAX_MEMORY_SIZE: 413, except on the views marked
      ``accepts_uploads`` (place imports, referentials), which set their own limit. Nobody
      makes the server read 45 MB sent to the login page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        query = request.META.get("QUERY_STRING", "")
        if limit is not None and query and query.count("&") + 1 > limit:
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"erreur": f"Trop de paramètres dans l'adresse (plus de {limit})."},
                    status=400,
                )
            return HttpResponseBadRequest(render_to_string("ui/error.html", {"bad_request": True}))
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view, args, kwargs) -> HttpResponse | None:
        limit = getattr(view, "max_request_bytes", settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit is None or length <= limit:
            return None
        megabytes = f"{limit / 1_000_000:.1f}".replace(".", ",").replace(",0", "")
        message = f"Envoi trop volumineux : {megabytes} Mo au plus ici."
        if request.path.startswith("/api/"):
            return JsonResponse({"erreur": message}, status=413)
        page = render_to_string("ui/error.html", {"too_large": True, "message": message})
        return HttpResponse(page, status=413)
