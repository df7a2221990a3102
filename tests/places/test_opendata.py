"""Open data out (CSV v1.0.2 valid against the real schema, GeoJSON, data·inclusion) and merges."""

from __future__ import annotations

import csv
import io
import json

import frictionless
import pytest
from django.core.management import call_command
from django.urls import reverse

from aiguillage.places.dedup_actions import merge_duplicates, undo_merge
from aiguillage.places.exporting import export_text
from aiguillage.places.models import Place, PlaceMerge
from aiguillage.shared_data import shared_path
from tests import factories

SCHEMA = "standards/lamednum-standard-mediation-num/v1.0.2/schema.json"


@pytest.fixture
def places(territory, organisation):
    return [
        factories.PlaceFactory(
            territory=territory,
            organisation=organisation,
            nom="Médiathèque du centre",
            telephone="+33476000000",
            courriels=["contact@example.org"],
            formations_labels=["Étapes numériques (La Poste)"],
            languages=["ar"],
        ),
        factories.PlaceFactory(
            territory=territory,
            nom="EPN Échirolles",
            adresse="3 avenue du 8 mai",
            latitude=45.1439,
            longitude=5.7192,
            code_insee="38151",
            code_postal="38130",
            commune="Échirolles",
            horaires="",
        ),
        factories.PlaceFactory(territory=territory, nom="Lieu caché", unpublished=True),
    ]


def test_standard_csv_export_validates_against_the_real_schema(places, tmp_path):
    output = tmp_path / "lieux.csv"
    call_command("export_places", "--output", str(output))
    with output.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["nom"] for row in rows] == ["EPN Échirolles", "Médiathèque du centre"]
    # frictionless refuses absolute paths as unsafe: give it a relative one under basepath.
    resource = frictionless.Resource(
        path=output.name,
        basepath=str(tmp_path),
        schema=frictionless.Schema.from_descriptor(
            json.loads(shared_path(SCHEMA).read_text(encoding="utf-8"))
        ),
    )
    report = frictionless.validate(resource)
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_geojson_export_has_one_point_per_published_place(places):
    collection = json.loads(export_text(None, "geojson"))
    assert collection["type"] == "FeatureCollection"
    names = sorted(feature["properties"]["nom"] for feature in collection["features"])
    assert names == ["EPN Échirolles", "Médiathèque du centre"]
    assert collection["features"][0]["geometry"]["type"] == "Point"


def test_data_inclusion_export_lists_structures_and_services(places):
    structures = json.loads(export_text(None, "data-inclusion-v1-structures"))
    services = json.loads(export_text(None, "data-inclusion-v1-services"))
    assert {s["nom"] for s in structures} == {"EPN Échirolles", "Médiathèque du centre"}
    assert services and all(s["structure_id"] in {st["id"] for st in structures} for s in services)


def test_download_page_and_file_are_public(client, places, territory):
    page = client.get(reverse("places:export"))
    assert page.status_code == 200
    assert "Métropole de test" in page.content.decode()
    response = client.get(
        reverse("places:export_download", args=[territory.slug, "lieux-mediation-numerique-v1"])
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "lieux-mediation-numerique" in response["Content-Disposition"]
    text = response.content.decode()
    assert len(list(csv.DictReader(io.StringIO(text)))) == 2


def test_download_of_unknown_format_is_404(client, territory):
    response = client.get(reverse("places:export_download", args=[territory.slug, "xlsx"]))
    assert response.status_code == 404


def _jean_jaures_pair_and_mistral(territory) -> tuple[Place, Place, Place]:
    """Two records of one place (the first more complete) and a different place nearby."""
    kept = factories.PlaceFactory(
        territory=territory,
        nom="Espace numérique Jean Jaurès",
        adresse="12 avenue Jean Jaurès",
        telephone="+33476000001",
    )
    duplicate = factories.PlaceFactory(
        territory=territory,
        nom="Espace Numérique Jean-Jaurès",
        adresse="12 av. Jean Jaurès",
        latitude=45.18855,
        longitude=5.72455,
    )
    mistral = factories.PlaceFactory(
        territory=territory,
        nom="Centre social Mistral",
        adresse="8 rue Anatole France",
        latitude=45.1700,
        longitude=5.7000,
    )
    return kept, duplicate, mistral


def test_duplicates_are_merged_keeping_both_and_can_be_undone(territory, coordinator):
    kept, duplicate, _ = _jean_jaures_pair_and_mistral(territory)
    assert merge_duplicates(actor=None, territories=[territory]) == 1
    duplicate.refresh_from_db()
    assert duplicate.merged_into == kept  # the more complete record is kept
    assert Place.objects.published().count() == 2
    merge = PlaceMerge.objects.get()
    assert merge.reasons
    undo_merge(actor=coordinator, merge=merge)
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None
    # An undone merge is not redone by the next pass.
    assert merge_duplicates(actor=None, territories=[territory]) == 0


def test_merge_review_page_is_for_coordinators(client, territory, coordinator, owner):
    kept = factories.PlaceFactory(territory=territory, nom="EPN Jean Jaurès")
    duplicate = factories.PlaceFactory(
        territory=territory, nom="EPN Jean Jaurès", latitude=45.18851
    )
    merge = PlaceMerge.objects.create(
        kept=kept, duplicate=duplicate, score=95, reasons=["noms identiques"]
    )
    client.force_login(owner)
    assert client.get(reverse("places:merges")).status_code == 403
    assert client.post(reverse("places:merge_undo", args=[merge.pk])).status_code == 404
    client.force_login(coordinator)
    page = client.get(reverse("places:merges"))
    assert page.status_code == 200
    assert "noms identiques" in page.content.decode()
    response = client.post(reverse("places:merge_undo", args=[merge.pk]))
    assert response.status_code == 302
    merge.refresh_from_db()
    assert merge.undone_at is not None


def test_merging_is_done_group_by_group_and_a_second_pass_doubles_nothing(
    territory, django_assert_max_num_queries
):
    kept, _, other = _jean_jaures_pair_and_mistral(territory)
    factories.PlaceFactory(
        territory=territory,
        nom="Centre Social Mistral",
        adresse="8 r. Anatole France",
        latitude=45.17003,
        longitude=5.70002,
    )
    with django_assert_max_num_queries(40):
        assert merge_duplicates(actor=None, territories=[territory]) == 2
    assert set(PlaceMerge.objects.values_list("kept", flat=True)) == {kept.pk, other.pk}
    # A pass interrupted after some groups, or run twice, finishes without doubling anything.
    assert merge_duplicates(actor=None, territories=[territory]) == 0
    assert PlaceMerge.objects.count() == 2
