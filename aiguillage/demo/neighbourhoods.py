"""Demo priority neighbourhoods of Grenoble-Alpes Métropole and Grand Chambéry.

The issue's figures: Grenoble-Alpes Métropole has 10 QPVs and 10 « quartiers en veille
active », about 40,000 inhabitants in them. The QPV names below are those of the
agglomeration's neighbourhoods as we know them (from memory, not checked against the official
list); the « veille » list is illustrative. Codes end in « D… » (démonstration) so they never
match an official code. Outlines are approximate demo shapes drawn around each
neighbourhood's location (« contours approximatifs de démonstration »); populations are
rounded demo values adding up to 40,000 for Grenoble-Alpes Métropole (34,000 in QPV).
The file goes through the same import action as an official file.
"""

from __future__ import annotations

import json
import math

from aiguillage.territories.actions import import_priority_neighbourhoods
from aiguillage.territories.models import NeighbourhoodKind, PriorityNeighbourhood, Territory

DEMO_SOURCE = "Démonstration : contours approximatifs"

# (code, name, INSEE codes, latitude, longitude, half-width m, half-height m, population)
QPVS = [
    ("QN038D01", "Villeneuve – Village Olympique", "38185", 45.1615, 5.7350, 750, 650, 7_000),
    ("QN038D02", "Mistral – Lys Rouge – Camine", "38185", 45.1760, 5.7060, 450, 300, 2_600),
    (
        "QN038D03",
        "Teisseire – Abbaye – Jouhaux – Châtelet",
        "38185",
        45.1725,
        5.7450,
        500,
        420,
        3_500,
    ),
    ("QN038D04", "Alma – Très-Cloîtres – Chenoise", "38185", 45.1905, 5.7320, 350, 250, 3_200),
    ("QN038D05", "Essarts – Surieux", "38151", 45.1470, 5.7240, 500, 380, 4_800),
    ("QN038D06", "Village 2", "38151", 45.1455, 5.7110, 330, 300, 2_400),
    ("QN038D07", "Renaudie – Champberton – La Plaine", "38421", 45.1745, 5.7650, 550, 450, 3_200),
    ("QN038D08", "Portail Rouge", "38421", 45.1835, 5.7560, 300, 250, 1_500),
    ("QN038D09", "Bastille", "38169", 45.1925, 5.6820, 350, 300, 2_100),
    ("QN038D10", "Îles de Mars – Olympiades", "38317", 45.1290, 5.7010, 420, 350, 2_700),
    ("QN073D01", "Le Biollay", "73065", 45.5560, 5.9240, 450, 380, 3_900),
    ("QN073D02", "Les Hauts-de-Chambéry", "73065", 45.5830, 5.9320, 600, 500, 6_300),
]
VEILLE_GRENOBLE = [
    ("VA-D01", "Berriat – Saint-Bruno", "38185", 45.1880, 5.7120, 350, 250, 1_100),
    ("VA-D02", "Capuche", "38185", 45.1780, 5.7250, 250, 200, 700),
    ("VA-D03", "Jean Macé", "38185", 45.1960, 5.7150, 250, 200, 600),
    ("VA-D04", "Les Granges", "38151", 45.1390, 5.7240, 300, 250, 900),
    ("VA-D05", "Croix-Rouge", "38421", 45.1870, 5.7700, 280, 220, 800),
    ("VA-D06", "Cachin", "38169", 45.1990, 5.6900, 250, 220, 600),
    ("VA-D07", "Le Néron", "38423", 45.2120, 5.7180, 250, 200, 500),
    ("VA-D08", "Les Maisons Neuves", "38158", 45.1500, 5.7470, 280, 220, 700),
    ("VA-D09", "Le Vercors", "38474", 45.2050, 5.6620, 250, 200, 500),
    ("VA-D10", "Les Iles", "38485", 45.1700, 5.6850, 280, 220, 600),
]
VEILLE_CHAMBERY = [
    ("VA-D01", "Bissy", "73065", 45.5700, 5.8980, 300, 250, 900),
]


def outline(latitude: float, longitude: float, half_width_m: float, half_height_m: float) -> dict:
    """A closed, irregular 9-sided polygon around the point (a deterministic demo shape)."""
    metres_per_degree = 111_195.0
    kx = metres_per_degree * math.cos(math.radians(latitude))
    ring = []
    for step in range(9):
        angle = 2 * math.pi * step / 9
        wobble = 0.85 + 0.15 * math.sin(3 * angle + latitude)  # not a perfect ellipse
        dx = half_width_m * wobble * math.cos(angle)
        dy = half_height_m * wobble * math.sin(angle)
        ring.append([round(longitude + dx / kx, 6), round(latitude + dy / metres_per_degree, 6)])
    ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [ring]}


def demo_file(rows: list[tuple]) -> str:
    """The rows as a GeoJSON file with the 2024 official file's property names."""
    features = [
        {
            "type": "Feature",
            "properties": {"code_qp": code, "lib_qp": name, "insee_com": insee, "population": pop},
            "geometry": outline(lat, lon, half_width, half_height),
        }
        for code, name, insee, lat, lon, half_width, half_height, pop in rows
    ]
    return json.dumps({"type": "FeatureCollection", "features": features})


def seed_neighbourhoods() -> int:
    """Load the demo neighbourhoods once (idempotent); returns how many were created."""
    grenoble = Territory.objects.filter(siren="200040715").first()
    chambery = Territory.objects.filter(siren="200069110").first()
    if grenoble is None or chambery is None:
        return 0
    if PriorityNeighbourhood.objects.filter(is_demo=True).exists():
        return 0
    created = 0
    for text, kind, territory in (
        (demo_file(QPVS), NeighbourhoodKind.QPV, None),
        (demo_file(VEILLE_GRENOBLE), NeighbourhoodKind.VEILLE, grenoble),
        (demo_file(VEILLE_CHAMBERY), NeighbourhoodKind.VEILLE, chambery),
    ):
        report = import_priority_neighbourhoods(
            text=text,
            actor=None,
            kind=kind,
            territory=territory,
            source=DEMO_SOURCE,
            list_year=2024,
            is_demo=True,
        )
        created += report.created
    return created
