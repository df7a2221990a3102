"""What several pool pages need: the current structure, the territory whose catalogue is
shown, the territory's clock, and the rows of booking lists."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from aiguillage.accounts.permissions import is_coordinator
from aiguillage.organisations.models import Organisation
from aiguillage.territories.models import Territory

PAGE_SIZE = 20


def current_organisation(request: HttpRequest) -> Organisation:
    membership = getattr(request, "membership", None)
    if membership is None:
        raise PermissionDenied("Il faut appartenir à une structure pour prêter ou emprunter.")
    return membership.organisation


def catalogue_territory(request: HttpRequest) -> Territory:
    """The current structure's territory, or the coordinated one for a coordinator without a
    structure; 403 for anyone else."""
    membership = getattr(request, "membership", None)
    # Members see their structure's territory.
    if membership is not None and membership.organisation.territory is not None:
        return membership.organisation.territory
    # A coordinator without a structure sees the territory they coordinate.
    territory = getattr(request, "territory", None)
    if membership is None and is_coordinator(request.user, territory):
        return territory  # type: ignore[return-value]
    raise PermissionDenied("Le prêt de matériel se fait entre structures d'un même territoire.")


def page_of(rows: Iterable, request: HttpRequest, name: str = "page") -> Page:
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get(name))


def render_in_territory(
    request: HttpRequest, template: str, context: dict, territory, status: int = 200
) -> HttpResponse:
    """Render with dates read in the territory's time zone, whatever the server's."""
    with timezone.override(territory.tz if territory else None):
        return render(request, template, context, status=status)
