"""A territory's events for its coordinators: events per year and people present per
audience (counts under 5 masked), and the events of one year."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from aiguillage.accounts.permissions import get_territory_for_coordinator
from aiguillage.events import statistics
from aiguillage.events.models import Event
from aiguillage.workshops.views.context import render_in_territory


def territory_summary(request: HttpRequest, slug: str) -> HttpResponse:
    territory = get_territory_for_coordinator(request.user, slug)
    summary = statistics.territory_summary(territory)
    wanted = request.GET.get("annee", "")
    year = next((y for y in summary.years if str(y) == wanted), None)
    year = year or (summary.years[0] if summary.years else None)
    events = []
    if year is not None:
        events = list(
            Event.objects.in_territory(territory)
            .in_year(year, territory.tz)
            .select_related("organisation", "place")
            .order_by("starts_at", "id")
        )
    context = {"territory": territory, "summary": summary, "year": year, "events": events}
    return render_in_territory(request, "events/territory_summary.html", context, territory)
