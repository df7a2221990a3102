"""The in-memory search index follows every change of the places."""

from __future__ import annotations

from aiguillage.places.actions import update_place
from aiguillage.places.dedup_actions import merge_duplicates
from aiguillage.places.search import SearchQuery, search_places
from aiguillage.places.search_index import current_index
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
