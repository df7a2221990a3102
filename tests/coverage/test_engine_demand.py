"""Demand estimate: rate formula, parameters, IFN file reading, national calibration."""

from __future__ import annotations

import json
import math

import pytest

from aiguillage.coverage.engine.demand import (
    COMPONENTS,
    DEFAULT_REFERENCE_SCORES,
    DemandParameters,
    IfnRow,
    difficulty_rate,
    estimate_demand,
    explain_formula,
    read_ifn_csv,
)
from aiguillage.shared_data import shared_path

IFN_FILE = shared_path("data/besoins/ifn_communes_2023.csv")
AVERAGE = dict(DEFAULT_REFERENCE_SCORES)


def scores(**changes: float) -> dict[str, float]:
    return {**AVERAGE, **changes}


@pytest.mark.parametrize(
    ("components", "expected"),
    [
        (None, 0.154),  # not in the IFN: national rate
        (scores(), 0.154),  # an average commune
        (scores(older_65_rate=AVERAGE["older_65_rate"] + 5), 0.154 * (1 + 0.6 * 0.5)),
        (scores(nscol15p_rate=AVERAGE["nscol15p_rate"] - 2), 0.154 * (1 - 0.5 * 0.2)),
        (scores(poverty_rate=10.0), 0.154 * (1 + 0.3 * (10 - AVERAGE["poverty_rate"]) / 10)),
        (
            scores(no_thd_coverage_rate=0.0),
            0.154 * (1 - 0.1 * AVERAGE["no_thd_coverage_rate"] / 10),
        ),
        ({"older_65_rate": AVERAGE["older_65_rate"] + 1}, 0.154 * 1.06),  # others missing: average
        (scores(no_4g_coverage_rate=math.nan), 0.154),  # unreadable component: average
    ],
)
def test_difficulty_rate_follows_the_documented_formula(components, expected):
    assert difficulty_rate(components, DemandParameters()) == pytest.approx(expected)


def test_difficulty_rate_stays_within_the_bounds():
    params = DemandParameters(weights=dict.fromkeys(COMPONENTS, 3.0))
    assert difficulty_rate(dict.fromkeys(COMPONENTS, 10.0), params) == 0.62
    assert difficulty_rate(dict.fromkeys(COMPONENTS, 0.0), params) == 0.02


def test_difficulty_rate_accepts_an_ifn_row():
    row = IfnRow("38185", "Grenoble", scores(older_65_rate=AVERAGE["older_65_rate"] + 10), 5.0)
    assert difficulty_rate(row, DemandParameters()) == pytest.approx(0.154 * 1.6)


@pytest.mark.parametrize(
    "changes",
    [
        {"national_rate": 1.5},
        {"share_aged_15_plus": -0.1},
        {"min_rate": 0.5, "max_rate": 0.4},
        {"weights": {"older_65_rate": 1.0}},
        {"reference_scores": {**DEFAULT_REFERENCE_SCORES, "unknown": 3.0}},
        {"weights": {**dict.fromkeys(COMPONENTS, 0.1), "poverty_rate": math.inf}},
    ],
)
def test_parameters_refuse_impossible_values(changes):
    with pytest.raises(ValueError):
        DemandParameters(**changes)


def test_parameters_survive_a_json_round_trip():
    params = DemandParameters(national_rate=0.17, weights={**dict.fromkeys(COMPONENTS, 0.2)})
    restored = DemandParameters.from_dict(json.loads(json.dumps(params.to_dict())))
    assert restored == params
    assert DemandParameters.from_dict({}) == DemandParameters()


def test_estimate_demand_multiplies_population_adult_share_and_rate():
    result = estimate_demand(
        [("38185", 1000, scores()), ("99999", 500, None)], DemandParameters(share_aged_15_plus=0.8)
    )
    assert result["38185"].people_in_difficulty == pytest.approx(1000 * 0.8 * 0.154)
    assert result["38185"].from_ifn is True
    assert result["99999"].people_in_difficulty == pytest.approx(500 * 0.8 * 0.154)
    assert result["99999"].from_ifn is False


def test_read_ifn_csv_keeps_good_rows_and_reports_bad_ones(tmp_path):
    path = tmp_path / "ifn.csv"
    path.write_text(
        "name,division,code,no_thd_coverage_rate,no_4g_coverage_rate,poverty_rate,"
        "older_65_rate,nscol15p_rate,total\n"
        "Bonne,city,38001,1,2,3,4,5,3\n"
        "Code court,city,3800,1,2,3,4,5,3\n"
        "Vide,city,38002,,,,,,\n"
        "Hors échelle,city,38003,1,2,3,11,5,4\n"
        "Texte,city,38004,1,deux,3,4,5,3\n"
        "Doublon,city,38001,9,9,9,9,9,9\n",
        encoding="utf-8",
    )
    table = read_ifn_csv(path)
    assert list(table) == ["38001"]
    assert table["38001"].scores["poverty_rate"] == 3.0
    assert table["38001"].name == "Bonne"
    assert [(problem.line, problem.code) for problem in table.problems] == [
        (3, "3800"),
        (4, "38002"),
        (5, "38003"),
        (6, "38004"),
        (7, "38001"),
    ]
    assert "manquants" in table.problems[1].message
    assert "double" in table.problems[4].message


def test_read_ifn_csv_refuses_a_file_without_the_columns(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("code,total\n38001,3\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no_thd_coverage_rate"):
        read_ifn_csv(path)


@pytest.fixture(scope="module")
def real_ifn():
    return read_ifn_csv(IFN_FILE)


def test_real_ifn_file_reads_with_two_empty_communes(real_ifn):
    assert len(real_ifn) == 35_006
    assert sorted(problem.code for problem in real_ifn.problems) == ["13055", "27058"]
    grenoble = real_ifn["38185"]
    assert grenoble.scores["no_thd_coverage_rate"] == 2.0
    assert grenoble.scores["older_65_rate"] == pytest.approx(3.1997842844906894)


def test_default_parameters_give_the_national_rate_on_average_over_france(real_ifn):
    # Populations of the official geography; Paris, Lyon, Marseille by arrondissement,
    # as the IFN lists them. This is what the reference scores were computed from.
    communes = json.loads(
        shared_path("data/geo/decoupage-administratif-6.0.0/communes.json").read_text("utf-8")
    )
    rows = [
        (commune["code"], commune.get("population") or 0, real_ifn.get(commune["code"]))
        for commune in communes
        if commune["type"] in ("commune-actuelle", "arrondissement-municipal")
        and commune["code"] not in ("75056", "69123", "13055")
    ]
    demand = estimate_demand(rows, DemandParameters())
    in_ifn = [item for item in demand.values() if item.from_ifn]
    mean_rate = sum(item.population * item.rate for item in in_ifn) / sum(
        item.population for item in in_ifn
    )
    assert mean_rate == pytest.approx(0.154, abs=0.001)
    assert len(in_ifn) > 34_800


def test_formula_is_explained_in_french_with_the_territory_values():
    lines = explain_formula(DemandParameters(national_rate=0.2))
    text = "\n".join(lines)
    assert "20,0 %" in text
    assert "part des 65 ans et plus" in text
    assert "4,92" in text
    # 20 % × 0.6 / 10 = 1.2 percentage point per IFN point for the 65+ component.
    assert "1,20 point" in text
    assert len(lines) == 3 + len(COMPONENTS) + 1
