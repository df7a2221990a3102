"""The coming workshops of a place, on its public page (places.page_sections)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from aiguillage.workshops.models import Session

SHOWN = 6


def coming_sessions(place, now: dt.datetime) -> tuple[str, dict] | None:
    sessions = list(
        Session.objects.published()
        .upcoming(now)
        .at_place(place)
        .select_related("kind", "organisation", "cycle")[:SHOWN]
    )
    if not sessions:
        return None
    tz = place.territory.tz if place.territory_id else None
    return (
        "workshops/_place_sessions.html",
        {
            "sessions": sessions,
            "tz": tz,
            "ics_url": reverse("workshops:place_ics", args=[place.public_id]),
        },
    )
