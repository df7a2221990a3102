"""Public pages: the territory's coming workshops (« Ateliers près de chez moi cette
semaine ») and iCalendar feeds per territory and per place. Published sessions only, and
nothing about participants."""

from __future__ import annotations

import datetime as dt
from itertools import groupby

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from aiguillage.accounts.notifications import absolute_url
from aiguillage.events.models import Event
from aiguillage.events.rules import PUBLIC_EVENTS_SHOWN
from aiguillage.places.models import Place
from aiguillage.territories.models import Territory
from aiguillage.workshops import ical, rules
from aiguillage.workshops.forms import PublicFilterForm
from aiguillage.workshops.models import Session, WorkshopKind
from aiguillage.workshops.views.context import (
    positions_in_cycles,
    render_in_territory,
    session_rows,
)

PERIODS = {
    PublicFilterForm.WEEK: dt.timedelta(days=7),
    PublicFilterForm.MONTH: dt.timedelta(days=30),
}
MAX_LISTED = 200
MAX_IN_FEED = 500


def _communes(sessions) -> list[tuple[str, str]]:
    pairs = sessions.filter(place__isnull=False).values_list("place__code_insee", "place__commune")
    return sorted({(code, name) for code, name in pairs if code}, key=lambda pair: pair[1])


@login_not_required
@require_GET
def public_list(request: HttpRequest, slug: str) -> HttpResponse:
    territory = get_object_or_404(Territory, slug=slug)
    now = timezone.now()
    coming = Session.objects.published().in_territory(territory).upcoming(now)
    kinds = WorkshopKind.objects.filter(territory=territory, is_active=True)
    form = PublicFilterForm(request.GET or None, communes=_communes(coming), kinds=kinds)
    commune, kind_code, period = form.criteria()
    sessions = coming.filter(starts_at__lt=now + PERIODS[period])
    if commune:
        sessions = sessions.in_commune(commune)
    if kind_code:
        sessions = sessions.filter(kind__code=kind_code)
    sessions = list(sessions.select_related("place", "kind", "organisation")[:MAX_LISTED])
    tz = territory.tz
    days = [
        (rules.day_text(day), list(group))
        for day, group in groupby(
            session_rows(sessions), key=lambda row: row.session.starts_at.astimezone(tz).date()
        )
    ]
    context = {
        "territory": territory,
        "form": form,
        "days": days,
        "count": len(sessions),
        "feed_url": reverse("workshops:territory_ics", args=[territory.slug]),
        # The territory's coming events (conferences, awareness days…) published by their organiser.
        "events": Event.objects.public_upcoming(territory, now).select_related(
            "place", "organisation"
        )[:PUBLIC_EVENTS_SHOWN],
    }
    return render_in_territory(request, "workshops/public_list.html", context, territory)


def _event(session: Session, positions: dict, url: str) -> ical.Event:
    place = session.place
    lines = [session.kind.label, "Gratuit" if session.is_free else "Payant"]
    if session.pk in positions:
        rank, total = positions[session.pk]
        lines.append(f"Séance {rank} sur {total} d'un cycle : on s'inscrit pour tout le cycle.")
    lines.append(f"Organisé par {session.organisation.name}")
    phone = (place.telephone if place else "") or session.organisation.phone
    if phone:
        lines.append(f"Renseignements et inscription : {phone}")
    if session.description:
        lines.append(session.description)
    return ical.Event(
        uid=f"{session.public_id}@aiguillage",
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        summary=session.title,
        description="\n".join(lines),
        location=f"{place.nom}, {place.full_address}" if place else "",
        categories=session.kind.label,
        url=url,
        updated_at=session.updated_at,
        is_cancelled=session.is_cancelled,
        latitude=place.latitude if place else None,
        longitude=place.longitude if place else None,
    )


def _feed(sessions, *, name: str, territory: Territory, filename: str) -> HttpResponse:
    # Cancelled sessions stay in the feed (STATUS:CANCELLED) so that calendars drop them.
    sessions = list(
        sessions.filter(is_published=True)
        .upcoming()
        .select_related("place", "kind", "organisation")[:MAX_IN_FEED]
    )
    positions = positions_in_cycles(sessions)
    url = absolute_url(reverse("workshops:public_list", args=[territory.slug]))
    body = ical.calendar(
        name=name, events=[_event(s, positions, url) for s in sessions], now=timezone.now()
    )
    response = HttpResponse(body.encode("utf-8"), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@login_not_required
@require_GET
def territory_ics(request: HttpRequest, slug: str) -> HttpResponse:
    territory = get_object_or_404(Territory, slug=slug)
    return _feed(
        Session.objects.in_territory(territory),
        name=f"Ateliers numériques — {territory.name}",
        territory=territory,
        filename=f"ateliers-{territory.slug}.ics",
    )


@login_not_required
@require_GET
def place_ics(request: HttpRequest, public_id) -> HttpResponse:
    place = get_object_or_404(
        Place.objects.published().select_related("territory"), public_id=public_id
    )
    return _feed(
        Session.objects.at_place(place),
        name=f"Ateliers numériques — {place.nom}",
        territory=place.territory,
        filename="ateliers-lieu.ics",
    )
