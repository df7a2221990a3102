"""``import_ifn``: the real national IFN file, and files with bad rows."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from aiguillage.coverage.actions import store_fragility_scores
from aiguillage.coverage.engine import COMPONENTS, IfnRow
from aiguillage.coverage.models import FragilityIndex, FragilitySource
from aiguillage.shared_data import shared_path

IFN_FILE = shared_path("data/besoins/ifn_communes_2023.csv")
HEADER = "name,division,code,no_thd_coverage_rate,no_4g_coverage_rate,poverty_rate,older_65_rate,nscol15p_rate,total\n"  # noqa: E501


def test_real_file_loads_every_readable_commune(db, capsys):
    call_command("import_ifn", str(IFN_FILE), "--wet-run")
    output = capsys.readouterr().out
    grenoble = FragilityIndex.objects.get(insee_code="38185")
    assert grenoble.name == "Grenoble"
    assert grenoble.source == FragilitySource.IFN_2023
    assert 0 <= grenoble.older_65_rate <= 10
    assert FragilityIndex.objects.count() > 34_000
    assert "lignes rejetées" in output
    assert "communes enregistrées" in output
    # Running it again updates in place.
    call_command("import_ifn", str(IFN_FILE), "--wet-run")
    assert FragilityIndex.objects.filter(insee_code="38185").count() == 1


def test_bad_rows_are_listed_and_left_out(db, tmp_path, capsys):
    path = tmp_path / "ifn.csv"
    path.write_text(
        HEADER
        + "Grenoble,city,38185,1,2,7,4,3,3.4\n"
        + "Nulle part,city,999,1,2,3,4,5,3\n"
        + "Trop,city,38151,12,2,3,4,5,3\n"
        + "Vide,city,38545,,2,3,4,5,3\n"
        + "Grenoble bis,city,38185,1,1,1,1,1,1\n",
        encoding="utf-8",
    )
    call_command("import_ifn", str(path), "--wet-run")
    output = capsys.readouterr().out
    assert "ligne 3 (999) : code INSEE « 999 » invalide" in output
    assert "ligne 4 (38151) : scores hors de l'échelle 0 à 10" in output
    assert "ligne 5 (38545) : scores manquants" in output
    assert "ligne 6 (38185) : commune 38185 en double" in output
    assert "1 communes enregistrées, 4 lignes rejetées." in output
    assert list(FragilityIndex.objects.values_list("insee_code", "poverty_rate")) == [
        ("38185", 7.0)
    ]


def test_without_wet_run_nothing_is_stored(db, tmp_path, capsys):
    path = tmp_path / "ifn.csv"
    path.write_text(HEADER + "Grenoble,city,38185,1,2,7,4,3,3.4\n", encoding="utf-8")
    call_command("import_ifn", str(path))
    assert "simulation" in capsys.readouterr().out
    assert not FragilityIndex.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [("a,b\n1,2\n", "Colonnes absentes du fichier IFN"), (None, "Fichier introuvable")],
)
def test_unreadable_files_stop_with_a_french_message(db, tmp_path, content, message):
    path = tmp_path / "ifn.csv"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        call_command("import_ifn", str(path), "--wet-run")


def test_demo_values_never_replace_real_scores(db):
    real = IfnRow("38185", "Grenoble", dict.fromkeys(COMPONENTS, 5.0), 5.0)
    store_fragility_scores(rows=[real], source=FragilitySource.IFN_2023)
    demo = IfnRow("38185", "Grenoble", dict.fromkeys(COMPONENTS, 1.0), 1.0)
    other = IfnRow("38151", "Échirolles", dict.fromkeys(COMPONENTS, 1.0), 1.0)
    store_fragility_scores(rows=[demo, other], source=FragilitySource.DEMO, replace_real=False)
    assert FragilityIndex.objects.get(insee_code="38185").poverty_rate == 5.0
    assert FragilityIndex.objects.get(insee_code="38151").source == FragilitySource.DEMO
