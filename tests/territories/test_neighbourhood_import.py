"""Importing priority neighbourhoods: the official files (2015 and 2024), a territory's
« quartiers de veille », and each kind of bad input (French message, the rest imported)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from shapely.geometry import shape

from aiguillage.journal.models import JournalEntry
from aiguillage.territories import actions
from aiguillage.territories.actions import NeighbourhoodImportError, import_priority_neighbourhoods
from aiguillage.territories.models import PriorityNeighbourhood
from tests import factories

FIXTURES = Path(__file__).parent / "fixtures"
QPV_2024 = FIXTURES / "qpv_2024_sample.geojson"
QPV_2015 = FIXTURES / "qpv_2015_sample.geojson"
VEILLE = FIXTURES / "veille_grenoble_sample.geojson"
SQUARE = [[5.72, 45.17], [5.73, 45.17], [5.73, 45.18], [5.72, 45.18], [5.72, 45.17]]


def _file(*features: dict) -> str:
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


def _feature(code="QN03899M", name="Quartier test", insee="38185", coordinates=None, **extra):
    properties = {"code_qp": code, "lib_qp": name, "insee_com": insee, **extra}
    geometry = {"type": "Polygon", "coordinates": [coordinates or SQUARE]}
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def _import(text, **kwargs):
    return import_priority_neighbourhoods(text=text, actor=None, **kwargs)


@pytest.fixture
def chambery(db):
    territory = factories.TerritoryFactory(
        name="Grand Chambéry", slug="chambery", siren="200069110"
    )
    factories.CommuneFactory(insee_code="73065", name="Chambéry", territory=territory)
    return territory


def test_the_2024_file_imports_the_qpvs_of_the_loaded_communes(territory):
    report = _import(QPV_2024.read_text(encoding="utf-8"), source="QPV 2024")
    assert (report.created, report.updated, report.refused) == (4, 0, 0)
    # Chambéry's two QPVs belong to communes not loaded here.
    assert report.skipped_outside == 2
    villeneuve = PriorityNeighbourhood.objects.get(code="QN03801M")
    assert villeneuve.name == "Villeneuve – Village Olympique"
    assert villeneuve.list_year == 2024 and villeneuve.kind == "qpv"
    assert villeneuve.territory is None and villeneuve.source == "QPV 2024"
    assert villeneuve.population == 7000
    # A QPV spanning two communes keeps both.
    assert sorted(villeneuve.communes.values_list("insee_code", flat=True)) == ["38151", "38185"]
    west, south, east, north = shape(villeneuve.geometry).bounds
    box = (villeneuve.min_latitude, villeneuve.max_latitude)
    assert box == (south, north)
    assert (villeneuve.min_longitude, villeneuve.max_longitude) == (west, east)
    assert PriorityNeighbourhood.objects.get(code="QN03803M").geometry["type"] == "MultiPolygon"
    entry = JournalEntry.objects.get(event="priority_neighbourhoods_imported")
    assert entry.data["created"] == 4


def test_importing_the_same_file_again_updates_the_rows(territory):
    _import(QPV_2024.read_text(encoding="utf-8"))
    report = _import(QPV_2024.read_text(encoding="utf-8"))
    assert (report.created, report.updated) == (0, 4)
    assert PriorityNeighbourhood.objects.count() == 4


def test_chambery_qpvs_are_imported_once_its_communes_are_loaded(territory, chambery):
    _import(QPV_2024.read_text(encoding="utf-8"))
    assert set(
        PriorityNeighbourhood.objects.for_territory(chambery).values_list("code", flat=True)
    ) == {
        "QN07301M",
        "QN07302M",
    }


def test_the_2015_file_maps_its_upper_case_properties_and_commune_names(territory, chambery):
    report = _import(QPV_2015.read_bytes())
    assert (report.created, report.refused) == (3, 0)
    mistral = PriorityNeighbourhood.objects.get(code="QP038001")
    assert mistral.list_year == 2015
    assert mistral.name == "Mistral - Lys Rouge - Camine"
    # The 2015 file names the commune; there is no population in it.
    assert list(mistral.communes.values_list("insee_code", flat=True)) == ["38185"]
    assert mistral.population is None
    biollay = PriorityNeighbourhood.objects.get(code="QP073002")
    assert list(biollay.communes.values_list("insee_code", flat=True)) == ["73065"]


def test_a_territory_lists_its_quartiers_de_veille(territory):
    report = _import(VEILLE.read_text(encoding="utf-8"), kind="veille", territory=territory)
    assert report.created == 2
    berriat = PriorityNeighbourhood.objects.get(code="VA-01")
    assert berriat.kind == "veille" and berriat.territory == territory
    assert berriat.list_year == 2024  # a territory's list defaults to the current generation


def test_quartiers_de_veille_need_a_territory(territory):
    with pytest.raises(NeighbourhoodImportError, match="territoire"):
        _import(VEILLE.read_text(encoding="utf-8"), kind="veille")


def test_a_quartier_de_veille_outside_the_territory_is_refused(territory, chambery):
    text = _file(_feature(code="VA-09", insee="73065"))
    report = _import(text, kind="veille", territory=territory)
    assert report.created == 0
    assert report.problems == [
        "Élément n° 1 (VA-09 Quartier test) : commune « 73065 » inconnue dans ce territoire, "
        "ignoré."
    ]


def test_the_command_is_a_dry_run_unless_wet_run(territory, capsys):
    call_command("import_priority_neighbourhoods", str(QPV_2024))
    assert PriorityNeighbourhood.objects.count() == 0
    assert "simulation" in capsys.readouterr().out
    call_command("import_priority_neighbourhoods", str(QPV_2024), "--wet-run")
    assert PriorityNeighbourhood.objects.count() == 4
    assert "4 créés" in capsys.readouterr().out


def test_the_command_imports_a_territorys_veille_list(territory):
    call_command(
        "import_priority_neighbourhoods",
        str(VEILLE),
        "--territory",
        "test",
        "--kind",
        "veille",
        "--wet-run",
    )
    assert set(PriorityNeighbourhood.objects.values_list("kind", flat=True)) == {"veille"}


# --- Bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, message",
    [
        ("{ pas du json", "pas du GeoJSON lisible"),
        ('{"type": "Feature"}', "FeatureCollection"),
        ('{"type": "FeatureCollection"}', "liste « features »"),
    ],
)
def test_an_unreadable_file_is_refused_whole(territory, text, message):
    with pytest.raises(NeighbourhoodImportError, match=message):
        _import(text)


BAD_FEATURES = [
    (_feature(code=""), "Élément n° 1 : pas de code de quartier (« code_qp »), ignoré."),
    (
        _feature(code="QPV-1"),
        "Élément n° 1 (QPV-1 Quartier test) : code « QPV-1 » qui n'est pas un code QPV officiel "
        "(« QP038001 » en 2015, « QN03801M » en 2024), ignoré.",
    ),
    (
        _feature(coordinates=[[5.72, 45.17], [5.73, 45.17], [5.72, 45.17]]),
        "Élément n° 1 (QN03899M Quartier test) : contour illisible (un anneau doit avoir au moins "
        "4 points, le dernier égal au premier), ignoré.",
    ),
    (
        _feature(insee="38999, 38185"),
        "Élément n° 1 (QN03899M Quartier test) : commune « 38999 » inconnue ici (les autres le "
        "sont), ignoré.",
    ),
    (
        _feature(insee="Grenoble"),
        "Élément n° 1 (QN03899M Quartier test) : code commune « Grenoble » mal formé (code INSEE "
        "attendu), ignoré.",
    ),
    (
        {**_feature(), "geometry": {"type": "Point", "coordinates": [5.72, 45.17]}},
        "Élément n° 1 (QN03899M Quartier test) : contour absent ou d'un type non accepté (Point) : "
        "Polygon ou MultiPolygon attendu, ignoré.",
    ),
    (
        _feature(coordinates=[[900_000, 6_450_000], [901_000, 6_450_000], [901_000, 6_451_000],
                              [900_000, 6_450_000]]),
        "Élément n° 1 (QN03899M Quartier test) : coordonnées hors longitude/latitude (le fichier "
        "est-il en Lambert-93 ? WGS84 attendu), ignoré.",
    ),
    (
        _feature(name=""),
        "Élément n° 1 (QN03899M) : pas de nom de quartier (« lib_qp » ou « nom_qp »), ignoré.",
    ),
]  # fmt: skip


@pytest.mark.parametrize("feature, message", BAD_FEATURES)
def test_a_bad_feature_is_refused_with_a_french_message_and_the_rest_imported(
    territory, feature, message
):
    good = _feature(code="QN03898M", name="Bon quartier")
    report = _import(_file(feature, good))
    assert report.problems == [message]
    assert list(PriorityNeighbourhood.objects.values_list("code", flat=True)) == ["QN03898M"]


def test_a_duplicate_code_keeps_the_first_feature(territory):
    report = _import(_file(_feature(name="Premier"), _feature(name="Second")))
    assert report.problems == [
        "Élément n° 2 (QN03899M Second) : code déjà présent à l'élément n° 1 du fichier, ignoré."
    ]
    assert PriorityNeighbourhood.objects.get().name == "Premier"


def test_a_self_intersecting_outline_is_repaired_and_reported(territory):
    bowtie = [[5.72, 45.17], [5.73, 45.18], [5.73, 45.17], [5.72, 45.18], [5.72, 45.17]]
    report = _import(_file(_feature(coordinates=bowtie)))
    assert report.created == 1
    assert report.warnings == [
        "Élément n° 1 (QN03899M Quartier test) : contour invalide (le contour se recoupe vers "
        "5.725 45.175) réparé automatiquement : vérifiez-le."
    ]
    repaired = shape(PriorityNeighbourhood.objects.get().geometry)
    assert repaired.is_valid and repaired.geom_type == "MultiPolygon"


def test_unknown_properties_are_reported_once_in_french(territory):
    report = _import(_file(_feature(couleur="rouge"), _feature(code="QN03898M", couleur="bleu")))
    assert report.created == 2
    assert report.warnings == ["Propriétés inconnues, ignorées : « couleur »."]


def test_a_failure_while_writing_leaves_nothing_half_written(territory, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("journal indisponible")

    monkeypatch.setattr(actions, "log_event", broken)
    with pytest.raises(RuntimeError):
        _import(QPV_2024.read_text(encoding="utf-8"))
    assert PriorityNeighbourhood.objects.count() == 0
