"""The import's raw INSERT/COPY writer stores exactly what Django's ORM would store."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aiguillage.places.bulk_sql import TupleInserter, _json
from aiguillage.places.models import PlaceChange, PlaceChangeKind
from tests import factories

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=8,
)


@given(st.lists(st.text()) | json_values)
def test_json_text_is_the_text_django_would_write(value):
    assert _json(value) == (None if value is None else json.dumps(value))


@pytest.mark.django_db
def test_inserted_rows_read_back_like_orm_rows(territory):
    place = factories.PlaceFactory(territory=territory)
    inserter = TupleInserter(PlaceChange, returning_id=False)
    changes = {"nom": ["Ancien nom « é »", "Nouveau\nnom"], "services": [["a"], []]}
    inserter.insert(
        [
            {
                "place_id": place.pk,
                "actor_id": None,
                "kind": PlaceChangeKind.IMPORTED,
                "changes": changes,
                "note": "fichier’s.csv",
                "at": place.created_at,
            }
        ]
    )
    stored = PlaceChange.objects.filter(place=place, kind=PlaceChangeKind.IMPORTED).get()
    assert stored.changes == changes
    assert stored.note == "fichier’s.csv"
    assert stored.at == place.created_at


def test_list_field_reads_lists_of_strings_once_and_anything_else_as_json():
    from aiguillage.places.models import Place

    field = Place._meta.get_field("services")
    first = field.from_db_value('["Gratuit"]', None, None)
    second = field.from_db_value('["Gratuit"]', None, None)
    assert first == second == ["Gratuit"] and first is not second
    assert field.from_db_value('[1, {"a": [2]}]', None, None) == [1, {"a": [2]}]
    assert field.from_db_value("[]", None, None) == []
    assert field.from_db_value(None, None, None) is None
