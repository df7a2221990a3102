"""The territory's summary of events: events per year and people present per audience, in
two grouped queries; the masking is ``rules.summary``'s."""

from __future__ import annotations

from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractYear

from aiguillage.events import rules
from aiguillage.events.models import Event, EventAttendance, EventStatus
from aiguillage.territories.models import Territory


def territory_summary(territory: Territory) -> rules.Summary:
    """Years are read on the territory's wall clock; cancelled events are not counted."""
    tz = territory.tz
    per_year = (
        Event.objects.in_territory(territory)
        .exclude(status=EventStatus.CANCELLED)
        .annotate(year=ExtractYear("starts_at", tzinfo=tz))
        .order_by()
        .values("year")
        .annotate(events=Count("id"), counted=Count("id", filter=Q(status=EventStatus.HELD)))
    )
    counts = (
        EventAttendance.objects.filter(event__territory=territory, event__status=EventStatus.HELD)
        .annotate(year=ExtractYear("event__starts_at", tzinfo=tz))
        .order_by()
        .values("year", "audience")
        .annotate(people=Sum("count"))
    )
    return rules.summary(
        {row["year"]: (row["events"], row["counted"]) for row in per_year},
        {(row["year"], row["audience"]): row["people"] for row in counts},
    )
