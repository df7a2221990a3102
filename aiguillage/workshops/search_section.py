"""« Ateliers près de chez vous cette semaine » below the public place search
(places.search_sections): the published sessions of the coming days at the places found, or
near the searched commune or position. One query; nothing about participants but the
number of seats left, as on the territory's public page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse

from aiguillage.places.rules import distance_m, format_distance
from aiguillage.places.search_sections import SearchedArea
from aiguillage.workshops import rules
from aiguillage.workshops.models import SEAT_STATUSES, Enrolment, Session

SHOWN = 10
# Today and the 7 days after it, on the searched territory's wall clock.
DAYS = 7
# Sessions at places the search did not list still count within this distance of the point.
NEAR_KM = 15

Point = tuple[float, float]


@dataclass
class WeekSession:
    session: Session
    when: str  # « demain, mardi 6 janvier, 14 h – 16 h »
    seats_left: int
    metres: float | None  # from the searched point, None without one

    @property
    def distance(self) -> str:
        return f"à {format_distance(self.metres)}" if self.metres is not None else ""


def _seats_taken(**target: OuterRef) -> Coalesce:
    """Seats taken in what people enrol in: ``session=OuterRef("pk")`` for a stand-alone
    session, ``cycle=OuterRef("cycle")`` for a cycle's session."""
    (name,) = target
    counts = (
        Enrolment.objects.filter(status__in=SEAT_STATUSES, **target)
        .order_by()
        .values(name)
        .annotate(taken=Count("pk"))
        .values("taken")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


def _coming(area: SearchedArea, now: dt.datetime, point: Point | None) -> list[Session]:
    """Published sessions from now to the end of the week, at the places found or near the
    point, soonest first, with their seats taken (one query)."""
    today = now.astimezone(area.tz).date()
    until = dt.datetime.combine(today + dt.timedelta(days=DAYS + 1), dt.time(), tzinfo=area.tz)
    coming = Session.objects.published().filter(
        starts_at__gt=now,
        starts_at__lt=until,
        place__is_published=True,
        place__merged_into__isnull=True,
    )
    if area.territory_id is not None:
        coming = coming.filter(territory_id=area.territory_id)
    found = coming.filter(place_id__in=area.place_ids)
    if point is not None:
        found = found | coming.near(*point, NEAR_KM)
    # Twice as many as shown: sessions starting together are then ranked by distance.
    return list(
        found.annotate(
            taken_in_session=_seats_taken(session=OuterRef("pk")),
            taken_in_cycle=_seats_taken(cycle=OuterRef("cycle")),
        )
        .select_related("place", "territory", "cycle")
        .order_by("starts_at", "id")[: SHOWN * 2]
    )


def _when(session: Session, today: dt.date) -> str:
    """« demain, mardi 6 janvier, 14 h – 16 h », hours kept on one line."""
    tz = session.territory.tz
    text = rules.when_text(session.starts_at.astimezone(tz), session.ends_at.astimezone(tz))
    text = text.replace(" h", "\u00a0h")
    day = session.starts_at.astimezone(tz).date()
    if day == today:
        return f"aujourd'hui, {text}"
    return f"demain, {text}" if day == today + dt.timedelta(days=1) else text


def _row(session: Session, area: SearchedArea, point: Point | None, today: dt.date):
    """The session as the search shows it; None for a place in the corner of the box,
    beyond NEAR_KM, that the search did not list."""
    place = session.place
    assert place is not None  # the query filters on the place's columns
    metres = None
    if point is not None and place.latitude is not None and place.longitude is not None:
        metres = distance_m(*point, place.latitude, place.longitude)
    if place.pk not in area.place_ids and (metres is None or metres > NEAR_KM * 1000):
        return None
    cycle = session.cycle
    capacity = cycle.capacity if cycle is not None else session.capacity or 0
    taken = session.taken_in_cycle if cycle is not None else session.taken_in_session
    return WeekSession(session, _when(session, today), max(capacity - taken, 0), metres)


def sessions_this_week(area: SearchedArea, now: dt.datetime) -> tuple[str, dict] | None:
    """The section, or None when no session of the week is near."""
    point = None
    if area.latitude is not None and area.longitude is not None:
        point = (area.latitude, area.longitude)
    if not area.place_ids and point is None:
        return None
    today = now.astimezone(area.tz).date()
    found = (_row(session, area, point, today) for session in _coming(area, now, point))
    rows = sorted(
        (row for row in found if row is not None),
        key=lambda row: (row.session.starts_at, row.metres or 0.0),
    )[:SHOWN]
    if not rows:
        return None
    territories = {row.session.territory_id: row.session.territory for row in rows}
    links = [
        (territory.name, reverse("workshops:public_list", args=[territory.slug]))
        for territory in territories.values()
    ]
    return "workshops/_search_sessions.html", {"rows": rows, "territories": links}
