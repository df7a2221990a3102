"""Demo equipment pool of Grenoble-Alpes Métropole, after its « Pôle des ressources »: the
mediator's structure lends a case of tablets and 4G keys, the manager's a video projector
and a mobile fablab; the social worker's structure borrows. Bookings in several states: one
requested, one approved to come, one handed over and late, one returned without its charger.

Through the actions (past loans are replayed with their own ``now``); marked demo;
idempotent (skipped once a demo item exists in the territory). E-mails are discarded by the
caller.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from aiguillage.accounts.models import User
from aiguillage.demo import catalogue
from aiguillage.pool import actions, booking_actions
from aiguillage.pool.models import Item
from aiguillage.territories.models import Territory

MEDIATOR = "mediateur@demo.aiguillage.fr"
SOCIAL = "travailleur.social@demo.aiguillage.fr"
MANAGER = "responsable@demo.aiguillage.fr"
ITEMS = {
    "tablets": (MEDIATOR, {
        "name": "Valise de 6 tablettes", "category": "tablette", "condition": "bon",
        "description": "Six tablettes Android dans une valise, prêtes pour un atelier.",
        "accessories": ["chargeur", "housse", "multiprise"],
    }),
    "keys": (MEDIATOR, {
        "name": "4 clés 4G", "category": "connexion", "condition": "bon",
        "description": "Pour un atelier hors les murs, sans wifi : 20 Go chacune.",
        "accessories": ["câble USB", "pochette"],
    }),
    "projector": (MANAGER, {
        "name": "Vidéoprojecteur et écran", "category": "projection", "condition": "use",
        "description": "Écran sur pied de 2 m ; prévoir une rallonge.",
        "accessories": ["câble HDMI", "télécommande", "housse"],
    }),
    "fablab": (MANAGER, {
        "name": "Fablab mobile", "category": "fablab", "condition": "bon",
        "description": "Imprimante 3D, découpe vinyle et petit outillage, sur chariot.",
        "accessories": ["bobines de filament", "outils", "chariot"],
    }),
}  # fmt: skip


def _member(email: str):
    user = User.objects.filter(email=email).first()
    membership = user.memberships.select_related("organisation").first() if user else None
    return user, membership.organisation if membership else None


@transaction.atomic
def seed_pool() -> bool:
    """True when the pool was seeded now."""
    territory = Territory.objects.filter(siren=catalogue.DEMO_TERRITORIES[0]).first()
    if territory is None or Item.objects.filter(territory=territory, is_demo=True).exists():
        return False
    people = {email: _member(email) for email in (MEDIATOR, SOCIAL, MANAGER)}
    if any(org is None or org.territory_id != territory.pk for _, org in people.values()):
        return False
    items = {}
    for key, (email, values) in ITEMS.items():
        actor, organisation = people[email]
        items[key] = actions.create_item(
            actor=actor, organisation=organisation, values=values | {"is_available_for_loan": True},
            is_demo=True,
        )  # fmt: skip
    tz = territory.tz
    now = timezone.now()
    today = now.astimezone(tz).date()

    def at(days: int, hour: int) -> dt.datetime:
        return dt.datetime.combine(today + dt.timedelta(days=days), dt.time(hour), tzinfo=tz)

    def book(key: str, borrower: str, start: int, end: int, purpose: str, asked: int = 0):
        actor, organisation = people[borrower]
        return booking_actions.request_booking(
            actor=actor, item=items[key], organisation=organisation, starts_at=at(start, 9),
            ends_at=at(end, 18), purpose=purpose, now=now + dt.timedelta(days=asked),
            is_demo=True,
        )  # fmt: skip

    def lender(key: str):
        return people[ITEMS[key][0]]

    # Requested: waiting for the manager's answer.
    book("projector", SOCIAL, 10, 11, "Réunion d'information sur les démarches en ligne")
    # Approved, to come.
    upcoming = book("tablets", SOCIAL, 5, 7, "Atelier tablettes à la maison des habitants")
    actor, organisation = lender("tablets")
    booking_actions.approve_booking(actor=actor, booking=upcoming, organisation=organisation)
    # Handed over ten days ago, due back three days ago: late.
    late = book("keys", SOCIAL, -10, -3, "Permanence numérique hors les murs", asked=-12)
    actor, organisation = lender("keys")
    booking_actions.approve_booking(
        actor=actor, booking=late, organisation=organisation, now=now - dt.timedelta(days=11)
    )
    booking_actions.check_out_booking(
        actor=actor, booking=late, organisation=organisation, condition="bon",
        now=at(-10, 9),
    )  # fmt: skip
    # Returned last month without one charger.
    done = book("tablets", MANAGER, -30, -25, "Semaine du numérique à la médiathèque", asked=-35)
    actor, organisation = lender("tablets")
    booking_actions.approve_booking(
        actor=actor, booking=done, organisation=organisation, now=now - dt.timedelta(days=34)
    )
    booking_actions.check_out_booking(
        actor=actor, booking=done, organisation=organisation, condition="bon", now=at(-30, 9)
    )
    booking_actions.return_booking(
        actor=actor, booking=done, organisation=organisation, condition="bon",
        missing_accessories=["chargeur"], note="Un chargeur manque : à rapporter.",
        now=at(-25, 17),
    )  # fmt: skip
    return True
