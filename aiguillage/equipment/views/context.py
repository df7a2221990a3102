"""What every page of the pipeline needs: the acting structure, the programme's flags, and
rendering in the territory's time zone."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from aiguillage.equipment.models import Programme
from aiguillage.equipment.permissions import is_partner, partner_organisation_ids
from aiguillage.organisations.models import Organisation

PAGE_SIZE = 25


def acting_organisation(request: HttpRequest, programme: Programme) -> Organisation | None:
    """The structure a partner acts for: the current one if it is a partner, else the
    user's first partner structure (None for readers)."""
    ids = partner_organisation_ids(request.user, programme)
    membership = getattr(request, "membership", None)
    if membership is not None and membership.organisation_id in ids:
        return membership.organisation
    return Organisation.objects.filter(pk__in=ids).order_by("name").first()


def render_programme_page(
    request: HttpRequest, template: str, programme: Programme, context: dict, status: int = 200
) -> HttpResponse:
    """Render with the programme, ``can_manage`` (a partner: forms shown) and dates read in
    the territory's time zone."""
    context = {"programme": programme, "can_manage": is_partner(request.user, programme)} | context
    with timezone.override(programme.territory.tz):
        return render(request, template, context, status=status)


def status_for(*forms) -> int:
    return 400 if any(form is not None and form.errors for form in forms) else 200


def posted(request: HttpRequest):
    """The POST data on a POST (even empty, so that the form says what is missing)."""
    return request.POST if request.method == "POST" else None
