"""Demo events of Grenoble-Alpes Métropole, after its programme: the launch conference and a
« Connectons-nous ! » awareness day (past, with attendance counts), and a coming discovery
day published on the public workshops page. Through the actions; idempotent (an event of
the same title in the territory is left as it is)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from aiguillage.accounts.models import User
from aiguillage.demo import catalogue
from aiguillage.events.actions import create_event, record_event_attendance
from aiguillage.events.models import Event
from aiguillage.places.models import Place
from aiguillage.territories.models import Territory


@dataclass(frozen=True)
class DemoEvent:
    organiser: str  # the e-mail of the demo account that notes it
    partners: tuple[str, ...]  # the demo accounts whose structures are partners
    kind: str
    title: str
    days: int  # from today
    start: dt.time
    end: dt.time
    audiences: tuple[str, ...]
    other_partners: str = ""
    description: str = ""
    is_public: bool = False
    counts: dict[str, int] = field(default_factory=dict)


MEDIATOR = "mediateur@demo.aiguillage.fr"
SOCIAL = "travailleur.social@demo.aiguillage.fr"
MANAGER = "responsable@demo.aiguillage.fr"
EVENTS = (
    DemoEvent(
        organiser=MANAGER,
        partners=(MEDIATOR, SOCIAL),
        kind="conference",
        title="Conférence de lancement du réseau d'inclusion numérique",
        days=-400,
        start=dt.time(9, 30),
        end=dt.time(12, 30),
        audiences=("professionnels", "agents", "elus"),
        other_partners="Grenoble-Alpes Métropole, Département de l'Isère",
        description="Présentation du programme, des parcours et des outils partagés du réseau.",
        counts={"professionnels": 54, "agents": 21, "elus": 8, "habitants": 3},
    ),
    DemoEvent(
        organiser=MEDIATOR,
        partners=(SOCIAL, MANAGER),
        kind="awareness_day",
        title="Connectons-nous !",
        days=-45,
        start=dt.time(10, 0),
        end=dt.time(17, 0),
        audiences=("habitants", "parents", "enfants_jeunes"),
        description="Une journée pour découvrir les usages du numérique, en famille.",
        counts={"habitants": 68, "parents": 17, "enfants_jeunes": 12, "autres": 2},
    ),
    DemoEvent(
        organiser=SOCIAL,
        partners=(MEDIATOR,),
        kind="discovery_day",
        title="Journée découverte : le numérique au quotidien",
        days=24,
        start=dt.time(14, 0),
        end=dt.time(17, 30),
        audiences=("habitants",),
        description="Stands et démonstrations : démarches en ligne, smartphone, sécurité.",
        is_public=True,
    ),
)


def _organisation_of(email: str):
    user = User.objects.filter(email=email).first()
    membership = user.memberships.select_related("organisation").first() if user else None
    return user, membership.organisation if membership else None


@transaction.atomic
def seed_events() -> None:
    territory = Territory.objects.filter(siren=catalogue.DEMO_TERRITORIES[0]).first()
    if territory is None:
        return
    tz = territory.tz
    today = timezone.now().astimezone(tz).date()
    for demo in EVENTS:
        if Event.objects.filter(territory=territory, title=demo.title).exists():
            continue
        actor, organisation = _organisation_of(demo.organiser)
        if organisation is None or organisation.territory_id != territory.pk:
            continue
        partners = {_organisation_of(email)[1] for email in demo.partners} - {None, organisation}
        day = today + dt.timedelta(days=demo.days)
        place = Place.objects.filter(organisation=organisation, territory=territory).first()
        event = create_event(
            actor=actor,
            organisation=organisation,
            values={
                "kind": demo.kind,
                "title": demo.title,
                "description": demo.description,
                "starts_at": dt.datetime.combine(day, demo.start, tzinfo=tz),
                "ends_at": dt.datetime.combine(day, demo.end, tzinfo=tz),
                "place": place,
                "partners": sorted(partners, key=lambda o: o.pk),
                "other_partners": demo.other_partners,
                "audiences": list(demo.audiences),
                "is_public": demo.is_public,
            },
        )
        if demo.counts:
            record_event_attendance(actor=actor, event=event, counts=demo.counts)
