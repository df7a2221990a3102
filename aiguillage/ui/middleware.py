"""A strict Content-Security-Policy: no inline scripts; map tiles from the configured server."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse


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
