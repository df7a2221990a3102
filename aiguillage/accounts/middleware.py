"""Sets the current membership, organisation and territory from the session."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

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
