"""search_places: nearest first, filters, opening times, pages, and equality with a full scan."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from aiguillage.places import hours
from aiguillage.places.models import Place
from aiguillage.places.rules import SERVICE_CODE_BY_LABEL, derive_search_fields, distance_m
from aiguillage.places.search import PARIS, SearchQuery, count_places, search_places
from aiguillage.places.vocabulary import EXTRA_SERVICES, PRISE_EN_CHARGE_SPECIFIQUE
from tests import factories

pytestmark = pytest.mark.django_db

# Grenoble's town hall; the places below are placed north of it at known distances.
ORIGIN = (45.1885, 5.7245)
METRES_PER_DEGREE_LAT = 111_195
# A Tuesday 10:00 and a Sunday 10:00 in Paris.
TUESDAY_10 = dt.datetime(2026, 11, 24, 10, 0, tzinfo=PARIS)
SUNDAY_10 = dt.datetime(2026, 11, 29, 10, 0, tzinfo=PARIS)


def place_at(territory, metres_north: float, **fields) -> Place:
    return factories.PlaceFactory(
        territory=territory,
        latitude=ORIGIN[0] + metres_north / METRES_PER_DEGREE_LAT,
        longitude=ORIGIN[1],
        **fields,
    )


def names(results) -> list[str]:
    return [result.place.nom for result in results]


def query(**fields) -> SearchQuery:
    return SearchQuery(latitude=ORIGIN[0], longitude=ORIGIN[1], **fields)


def test_nearest_places_come_first_with_their_distance(territory):
    place_at(territory, 3_000, nom="Loin")
    place_at(territory, 100, nom="Tout près")
    place_at(territory, 800, nom="Près")
    place_at(territory, 40_000, nom="Très loin")

    results = search_places(query())

    assert names(results) == ["Tout près", "Près", "Loin", "Très loin"]
    assert results[0].distance_m == pytest.approx(100, abs=1)
    assert results[3].distance_m == pytest.approx(40_000, rel=0.001)


def test_without_a_position_places_come_by_name_without_distance(territory):
    place_at(territory, 100, nom="Zèbre")
    place_at(territory, 900, nom="Abeille")

    results = search_places(SearchQuery())

    assert names(results) == ["Abeille", "Zèbre"]
    assert results[0].distance_m is None


def test_service_filter_keeps_places_offering_any_of_the_needs(territory):
    place_at(territory, 100, nom="Démarches", services=["Aide aux démarches administratives"])
    place_at(
        territory,
        200,
        nom="Matériel",
        services=["Acquisition de matériel informatique à prix solidaire"],
    )
    place_at(territory, 300, nom="Réparation", services=[], extra_services=["reparation"])
    place_at(territory, 400, nom="Loisirs", services=["Loisirs et créations numériques"])

    results = search_places(query(services=["materiel", "reparation"]))

    assert names(results) == ["Matériel", "Réparation"]


def test_support_filter_keeps_places_providing_all_of_the_supports(territory):
    place_at(territory, 100, nom="Surdité seule", prise_en_charge_specifique=["Surdité"])
    place_at(territory, 200, nom="Les deux", prise_en_charge_specifique=["Surdité", "Illettrisme"])
    place_at(territory, 300, nom="Aucune")

    results = search_places(query(supports=["Surdité", "Illettrisme"]))

    assert names(results) == ["Les deux"]


def test_language_filter_keeps_places_speaking_any_of_the_languages(territory):
    place_at(territory, 100, nom="Arabe", languages=["fr", "ar"])
    place_at(territory, 200, nom="Ukrainien", languages=["fr", "uk"])
    place_at(territory, 300, nom="Français", languages=["fr"])

    results = search_places(query(languages=["ar", "uk"]))

    assert names(results) == ["Arabe", "Ukrainien"]


def test_free_filter_counts_free_under_condition_as_free(territory):
    place_at(territory, 100, nom="Gratuit", frais_a_charge=["Gratuit"])
    place_at(territory, 200, nom="Sous condition", frais_a_charge=["Gratuit sous condition"])
    place_at(territory, 300, nom="Payant", frais_a_charge=["Payant"])

    assert names(search_places(query(free=True))) == ["Gratuit", "Sous condition"]


def test_online_booking_filter_keeps_places_with_a_booking_link_or_access_mode(territory):
    place_at(territory, 100, nom="Lien", prise_rdv="https://rdv.exemple.fr/lieu")
    place_at(territory, 200, nom="Modalité", modalites_acces=["Prendre un RDV en ligne"])
    place_at(territory, 300, nom="Sans", modalites_acces=["Se présenter"])

    assert names(search_places(query(online_booking=True))) == ["Lien", "Modalité"]


def test_open_at_keeps_places_open_at_that_moment(territory):
    place_at(territory, 100, nom="Semaine", horaires="Mo-Fr 09:00-12:00")
    place_at(territory, 200, nom="Samedi", horaires="Sa 09:00-12:00")
    place_at(territory, 300, nom="Sans horaires", horaires="")

    results = search_places(query(open_at=TUESDAY_10))

    assert names(results) == ["Semaine"]
    assert results[0].is_open is True
    assert search_places(query(open_at=SUNDAY_10)) == []


def test_open_between_keeps_places_open_at_least_once_in_the_window(territory):
    place_at(territory, 100, nom="Matin", horaires="Tu 09:00-12:00")
    place_at(territory, 200, nom="Après-midi", horaires="Tu 14:00-18:00")
    place_at(territory, 300, nom="Fin de matinée", horaires="Tu 11:30-13:00")
    morning = (TUESDAY_10.replace(hour=9), TUESDAY_10.replace(hour=12))

    assert names(search_places(query(open_between=morning))) == ["Matin", "Fin de matinée"]


def test_open_between_reads_the_window_in_the_territory_time_zone(territory):
    # 09:00-12:00 in Paris is 08:00-11:00 UTC in November: the same window, written in UTC.
    place_at(territory, 100, nom="Matin", horaires="Tu 09:00-10:00")
    window = (
        dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 11, 24, 11, 0, tzinfo=dt.UTC),
    )
    early = (
        dt.datetime(2026, 11, 24, 6, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 11, 24, 7, 59, tzinfo=dt.UTC),
    )

    assert names(search_places(query(open_between=window, territory=territory))) == ["Matin"]
    assert search_places(query(open_between=early, territory=territory)) == []


def test_unpublished_and_merged_places_are_never_found(territory):
    kept = place_at(territory, 300, nom="Gardé")
    place_at(territory, 100, nom="Masqué", unpublished=True)
    place_at(territory, 200, nom="Fusionné", merged_into=kept)

    assert names(search_places(query())) == ["Gardé"]
    assert names(search_places(SearchQuery())) == ["Gardé"]
    assert count_places(query()) == 1


def test_territory_filter_leaves_out_places_of_other_territories(territory):
    other = factories.TerritoryFactory(name="Ailleurs")
    place_at(territory, 500, nom="Ici")
    place_at(other, 100, nom="Voisin")

    assert names(search_places(query(territory=territory))) == ["Ici"]
    assert names(search_places(query())) == ["Voisin", "Ici"]


def test_offset_and_limit_page_through_the_same_ordering(territory):
    for metres in range(100, 2_600, 100):
        place_at(territory, metres, nom=f"Lieu à {metres:05d} m")

    every = names(search_places(query(limit=25)))
    pages = [names(search_places(query(limit=10, offset=offset))) for offset in (0, 10, 20)]

    assert [len(page) for page in pages] == [10, 10, 5]
    assert pages[0] + pages[1] + pages[2] == every
    assert every == sorted(every)


def test_max_distance_leaves_out_farther_places(territory):
    place_at(territory, 900, nom="Dans le rayon")
    place_at(territory, 1_100, nom="Hors du rayon")

    assert names(search_places(query(max_distance_m=1_000))) == ["Dans le rayon"]


def test_count_places_applies_the_time_filters(territory):
    place_at(territory, 100, horaires="Mo-Fr 09:00-12:00")
    place_at(territory, 200, horaires="Mo-Fr 09:00-12:00")
    place_at(territory, 300, horaires="Sa 09:00-12:00")
    place_at(territory, 400, horaires="")

    assert count_places(query()) == 4
    assert count_places(query(open_at=TUESDAY_10)) == 2
    saturday_morning = (
        dt.datetime(2026, 11, 28, 9, 0, tzinfo=PARIS),
        dt.datetime(2026, 11, 28, 12, 0, tzinfo=PARIS),
    )
    assert count_places(query(open_between=saturday_morning)) == 1


# --- Equality with a full scan on random places ------------------------------------------

HOURS_POOL = (
    "",
    "Mo-Fr 09:00-12:00,14:00-17:00",
    "Tu,Th 14:00-18:00; Sa 09:30-12:30",
    "We 14:00-18:00",
    "Mo-Sa 10:00-19:00",
    "Sa 09:00-12:00",
    "24/7",
    "Mo-Fr 08:30-12:00; PH off",
)
STANDARD_LABELS = tuple(SERVICE_CODE_BY_LABEL)
SUPPORTS_POOL = PRISE_EN_CHARGE_SPECIFIQUE[:4]
LANGUAGE_POOL = ("en", "ar", "uk", "es")


def _random_places(territory, other, count: int, seed: int) -> list[Place]:
    rng = random.Random(seed)
    places = []
    for n in range(count):
        values = {
            "services": rng.sample(STANDARD_LABELS, k=rng.randint(0, 3)),
            "extra_services": rng.sample(tuple(EXTRA_SERVICES), k=rng.randint(0, 2)),
            "prise_en_charge_specifique": rng.sample(SUPPORTS_POOL, k=rng.randint(0, 2)),
            "languages": ["fr", *rng.sample(LANGUAGE_POOL, k=rng.randint(0, 2))],
            "frais_a_charge": [rng.choice(("Gratuit", "Payant", "Gratuit sous condition"))],
            "prise_rdv": rng.choice(("", "", "https://rdv.exemple.fr")),
        }
        # Some places share an exact position, so that ties must be broken the same way.
        latitude = 45.0 + rng.choice((rng.uniform(0, 0.6), 0.3))
        longitude = 5.5 + rng.choice((rng.uniform(0, 0.6), 0.3))
        places.append(
            Place(
                territory=territory if rng.random() < 0.8 else other,
                nom=f"Lieu {n:03d}",
                commune="Grenoble",
                code_postal="38000",
                adresse="1 rue de test",
                latitude=latitude,
                longitude=longitude,
                horaires=rng.choice(HOURS_POOL),
                date_maj=dt.date(2026, 11, 1),
                is_published=rng.random() > 0.05,
                **values,
                **derive_search_fields(values),
            )
        )
    return Place.objects.bulk_create(places)


def _brute_force(places: list[Place], q: SearchQuery) -> list[int]:
    """Ids of every matching place, sorted by (distance, id): the definition of the search."""
    tz = q.territory.tz if q.territory is not None else PARIS
    wanted_services = set(q.services)
    matching = []
    for place in places:
        offered = {SERVICE_CODE_BY_LABEL[s] for s in place.services} | set(place.extra_services)
        if not place.is_published:
            continue
        if q.territory is not None and place.territory_id != q.territory.pk:
            continue
        if wanted_services and not offered & wanted_services:
            continue
        if not set(q.supports) <= set(place.prise_en_charge_specifique):
            continue
        if q.languages and not set(q.languages) & set(place.languages):
            continue
        if q.free and not place.is_free:
            continue
        if q.online_booking and not place.has_online_booking:
            continue
        if q.open_at is not None and not hours.is_open_at(place.horaires, q.open_at, tz):
            continue
        if q.open_between is not None and not hours.open_during(
            place.horaires, *q.open_between, tz
        ):
            continue
        distance = distance_m(q.latitude, q.longitude, place.latitude, place.longitude)
        if q.max_distance_m is not None and distance > q.max_distance_m:
            continue
        matching.append((distance, place.pk))
    return [pk for _, pk in sorted(matching)]


def test_search_equals_a_full_scan_sorted_by_distance_on_random_places(territory):
    other = factories.TerritoryFactory(name="Territoire voisin")
    places = _random_places(territory, other, 300, seed=20261124)
    rng = random.Random(7)
    queries = [
        SearchQuery(limit=200),
        SearchQuery(services=["demarches", "wifi"], limit=50),
        SearchQuery(supports=list(SUPPORTS_POOL[:2]), limit=50),
        SearchQuery(languages=["ar", "uk"], free=True, limit=50),
        SearchQuery(online_booking=True, territory=territory, limit=50),
        SearchQuery(open_at=TUESDAY_10, limit=60),
        SearchQuery(open_between=(SUNDAY_10, SUNDAY_10 + dt.timedelta(hours=3)), limit=60),
        SearchQuery(services=["quotidien"], max_distance_m=30_000, limit=200),
        SearchQuery(limit=20, offset=40),
        SearchQuery(services=["materiel", "pret"], open_at=TUESDAY_10, limit=10, offset=10),
    ]
    for q in queries:
        q.latitude, q.longitude = 45.0 + rng.uniform(0, 0.6), 5.5 + rng.uniform(0, 0.6)
        expected = _brute_force(places, q)[q.offset : q.offset + q.limit]

        found = [result.place.pk for result in search_places(q, now=TUESDAY_10)]

        assert found == expected, q
        assert count_places(q) == len(_brute_force(places, q))
