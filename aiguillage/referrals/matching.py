"""Which places of the territory fit a referral, nearest first, and why.

The places search does the filtering (services, supports, languages, opening hours
crossed with the person's availability over two weeks, distance); this module turns
the sender's criteria into a search and each result into reasons a person can read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from aiguillage.places import hours
from aiguillage.places.models import Place
from aiguillage.places.rules import SERVICE_CODE_BY_LABEL, SUPPORT_CODES, distance_m
from aiguillage.places.search import AVAILABILITY_DAYS, PARIS, SearchQuery, search_places
from aiguillage.referrals import rules
from aiguillage.territories.models import Territory

SUPPORT_CODE_BY_LABEL = {label: code for code, label in SUPPORT_CODES.items()}
MATCH_LIMIT = 10


@dataclass
class Criteria:
    """The sender's criteria, from the need form (codes, OSM availability, kilometres)."""

    needs: list[str] = field(default_factory=list)
    services: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    supports: list[str] = field(default_factory=list)
    pathway: str = ""
    availability: str = ""
    max_distance_km: int | None = None
    latitude: float | None = None
    longitude: float | None = None

    @property
    def wanted_services(self) -> list[str]:
        return rules.services_for(self.needs, self.services)

    @property
    def wish(self) -> rules.Wish:
        return rules.Wish(
            services=tuple(self.wanted_services),
            languages=tuple(self.languages),
            supports=tuple(self.supports),
            pathway=self.pathway,
            max_distance_m=None if self.max_distance_km is None else self.max_distance_km * 1000,
            has_availability=bool(self.availability),
        )


@dataclass
class Match:
    place: Place
    distance_m: float | None
    first_slot: tuple[dt.datetime, dt.datetime] | None
    reasons: list[str]
    problems: list[str] = field(default_factory=list)

    @property
    def can_receive(self) -> bool:
        """Only places run by a structure of the platform receive referrals."""
        return self.place.organisation_id is not None

    @property
    def reasons_text(self) -> str:
        return ", ".join(self.reasons)


def place_facts(place: Place) -> rules.PlaceFacts:
    services = {SERVICE_CODE_BY_LABEL[s] for s in place.services if s in SERVICE_CODE_BY_LABEL}
    services.update(place.extra_services)
    supports = {
        SUPPORT_CODE_BY_LABEL[label]
        for label in place.prise_en_charge_specifique
        if label in SUPPORT_CODE_BY_LABEL
    }
    return rules.PlaceFacts(
        services=frozenset(services),
        modes=tuple(place.modalites_accompagnement),
        languages=tuple(place.languages),
        supports=frozenset(supports),
        is_free=place.is_free,
    )


def _tz(place: Place) -> dt.tzinfo:
    return place.territory.tz if place.territory_id else PARIS


def _slot_text(slot: tuple[dt.datetime, dt.datetime] | None) -> str:
    # Dates, not « demain »: the reasons are kept on the referral and read days later.
    if slot is None:
        return ""
    return hours.describe_slot(*slot, today=None)


def find_matches(
    criteria: Criteria,
    *,
    territory: Territory | None,
    now: dt.datetime,
    limit: int = MATCH_LIMIT,
) -> list[Match]:
    """Places that offer the need, fit the constraints and are open when the person is
    available, nearest to the person's commune first."""
    wish = criteria.wish
    query = SearchQuery(
        latitude=criteria.latitude,
        longitude=criteria.longitude,
        services=list(wish.services),
        supports=[SUPPORT_CODES[code] for code in criteria.supports if code in SUPPORT_CODES],
        languages=rules.language_filter(criteria.languages),
        availability=criteria.availability,
        availability_from=now,
        territory=territory,
        max_distance_m=wish.max_distance_m if criteria.latitude is not None else None,
        limit=limit,
    )
    matches = []
    for result in search_places(query, now=now):
        reasons = rules.match_reasons(
            place_facts(result.place),
            wish,
            slot_text=_slot_text(result.first_slot),
            distance_m=result.distance_m,
        )
        matches.append(Match(result.place, result.distance_m, result.first_slot, reasons))
    return matches


def check_place(place: Place, criteria: Criteria, *, now: dt.datetime) -> Match:
    """A place chosen beforehand (from its page): its reasons, and what does not fit."""
    tz = _tz(place)
    slot = None
    if criteria.availability and place.horaires:
        slot = hours.first_common_slot(
            place.horaires, criteria.availability, now, AVAILABILITY_DAYS, tz
        )
    distance = None
    if None not in (criteria.latitude, criteria.longitude, place.latitude, place.longitude):
        distance = distance_m(
            criteria.latitude, criteria.longitude, place.latitude, place.longitude
        )
    facts, wish = place_facts(place), criteria.wish
    reasons = rules.match_reasons(facts, wish, slot_text=_slot_text(slot), distance_m=distance)
    problems = rules.mismatches(facts, wish, has_slot=slot is not None, distance_m=distance)
    return Match(place, distance, slot, reasons, problems)
