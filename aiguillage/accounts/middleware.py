"""Sets the current membership, organisation and territory from the session."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.urls import reverse

from aiguillage.accounts import second_factor
from aiguillage.accounts.models import Coordination, Membership

SESSION_KEY = "current_membership_id"


class CurrentMembershipMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.membership = None
        request.territory = None
        request.is_coordinator = False
        user = request.user
        if user.is_authenticated:
            memberships = Membership.objects.filter(user=user).select_related(
                "organisation", "organisation__territory"
            )
            chosen = None
            wanted = request.session.get(SESSION_KEY)
            if wanted:
                chosen = next((m for m in memberships if m.pk == wanted), None)
            chosen = chosen or next(iter(memberships), None)
            request.membership = chosen
            coordination = (
                Coordination.objects.filter(user=user).select_related("territory").first()
            )
            if chosen is not None and chosen.organisation.territory_id:
                request.territory = chosen.organisation.territory
            elif coordination is not None:
                request.territory = coordination.territory
            request.is_coordinator = coordination is not None or user.is_staff
        return self.get_response(request)


IDLE_KEY = "last_activity"
# The stored time moves at most this often: no session write on every request.
IDLE_RESOLUTION_SECONDS = 60


class IdleSessionMiddleware:
    """A session left unused for SESSION_IDLE_MINUTES ends: a phone forgotten on a desk
    does not keep a social worker's files open. The next page asks to log in again and
    says why."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get(IDLE_KEY, now)
            if now - last > settings.SESSION_IDLE_MINUTES * 60:
                logout(request)
                query = urlencode({"next": request.get_full_path(), "inactif": "1"})
                return redirect(f"{resolve_url(settings.LOGIN_URL)}?{query}")
            if now - last >= IDLE_RESOLUTION_SECONDS or IDLE_KEY not in request.session:
                request.session[IDLE_KEY] = now  # a session older than this rule

        return self.get_response(request)


def start_idle_clock(sender, request: HttpRequest, user, **kwargs) -> None:
    """At login the clock starts, saved with the new session (no extra write later)."""
    request.session[IDLE_KEY] = int(time.time())


# Pages an account that still owes its second factor may open.
SECOND_FACTOR_OPEN_VIEWS = frozenset(
    {"accounts:second_factor_setup", "accounts:second_factor_verify", "accounts:logout"}
)


class SecondFactorMiddleware:
    """After the password, the code: until this session has passed its second factor, an
    account that can read people's files (see ``second_factor.must_pass_second_factor``)
    only reaches public pages, the code pages and the logout. Runs after
    ``CurrentMembershipMiddleware``, whose ``request.membership`` saves a query."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        name = request.resolver_match.view_name if request.resolver_match else ""
        if name in SECOND_FACTOR_OPEN_VIEWS:
            return None
        # The admin marks its own views as open to anonymous visitors and checks staff
        # itself: every admin page but its logout counts as private here.
        is_admin = name.startswith("admin:") and name != "admin:logout"
        if not is_admin and not getattr(view_func, "login_required", True):
            return None  # a public page
        if not second_factor.must_pass_second_factor(
            user, is_member=request.membership is not None
        ):
            return None
        has_app = second_factor.has_second_factor(user)
        target = "accounts:second_factor_verify" if has_app else "accounts:second_factor_setup"
        query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
        return redirect(reverse(target) + (f"?{query}" if query else ""))
