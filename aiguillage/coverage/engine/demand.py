"""Demand: how many people of a commune are likely to be in difficulty with digital tools.

The formula (also in docs/coverage.md, and shown to coordinators by ``explain_formula``)::

    rate   = national_rate × (1 + Σ_k weight_k × (score_k − reference_k) / 10)
             then kept between min_rate and max_rate
    people = population × share_aged_15_plus × rate

- ``national_rate`` — 15.4 %: illectronism among people aged 15 and over in 2021
  (INSEE, enquête TIC ménages, Insee Première n° 1953, June 2023).
- ``score_k`` — the five components of the commune's indice de fragilité numérique
  (IFN 2023, ANCT / La MedNum), each from 0 to 10, higher = more fragile: no very
  high-speed broadband, no 4G, poverty, people aged 65+, people with no or a low
  diploma. ``reference_k`` is the French average of that component, weighted by
  population, so an average commune gets exactly the national rate.
- ``weight_k`` — by how much of the national rate the commune's rate moves when the
  component goes from 0 to 10. The order follows INSEE's gradients: age is the
  strongest (62 % of people aged 75+ vs 2 % of those aged 15–24), then diploma
  (42 % with at most a certificat d'études vs 3 % with bac+3, relative risk × 7),
  then income (about 20 % in the 40 % least well-off households vs 3 % in the richest
  20 %); coverage (THD, 4G) hinders use but does not make people unable to use
  digital tools. The weights are a judgement calibrated on those gradients, not
  estimated by a regression: each territory can edit them, and observed demand
  (screenings, referrals) should be shown beside the estimate.
- ``min_rate``/``max_rate`` — 2 % and 62 %, the lowest and highest INSEE rates by
  age group, so no commune gets an implausible rate.
- ``share_aged_15_plus`` — INSEE's rate is measured on people aged 15 and over:
  about 83 % of the population (INSEE population estimates, 2024: about 17 % are
  under 15).

A commune missing from the IFN file (e.g. Paris, Lyon and Marseille, which the file
lists by arrondissement) gets the national rate.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

# IFN 2023 components: column of the file → how coordinators read it.
COMPONENTS: dict[str, str] = {
    "no_thd_coverage_rate": "non-couverture en très haut débit",
    "no_4g_coverage_rate": "non-couverture en 4G",
    "poverty_rate": "taux de pauvreté",
    "older_65_rate": "part des 65 ans et plus",
    "nscol15p_rate": "part des personnes pas ou peu diplômées",
}
IFN_COLUMNS = ("name", "division", "code", *COMPONENTS, "total")

NATIONAL_RATE = 0.154
SHARE_AGED_15_PLUS = 0.83
DEFAULT_WEIGHTS: dict[str, float] = {
    "no_thd_coverage_rate": 0.1,
    "no_4g_coverage_rate": 0.1,
    "poverty_rate": 0.3,
    "older_65_rate": 0.6,
    "nscol15p_rate": 0.5,
}
# Mean of each component over the communes of France weighted by their population
# (IFN 2023 × populations of @etalab/decoupage-administratif 6.0.0, Paris, Lyon and
# Marseille by arrondissement; 106 small communes absent from the IFN left out).
DEFAULT_REFERENCE_SCORES: dict[str, float] = {
    "no_thd_coverage_rate": 4.81,
    "no_4g_coverage_rate": 5.89,
    "poverty_rate": 5.65,
    "older_65_rate": 4.92,
    "nscol15p_rate": 4.69,
}
MIN_RATE = 0.02
MAX_RATE = 0.62


@dataclass(frozen=True)
class DemandParameters:
    """Parameters of the demand estimate, editable per territory (see module docstring)."""

    national_rate: float = NATIONAL_RATE
    share_aged_15_plus: float = SHARE_AGED_15_PLUS
    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    reference_scores: Mapping[str, float] = field(
        default_factory=lambda: dict(DEFAULT_REFERENCE_SCORES)
    )
    min_rate: float = MIN_RATE
    max_rate: float = MAX_RATE

    def __post_init__(self) -> None:
        for name in ("national_rate", "share_aged_15_plus", "min_rate", "max_rate"):
            value = getattr(self, name)
            if not 0 <= value <= 1:
                raise ValueError(f"« {name} » doit être une proportion entre 0 et 1 ({value}).")
        if self.min_rate > self.max_rate:
            raise ValueError("Le taux minimal dépasse le taux maximal.")
        for mapping_name in ("weights", "reference_scores"):
            mapping = getattr(self, mapping_name)
            unknown = set(mapping) - set(COMPONENTS)
            missing = set(COMPONENTS) - set(mapping)
            if unknown or missing:
                raise ValueError(
                    f"« {mapping_name} » doit donner une valeur pour chaque composante de l'IFN "
                    f"(inconnues : {sorted(unknown)}, manquantes : {sorted(missing)})."
                )
            if any(not math.isfinite(value) for value in mapping.values()):
                raise ValueError(f"« {mapping_name} » contient une valeur non numérique.")

    def to_dict(self) -> dict[str, object]:
        """Plain JSON-ready values, to store with an analysis."""
        return {
            item.name: dict(getattr(self, item.name))
            if isinstance(getattr(self, item.name), Mapping)
            else getattr(self, item.name)
            for item in fields(self)
        }

    @classmethod
    def from_dict(cls, values: Mapping[str, object]) -> DemandParameters:
        """Inverse of ``to_dict``; missing keys take their default."""
        known = {item.name for item in fields(cls)}
        return replace(cls(), **{key: value for key, value in values.items() if key in known})


@dataclass(frozen=True)
class IfnRow:
    """One commune of the IFN 2023 file: five component scores and their mean (0–10)."""

    insee: str
    name: str
    scores: Mapping[str, float]
    total: float


@dataclass(frozen=True)
class IfnProblem:
    line: int
    code: str
    message: str  # in French, for the person who loads the file


class IfnTable(dict[str, IfnRow]):
    """The readable rows by INSEE code, plus the rows that were set aside and why."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[IfnProblem] = []


def read_ifn_csv(path: Path | str) -> IfnTable:
    """Read the IFN communes file; bad rows are left out and listed in ``.problems``.

    A row is bad when its INSEE code is not five characters, a score is empty, not a
    number or outside 0–10, or its code was already seen (the first row is kept).
    A file without the expected columns raises ``ValueError``.
    """
    table = IfnTable()
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [column for column in IFN_COLUMNS if column not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"Colonnes absentes du fichier IFN : {', '.join(missing)}.")
        for line, raw in enumerate(reader, start=2):
            code = (raw["code"] or "").strip()
            problem = _row_problem(code, raw, table)
            if problem:
                table.problems.append(IfnProblem(line, code, problem))
                continue
            table[code] = IfnRow(
                insee=code,
                name=raw["name"],
                scores={column: float(raw[column]) for column in COMPONENTS},
                total=float(raw["total"]) if _score(raw["total"]) is not None else math.nan,
            )
    return table


def _score(text: str | None) -> float | None:
    try:
        value = float(text or "")
    except ValueError:
        return None
    return value if 0 <= value <= 10 else None


def _row_problem(code: str, raw: Mapping[str, str], seen: Mapping[str, IfnRow]) -> str | None:
    if len(code) != 5:
        return f"code INSEE « {code} » invalide (5 caractères attendus)"
    if code in seen:
        return f"commune {code} en double : la première ligne est gardée"
    empty = [column for column in COMPONENTS if not (raw[column] or "").strip()]
    if empty:
        return f"scores manquants ({', '.join(empty)})"
    wrong = [column for column in COMPONENTS if _score(raw[column]) is None]
    if wrong:
        return f"scores hors de l'échelle 0 à 10 ou non numériques ({', '.join(wrong)})"
    return None


def difficulty_rate(
    ifn_components: IfnRow | Mapping[str, float] | None, params: DemandParameters
) -> float:
    """Share of the population aged 15+ likely in digital difficulty (see module docstring).

    ``ifn_components`` maps IFN component names to scores (or is an ``IfnRow``);
    ``None`` gives the national rate. A missing or non-numeric component counts as
    average (it moves the rate neither up nor down).
    """
    if ifn_components is None:
        return min(max(params.national_rate, params.min_rate), params.max_rate)
    scores = ifn_components.scores if isinstance(ifn_components, IfnRow) else ifn_components
    shift = 0.0
    for component, weight in params.weights.items():
        score = scores.get(component)
        if score is None or not math.isfinite(score):
            continue
        shift += weight * (score - params.reference_scores[component]) / 10
    rate = params.national_rate * (1 + shift)
    return min(max(rate, params.min_rate), params.max_rate)


@dataclass(frozen=True)
class CommuneDemand:
    insee: str
    population: float
    rate: float  # share of the people aged 15+ in difficulty
    people_in_difficulty: float
    from_ifn: bool  # False: national rate, the commune is not in the IFN file
    calibration_factor: float = 1.0  # 1.0: the modelled estimate, not calibrated

    @property
    def raw_people_in_difficulty(self) -> float:
        """The modelled estimate before any calibration."""
        return self.people_in_difficulty / self.calibration_factor


def estimate_demand(
    communes: Iterable[tuple[str, float, IfnRow | Mapping[str, float] | None]],
    params: DemandParameters,
) -> dict[str, CommuneDemand]:
    """People likely in digital difficulty per commune, from (insee, population, IFN row)."""
    result: dict[str, CommuneDemand] = {}
    for insee, population, ifn in communes:
        rate = difficulty_rate(ifn, params)
        result[insee] = CommuneDemand(
            insee=insee,
            population=float(population),
            rate=rate,
            people_in_difficulty=float(population) * params.share_aged_15_plus * rate,
            from_ifn=ifn is not None,
        )
    return result


@dataclass(frozen=True)
class DemandCalibration:
    """A known local figure the estimate is scaled to: ``known_people`` in difficulty in the
    communes of ``communes`` (INSEE codes; empty = the whole territory)."""

    known_people: float
    communes: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if not math.isfinite(self.known_people) or self.known_people <= 0:
            raise ValueError("Le chiffre connu doit être un nombre de personnes positif.")

    def covers(self, insee: str) -> bool:
        return not self.communes or insee in self.communes

    def to_dict(self) -> dict[str, object]:
        return {"known_people": self.known_people, "communes": sorted(self.communes)}

    @classmethod
    def from_dict(cls, values: Mapping[str, object]) -> DemandCalibration:
        communes = values.get("communes") or []
        return cls(float(values["known_people"]), frozenset(str(c) for c in communes))


def calibration_factor(
    demand: Mapping[str, CommuneDemand], calibration: DemandCalibration
) -> float:
    """known figure ÷ modelled people in difficulty within the calibration's scope.

    Raises ``ValueError`` (French) when the scope holds no commune of the territory or the
    model gives nobody there (nothing to scale)."""
    modelled = sum(
        commune.raw_people_in_difficulty
        for insee, commune in demand.items()
        if calibration.covers(insee)
    )
    if not any(calibration.covers(insee) for insee in demand):
        raise ValueError("Le périmètre du chiffre connu ne contient aucune commune du territoire.")
    if modelled <= 0:
        raise ValueError("L'estimation ne donne personne dans ce périmètre : rien à caler.")
    return calibration.known_people / modelled


def calibrate_demand(
    demand: Mapping[str, CommuneDemand], calibration: DemandCalibration | None
) -> dict[str, CommuneDemand]:
    """The estimate scaled so that its total within the scope equals the known figure.

    One ratio (known ÷ modelled, within the scope) multiplies every commune of the scope,
    so the shape of the need (each commune's and each cell's share of the scope) is kept;
    communes outside the scope keep the modelled figure. ``None`` returns the raw estimate.
    """
    raw = {
        insee: replace(
            commune, people_in_difficulty=commune.raw_people_in_difficulty, calibration_factor=1.0
        )
        for insee, commune in demand.items()
    }
    if calibration is None:
        return raw
    factor = calibration_factor(raw, calibration)
    return {
        insee: replace(
            commune,
            people_in_difficulty=commune.people_in_difficulty * factor,
            calibration_factor=factor,
        )
        if calibration.covers(insee)
        else commune
        for insee, commune in raw.items()
    }


def explain_calibration(
    calibration: DemandCalibration, factor: float, modelled: float
) -> list[str]:
    """The calibration method in plain French, with its figures."""
    return [
        f"L'estimation donne {_french_int(modelled)} personnes en difficulté dans ce périmètre ; "
        f"le chiffre connu est {_french_int(calibration.known_people)}.",
        f"Chaque commune du périmètre est multipliée par le même rapport, "
        f"{_french_int(calibration.known_people)} ÷ {_french_int(modelled)} = "
        f"{_french_number(factor, 3)}.",
        "Le total du périmètre devient donc le chiffre connu, et la carte garde sa forme : "
        "chaque commune et chaque carreau gardent leur part des besoins du périmètre.",
        "Les communes hors du périmètre gardent l'estimation de la formule.",
    ]


def _french_int(value: float) -> str:
    return f"{round(value):,}".replace(",", "\u202f")


def explain_formula(params: DemandParameters) -> list[str]:
    """The formula in plain French with the territory's values, one sentence per line."""
    lines = [
        "Personnes en difficulté = population × part des 15 ans et plus × taux estimé.",
        f"Part des 15 ans et plus : {_percent(params.share_aged_15_plus)} (Insee).",
        f"Le taux part du taux national d'illectronisme, {_percent(params.national_rate)} "
        "des 15 ans et plus en 2021 (Insee), et s'ajuste selon l'indice de fragilité "
        "numérique (IFN 2023) de la commune :",
    ]
    for component, label in COMPONENTS.items():
        reference = _french_number(params.reference_scores[component], 2)
        points = params.national_rate * params.weights[component] / 10 * 100
        lines.append(
            f"– {label} : chaque point au-dessus de {reference} sur 10 (moyenne française) "
            f"ajoute {_french_number(points, 2)} point de pourcentage au taux, chaque point "
            "en dessous en retire autant ;"
        )
    lines.append(
        f"Le taux reste entre {_percent(params.min_rate)} et {_percent(params.max_rate)}. "
        "Une commune absente de l'IFN reçoit le taux national."
    )
    return lines


def _french_number(value: float, digits: int) -> str:
    return f"{value:.{digits}f}".replace(".", ",")


def _percent(share: float) -> str:
    return f"{_french_number(share * 100, 1)} %"
