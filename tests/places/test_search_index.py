"""The in-memory search index follows every change of the places."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from aiguillage.places.actions import update_place
from aiguillage.places.dedup_actions import merge_duplicates
from aiguillage.places.search import SearchQuery, search_places
from aiguillage.places.search_index import _nearest_first, current_index
from tests import factories


def _names(**query):
    return [
        r.place.nom for r in search_places(SearchQuery(latitude=45.19, longitude=5.72, **query))
    ]


def test_new_place_is_found_by_the_next_search(territory):
    factories.PlaceFactory(territory=territory, nom="Premier")
    assert _names() == ["Premier"]
    factories.PlaceFactory(territory=territory, nom="Second", latitude=45.1901, longitude=5.7201)
    assert _names() == ["Second", "Premier"]


def test_edited_hours_and_services_are_seen_at_once(territory, coordinator):
    place = factories.PlaceFactory(territory=territory, nom="Médiathèque")
    assert _names(services=["wifi"]) == []
    update_place(actor=coordinator, place=place, values={"extra_services": ["wifi"]})
    assert _names(services=["wifi"]) == ["Médiathèque"]
    update_place(actor=coordinator, place=place, values={"is_published": False})
    assert _names() == []


def test_merged_duplicate_leaves_the_index(territory):
    factories.PlaceFactory(
        territory=territory, nom="EPN Jean Jaurès", adresse="12 avenue Jean Jaurès"
    )
    factories.PlaceFactory(territory=territory, nom="EPN Jean-Jaurès", adresse="12 av. Jean Jaurès")
    assert len(_names()) == 2
    merge_duplicates(actor=None, territories=[territory])
    assert len(_names()) == 1


def test_index_is_reused_while_nothing_changes(territory):
    factories.PlaceFactory(territory=territory)
    first = current_index()
    assert current_index() is first
    factories.PlaceFactory(territory=territory)
    assert current_index() is not first
    assert current_index().size == 2


def test_deleting_an_older_place_never_breaks_the_next_search(territory):
    """Deleting a place that is neither the newest nor the highest id leaves the index's
    version unchanged: the search notices the missing row, rebuilds and ranks again."""
    older = factories.PlaceFactory(territory=territory, nom="Plus proche")
    factories.PlaceFactory(territory=territory, nom="Plus loin", latitude=45.20, longitude=5.73)
    assert _names() == ["Plus proche", "Plus loin"]
    version = current_index().version
    type(older).objects.filter(pk=older.pk).delete()  # no save(): updated_at does not move
    assert current_index().version == version
    assert _names() == ["Plus loin"]
    assert older.pk not in current_index().ids


@given(
    st.lists(st.integers(min_value=0, max_value=40), max_size=600),
    st.integers(min_value=1, max_value=50),
)
def test_growing_slices_give_the_order_of_a_full_stable_sort(values, first):
    # Few distinct distances, so that many ties fall on the slices' bounds.
    distances = np.asarray(values, dtype=np.float64) * 10.0
    walked = np.concatenate([np.empty(0, dtype=np.int64), *_nearest_first(distances, first)])
    assert walked.tolist() == np.argsort(distances, kind="stable").tolist()


def test_a_search_checks_its_index_with_the_places_it_loads(territory, django_assert_num_queries):
    # The version travels with the places: one query per search while nothing changed.
    factories.PlaceFactory(territory=territory, nom="Premier")
    assert _names() == ["Premier"]
    with django_assert_num_queries(1):
        results = search_places(SearchQuery(latitude=45.19, longitude=5.72))
        assert results[0].place.territory == territory  # no query for the territory either
    factories.PlaceFactory(territory=territory, nom="Second", latitude=45.1901, longitude=5.7201)
    assert _names() == ["Second", "Premier"]


def test_a_territory_change_reaches_the_next_results(territory):
    factories.PlaceFactory(territory=territory)
    first = search_places(SearchQuery(latitude=45.19, longitude=5.72))[0]
    assert first.place.territory.timezone == "Europe/Paris"
    territory.timezone = "America/Cayenne"
    territory.save()
    again = search_places(SearchQuery(latitude=45.19, longitude=5.72))[0]
    assert again.place.territory.timezone == "America/Cayenne"


def test_alphabetical_search_gets_the_territories_too(territory, django_assert_max_num_queries):
    factories.PlaceFactory(territory=territory, nom="B")
    factories.PlaceFactory(territory=territory, nom="A")
    with django_assert_max_num_queries(3):
        results = search_places(SearchQuery())
        assert [r.place.nom for r in results] == ["A", "B"]
        assert {r.place.territory.tz.key for r in results} == {"Europe/Paris"}


def test_places_of_a_search_read_back_like_orm_places(territory):
    # Loaded by a statement compiled once per number of ids, with every field converted.
    place = factories.PlaceFactory(territory=territory, services=["Aide aux démarches"])
    found = search_places(SearchQuery(latitude=45.19, longitude=5.72))[0].place
    stored = type(place).objects.get(pk=place.pk)
    for field in type(place)._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(stored, field.attname), field.name
    assert found.typologie is not stored.typologie  # every place gets its own lists
