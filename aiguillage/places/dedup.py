"""Find the same place described twice, by one or several data sources.

Pure Python (no ORM): the caller turns places from any source into ``Candidate``
objects and gets back scored ``Match`` pairs, then groups them with ``group_matches``.

The national pipeline (mednum-cli ``dedupliquer``) gives each pair three scores
from 0 to 100 and merges when their mean reaches 83 (90 within one source). We keep
that rule; the choices inside each score are ours:

- **Name**: ``token_set_ratio`` of the normalised names. Sources add or drop
  qualifiers ("Maison des Solidarités" / "… de Cournon", "UDAF" / "Maison de la
  Famille - UDAF") and reorder words ("MFR Emeraude" / "Emeraude MFR"): token_set
  gives 100 when one name's words are all in the other, and falls back to an
  edit-distance ratio of the remaining words, which absorbs typos. A plain
  ``ratio`` scored such true pairs 40-60.
- **Address**: ``token_set_ratio`` of the normalised addresses, for the same
  reasons (complements such as "Bâtiment Sèvre"). token_set barely sees a house
  number, so when both addresses carry numbers and share none ("77 rue Calixte
  Camelle" / "4 rue Calixte Camelle") the score is capped at
  ``DIFFERENT_NUMBER_CAP``: same street, not the same address.
- **Distance**: 100 at 0 m, falling linearly to 0 at ``max_distance_m``:
  ``100 × max(0, 1 − d / max_distance_m)``. Farther places never match.

``score = (name + address + distance) / 3``, plus ``PIVOT_BONUS`` points (capped at
100) when both carry the same SIRET. A SIRET alone proves nothing (one commune's
SIRET covers its town hall and its libraries) but it settles the hard case of one
building, two names: in the data·inclusion file of 2023-04, the 20 such pairs with
one SIRET were nearly all one place under two names ("OSPA" / "Office Stéphanois
pour les aînés"), the 31 with different SIRETs all distinct organisations.

When either place has no coordinates, the weaker of the two text scores stands in
for the distance, ``(name + address + min(name, address)) / 3``: only the postcode
vouches for the location, so both texts must agree. (The mean of name and address
alone merged "Ville de Coulaines" with "CCAS de Coulaines".)

Blocking: only pairs that can reach the threshold are scored. Located places are
paired through a k-d tree on 3-D Cartesian coordinates: a chord is the distance on
the sphere to within millimetres at this scale and, unlike an equirectangular
projection, stays exact overseas, far from the Greenwich meridian. Places without
coordinates are compared with every place that shares their postcode.

Known limit: two sources that geocode one address more than ``max_distance_m``
apart are not matched, even with identical names and addresses.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz
from scipy.spatial import cKDTree

EARTH_RADIUS_M = 6_371_008.8
PIVOT_BONUS = 10.0
DIFFERENT_NUMBER_CAP = 70.0

# Abbreviations found in the sources, mapped to one written-out word (names and
# addresses alike: "St Egrève", "20 Pl. Henri Dunant", "2 BD GAL LECLERC").
ABBREVIATIONS: dict[str, str] = {
    "all": "allee",
    "av": "avenue",
    "ave": "avenue",
    "bd": "boulevard",
    "bld": "boulevard",
    "blvd": "boulevard",
    "che": "chemin",
    "chem": "chemin",
    "crs": "cours",
    "ctre": "centre",
    "dr": "docteur",
    "fbg": "faubourg",
    "gal": "general",
    "gen": "general",
    "imp": "impasse",
    "mal": "marechal",
    "pl": "place",
    "r": "rue",
    "rte": "route",
    "sq": "square",
    "st": "saint",
    "ste": "sainte",
}

# Articles and prepositions: sources write "d'Agriculture de la Haute-Loire" or
# "D AGRICULTURE DE HAUTE LOIRE"; shared "de la" must not make names look alike.
STOP_WORDS: frozenset[str] = frozenset(
    {"a", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les"}
)

# Names only. Kept deliberately short: dropping place-type words ("médiathèque",
# "mairie") would merge "Mairie de Desingy" with "Bibliothèque de Desingy" in the
# same building, so town-hall words become one synonym instead of disappearing.
NAME_SYNONYMS: dict[str, str] = {
    "commune": "mairie",
    "ville": "mairie",
    "assoc": "association",
    "asso": "association",
}
NAME_ACRONYMS: dict[str, str] = {
    "cc": "communaute communes",
    "ccas": "centre communal action sociale",
    "cias": "centre intercommunal action sociale",
    "epn": "espace public numerique",
    "mjc": "maison jeunes culture",
}
# A legal form, not a name: "Association l'Age d'Or" and "Association PANGOLIN".
GENERIC_NAME_WORDS: frozenset[str] = frozenset({"association"})


@dataclass(frozen=True)
class Candidate:
    key: str  # opaque id chosen by the caller ("hinaura:123", a primary key…)
    source: str
    name: str
    address: str
    postcode: str
    latitude: float | None
    longitude: float | None
    pivot: str = ""  # SIRET when known


@dataclass(frozen=True)
class Match:
    left: str
    right: str
    score: float
    name_score: float
    address_score: float
    distance_m: float | None
    reasons: tuple[str, ...]  # French, shown to the person reviewing merges


def _words(text: str | None) -> list[str]:
    """Lower-case ASCII words: accents, punctuation and HTML ``&amp;`` removed."""
    text = (text or "").replace("&amp;", " et ")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.findall(r"[a-z0-9]+", ascii_text.lower())


def normalise_address(text: str | None) -> str:
    """Address reduced to comparable words: "20 Pl. Henri-Dunant" → "20 place henri dunant"."""
    words = (ABBREVIATIONS.get(word, word) for word in _words(text))
    address = " ".join(word for word in words if word not in STOP_WORDS)
    # Postal-box designators ("BP 44", "CS 60022", "CEDEX 9") say nothing about the place.
    return " ".join(re.sub(r"\b(?:bp|cs|tsa) ?\d+|\bcedex(?: \d+)?\b", " ", address).split())


def normalise_name(text: str | None) -> str:
    """Name reduced to its distinctive words: "COMMUNE DE L'ALBENC" → "mairie albenc"."""
    result: list[str] = []
    for word in _words(text):
        word = ABBREVIATIONS.get(word, word)
        word = NAME_SYNONYMS.get(word, word)
        result.extend(NAME_ACRONYMS.get(word, word).split())
    kept = [word for word in result if word not in STOP_WORDS and word not in GENERIC_NAME_WORDS]
    # A name made only of generic words ("Association") is still better than nothing.
    return " ".join(kept or result)


def text_score(left: str, right: str) -> float:
    """Similarity of two normalised texts, 0-100 (0 when either is empty)."""
    if not left or not right:
        return 0.0
    return float(fuzz.token_set_ratio(left, right))


def address_score(left: str, right: str) -> float:
    """Similarity of two normalised addresses, capped when their house numbers differ."""
    score = text_score(left, right)
    left_numbers, right_numbers = set(re.findall(r"\d+", left)), set(re.findall(r"\d+", right))
    if left_numbers and right_numbers and not left_numbers & right_numbers:
        score = min(score, DIFFERENT_NUMBER_CAP)
    return score


def distance_score(distance_m: float, max_distance_m: float) -> float:
    """100 at 0 m, falling linearly to 0 at ``max_distance_m`` and beyond."""
    return 100.0 * max(0.0, 1.0 - distance_m / max_distance_m)


def _position(candidate: Candidate) -> tuple[float, float, float] | None:
    """Point on a sphere of Earth's radius, or None when coordinates are missing or absurd."""
    lat, lon = candidate.latitude, candidate.longitude
    if lat is None or lon is None or not (math.isfinite(lat) and math.isfinite(lon)):
        return None
    if abs(lat) > 90 or abs(lon) > 180 or (lat == 0 and lon == 0):
        return None
    phi, lam = math.radians(lat), math.radians(lon)
    return (
        EARTH_RADIUS_M * math.cos(phi) * math.cos(lam),
        EARTH_RADIUS_M * math.cos(phi) * math.sin(lam),
        EARTH_RADIUS_M * math.sin(phi),
    )


def _arc_length(chord_m: float) -> float:
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, chord_m / (2 * EARTH_RADIUS_M)))


def _postcode(text: str) -> str:
    return re.sub(r"\s", "", text or "")[:5]


def _pivot(text: str) -> str:
    return re.sub(r"\D", "", text or "")


def _blocked_pairs(
    positions: Sequence[tuple[float, float, float] | None],
    postcodes: Sequence[str],
    max_distance_m: float,
) -> set[tuple[int, int]]:
    """Index pairs worth scoring: close located places, and postcode peers of unlocated ones."""
    pairs: set[tuple[int, int]] = set()
    located = [index for index, point in enumerate(positions) if point is not None]
    if len(located) > 1:
        tree = cKDTree(np.array([positions[index] for index in located]))
        # A chord is shorter than its arc; the exact distance is checked when scoring.
        for i, j in tree.query_pairs(max_distance_m, output_type="ndarray").tolist():
            pairs.add((min(located[i], located[j]), max(located[i], located[j])))
    by_postcode: dict[str, list[int]] = defaultdict(list)
    for index, postcode in enumerate(postcodes):
        if postcode:
            by_postcode[postcode].append(index)
    for members in by_postcode.values():
        for unlocated in (index for index in members if positions[index] is None):
            pairs.update((min(unlocated, other), max(unlocated, other)) for other in members)
    return {(i, j) for i, j in pairs if i != j}


def _text_reason(score: float, wording: tuple[str, str, str, str]) -> str:
    same, close, partly, different = wording
    if score >= 100:
        return same
    label = close if score >= 80 else partly if score >= 50 else different
    return f"{label} ({score:.0f}/100)"


NAME_WORDING = ("noms identiques", "noms proches", "noms en partie communs", "noms différents")
ADDRESS_WORDING = (
    "même adresse",
    "adresses proches",
    "adresses en partie communes",
    "adresses différentes",
)


def find_duplicates(
    candidates: Sequence[Candidate],
    *,
    threshold: float = 83,
    same_source_threshold: float = 90,
    max_distance_m: float = 300,
) -> list[Match]:
    """Pairs of candidates that describe the same place, best score first.

    Each pair is written once, ``left`` being the smaller key; the order does not
    depend on the order of ``candidates``. Keys must be unique.
    """
    keys = [candidate.key for candidate in candidates]
    if len(set(keys)) != len(keys):
        raise ValueError("Chaque lieu à comparer doit avoir une clé unique.")
    names = [normalise_name(candidate.name) for candidate in candidates]
    addresses = [normalise_address(candidate.address) for candidate in candidates]
    positions = [_position(candidate) for candidate in candidates]
    pivots = [_pivot(candidate.pivot) for candidate in candidates]
    sources = [candidate.source.strip().casefold() for candidate in candidates]
    postcodes = [_postcode(candidate.postcode) for candidate in candidates]

    matches: list[Match] = []
    for i, j in _blocked_pairs(positions, postcodes, max_distance_m):
        if keys[j] < keys[i]:
            i, j = j, i  # scores are then computed in one order, whatever the input order
        name_score = text_score(names[i], names[j])
        street_score = address_score(addresses[i], addresses[j])
        reasons = [
            _text_reason(name_score, NAME_WORDING),
            _text_reason(street_score, ADDRESS_WORDING),
        ]
        position_i, position_j = positions[i], positions[j]
        distance_m: float | None = None
        if position_i is not None and position_j is not None:
            distance_m = round(_arc_length(math.dist(position_i, position_j)), 1)
            if distance_m > max_distance_m:
                continue
            location_score = distance_score(distance_m, max_distance_m)
            reasons.append(f"à {distance_m:.0f} m")
        else:
            location_score = min(name_score, street_score)
            reasons.append("position inconnue, même code postal")
        score = (name_score + street_score + location_score) / 3
        if pivots[i] and pivots[i] == pivots[j]:
            score = min(100.0, score + PIVOT_BONUS)
            reasons.append("même SIRET")
        score = round(score, 1)
        needed = same_source_threshold if sources[i] == sources[j] else threshold
        if score >= needed:
            matches.append(
                Match(
                    left=keys[i],
                    right=keys[j],
                    score=score,
                    name_score=round(name_score, 1),
                    address_score=round(street_score, 1),
                    distance_m=distance_m,
                    reasons=tuple(reasons),
                )
            )
    matches.sort(key=lambda match: (-match.score, match.left, match.right))
    return matches


def group_matches(matches: Iterable[Match], keys: Sequence[str]) -> list[list[str]]:
    """Split ``keys`` into groups of the same place (connected components of the matches).

    Every key appears in exactly one group, singletons included. Members keep the
    order of ``keys``; groups are ordered by their first member. Matching is
    transitive here: if A matches B and B matches C, all three form one group.
    """
    position = {key: index for index, key in enumerate(keys)}
    parent = list(range(len(keys)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    for match in matches:
        if match.left not in position or match.right not in position:
            unknown = f"{match.left} / {match.right}"
            raise ValueError(f"Clé inconnue dans les correspondances : {unknown}")
        left, right = root(position[match.left]), root(position[match.right])
        if left != right:
            # The smaller index becomes the root, so a group is named by its first member.
            parent[max(left, right)] = min(left, right)
    groups: dict[int, list[str]] = defaultdict(list)
    for index, key in enumerate(keys):
        groups[root(index)].append(key)
    return [groups[first] for first in sorted(groups)]
