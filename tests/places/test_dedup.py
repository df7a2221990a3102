"""Detection of one place described several times (aiguillage.places.dedup)."""

from __future__ import annotations

import json
import math
import random
import unicodedata
from collections import Counter

import pytest

from aiguillage.places.dedup import (
    Candidate,
    Match,
    address_score,
    distance_score,
    find_duplicates,
    group_matches,
    normalise_address,
    normalise_name,
    text_score,
)
from aiguillage.shared_data import shared_path

GRENOBLE = (45.1885, 5.7245)


def place(key, name, address, *, source="hinaura", postcode="38000", at=GRENOBLE, pivot=""):
    """A candidate; ``at`` is (lat, lon), or None for a place without coordinates."""
    latitude, longitude = at if at else (None, None)
    return Candidate(key, source, name, address, postcode, latitude, longitude, pivot)


def moved(at, metres_north=0.0, metres_east=0.0):
    lat, lon = at
    return (
        lat + metres_north / 111_195,
        lon + metres_east / (111_195 * math.cos(math.radians(lat))),
    )


# --- normalisation and scores -------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("20 Pl. Henri-Dunant", "20 place henri dunant"),
        ("2067 CHE DE SAINT CLAUDE", "2067 chemin saint claude"),
        ("16 Bd Président Bertrand", "16 boulevard president bertrand"),
        ("2 BD GAL LECLERC", "2 boulevard general leclerc"),
        ("8 PL MAL DE TASSIGNY", "8 place marechal tassigny"),
        ("4 AV du Dr Mazen", "4 avenue docteur mazen"),
        ("7 R WINSTON CHURCHILL", "7 rue winston churchill"),
        ("12 RTE DE VIENNE", "12 route vienne"),
        ("3 IMP. des Lilas", "3 impasse lilas"),
        ("All. des Tilleuls", "allee tilleuls"),
        ("22 CRS GRANDVAL", "22 cours grandval"),
        ("FBG St-Jean", "faubourg saint jean"),
        ("Place de l'Hôtel de Ville CS 60022", "place hotel ville"),
        ("22 Boulevard Saint-Martin BP 44", "22 boulevard saint martin"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalise_address_expands_abbreviations_and_drops_noise(raw, expected):
    assert normalise_address(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("COMMUNE DE L'ALBENC", "mairie albenc"),
        ("mairie de l'albenc", "mairie albenc"),
        ("Ville de Poitiers", "mairie poitiers"),
        ("CCAS de Seyssins", "centre communal action sociale seyssins"),
        ("EPN Alboussiére", "espace public numerique alboussiere"),
        ("MJC Brequigny", "maison jeunes culture brequigny"),
        ("Association l'Âge d'Or", "age or"),
        ("Association", "association"),  # nothing else left: keep the generic word
        ("Clic' &amp; Ressources", "clic ressources"),
        ("Médiathèque de Seyssel", "mediatheque seyssel"),  # place types stay
        ("Bibliothèque St Laurent", "bibliotheque saint laurent"),
    ],
)
def test_normalise_name_keeps_distinctive_words(raw, expected):
    assert normalise_name(raw) == expected


@pytest.mark.parametrize(
    ("left", "right", "low", "high"),
    [
        ("Maison des Solidarités", "Maison des Solidarités de Cournon", 100, 100),
        ("MFR EMERAUDE COMPETENCES", "EMERAUDE COMPETENCE MFR", 95, 99.9),
        ("Centre social du roussillonnais", "Centre social du Roussillonais", 95, 99.9),
        ("Mairie d' AMIENS", "COMMUNE D'AMIENS", 100, 100),
        ("Labo M", "EPN chez Eustache", 0, 30),
        ("WETECHCARE", "EMMAUS CONNECT FONDATEUR ABBE PIERRE", 0, 30),
        ("CCAS de La Ravoire", "Mairie de La Ravoire", 40, 75),
        ("", "Mairie", 0, 0),
    ],
)
def test_name_score_on_real_name_pairs(left, right, low, high):
    assert low <= text_score(normalise_name(left), normalise_name(right)) <= high


@pytest.mark.parametrize(
    ("left", "right", "low", "high"),
    [
        ("17 AV DOCTEUR TAGNARD", "17 Avenue docteur Tagnard", 100, 100),
        ("11-13-15 RUE LOUIS JOSEPH PHILIPPE", "11 RUE LOUIS JOSEPH PHILIPPE", 100, 100),
        ("12 Rue Joseph Rey (chez Aconit)", "12 RUE JOSEPH REY", 100, 100),
        ("77 RUE CALIXTE CAMELLE", "4 Rue Calixte Camelle", 70, 70),  # capped
        ("RUE CALIXTE CAMELLE", "4 Rue Calixte Camelle", 100, 100),  # no number: no cap
        ("8 Chemin Pont Prouiller", "8 Rue du Pont Prouiller", 75, 95),
        ("260 RUE DES VIGNES", "Place de Verdun", 0, 45),
    ],
)
def test_address_score_on_real_address_pairs(left, right, low, high):
    assert low <= address_score(normalise_address(left), normalise_address(right)) <= high


@pytest.mark.parametrize(
    ("distance_m", "expected"), [(0, 100), (75, 75), (150, 50), (300, 0), (450, 0)]
)
def test_distance_score_falls_linearly_to_zero_at_max_distance(distance_m, expected):
    assert distance_score(distance_m, 300) == pytest.approx(expected)


# --- pair decisions -----------------------------------------------------------------------


def test_same_place_from_two_sources_is_matched_with_french_reasons():
    matches = find_duplicates(
        [
            place("cn:1", "EPN Alboussiére", "20 rue des écoliers", source="conseiller-numerique"),
            place(
                "hin:9",
                "Espace Public Numérique Alboussière",
                "20 Rue des Ecoliers",
                at=moved(GRENOBLE, 14),
            ),
        ]
    )
    assert [(match.left, match.right) for match in matches] == [("cn:1", "hin:9")]
    match = matches[0]
    assert match.distance_m == pytest.approx(14, abs=0.5)
    assert match.reasons == ("noms identiques", "même adresse", "à 14 m")
    assert match.score == pytest.approx(
        (100 + 100 + distance_score(match.distance_m, 300)) / 3, abs=0.1
    )


def test_two_organisations_in_one_building_are_not_matched():
    candidates = [
        place(
            "cn:1",
            "EMMAUS CONNECT FONDATEUR ABBE PIERRE",
            "71 RUE ARCHEREAU",
            source="conseiller-numerique",
        ),
        place("dora:2", "WETECHCARE", "71 RUE ARCHEREAU", source="dora"),
    ]
    assert find_duplicates(candidates) == []


def test_a_pair_good_enough_across_sources_is_not_enough_within_one_source():
    def pair(second_source):
        return [
            place("a", "Mairie de Peronnas", "place de la mairie", source="hinaura"),
            place(
                "b",
                "COMMUNE DE PERONNAS",
                "PL DE LA MAIRIE",
                source=second_source,
                at=moved(GRENOBLE, 0, 150),
            ),
        ]

    across = find_duplicates(pair("conseiller-numerique"))
    assert len(across) == 1 and 83 <= across[0].score < 90
    assert find_duplicates(pair("Hinaura ")) == []  # same source, spelt differently


def test_same_siret_adds_to_the_score_but_is_not_enough_alone():
    libraries = [
        place("a", "Bibliothèque Paul Éluard", "1 rue Mozart", pivot="21380185400014"),
        place(
            "b",
            "Médiathèque Kateb Yacine",
            "202 Grand'Place",
            source="dora",
            pivot="213 801 854 00014",
            at=moved(GRENOBLE, 200),
        ),
    ]
    assert find_duplicates(libraries) == []
    one_building = [
        place("a", "Espace de pratiques numériques de l'OSPA", "32 rue de La Résistance"),
        place(
            "b",
            "Office Stéphanois pour les aînés",
            "32 RUE DE LA RESISTANCE",
            source="conseiller-numerique",
            at=moved(GRENOBLE, 1),
        ),
    ]
    assert find_duplicates(one_building) == []
    with_siret = [
        Candidate(**{**vars(candidate), "pivot": "77989999900012"}) for candidate in one_building
    ]
    [match] = find_duplicates(with_siret)
    assert "même SIRET" in match.reasons


def test_places_farther_than_max_distance_never_match():
    candidates = [
        place("a", "Centre social Simone Veil", "34 avenue de la Libération"),
        place(
            "b",
            "Centre social Simone Veil",
            "34 avenue de la Libération",
            source="dora",
            at=moved(GRENOBLE, 310),
        ),
    ]
    assert find_duplicates(candidates) == []
    assert len(find_duplicates(candidates, max_distance_m=1000)) == 1


def test_places_without_coordinates_are_compared_within_their_postcode_only():
    candidates = [
        place(
            "siao:1",
            "AAPEJ SUD - CHRS Le Logis",
            "20 Rue Sainte-Rose",
            source="siao",
            postcode="31300",
            at=None,
        ),
        place(
            "cn:1",
            "CHRS Le Logis",
            "20 rue Sainte- Rose",
            source="conseiller-numerique",
            postcode="31 300",
        ),
        place(
            "cn:2",
            "CHRS Le Logis",
            "20 rue Sainte- Rose",
            source="conseiller-numerique",
            postcode="31400",
            at=moved(GRENOBLE, 5000),
        ),
    ]
    [match] = find_duplicates(candidates)
    assert (match.left, match.right, match.distance_m) == ("cn:1", "siao:1", None)
    assert "position inconnue, même code postal" in match.reasons


def test_without_coordinates_a_half_similar_name_is_not_enough():
    candidates = [
        place("a", "Ville de Coulaines", "Square Weyhe", source="cd72", postcode="72190", at=None),
        place(
            "b",
            "CCAS de Coulaines - Centre Communal d'Action Sociale",
            "Hôtel de Ville Square Weyhe",
            source="siao",
            postcode="72190",
            at=None,
        ),
    ]
    assert find_duplicates(candidates) == []


def test_duplicate_keys_are_refused():
    with pytest.raises(ValueError, match="clé unique"):
        find_duplicates([place("a", "X", "1 rue Y"), place("a", "X", "1 rue Y")])


# --- grouping -----------------------------------------------------------------------------


def _match(left, right):
    return Match(left, right, 90.0, 90.0, 90.0, 10.0, ())


def test_group_matches_joins_chains_and_keeps_singletons_in_input_order():
    keys = ["e", "c", "a", "d", "b"]
    groups = group_matches([_match("a", "b"), _match("b", "d"), _match("c", "e")], keys)
    assert groups == [["e", "c"], ["a", "d", "b"]]
    assert group_matches([], keys) == [["e"], ["c"], ["a"], ["d"], ["b"]]


def test_group_matches_refuses_unknown_keys():
    with pytest.raises(ValueError, match="Clé inconnue"):
        group_matches([_match("a", "z")], ["a", "b"])


# --- real data·inclusion file: the same places under several sources ----------------------


@pytest.fixture(scope="module")
def real():
    path = shared_path("data/lieux/data_inclusion_lieux_2023-04.json")
    records = json.loads(path.read_text(encoding="utf-8"))
    candidates = [
        Candidate(
            key=f"{record['source']}:{record['id']}",
            source=record["source"],
            name=record["nom"],
            address=record["adresse"],
            postcode=record["code_postal"],
            latitude=record.get("latitude"),
            longitude=record.get("longitude"),
            pivot=record.get("pivot") or "",
        )
        for record in records
    ]
    matches = find_duplicates(candidates)
    groups = group_matches(matches, [candidate.key for candidate in candidates])
    group_of = {key: index for index, group in enumerate(groups) for key in group}
    return candidates, matches, groups, group_of


def _keys(candidates, source, name, address_start=""):
    keys = {
        c.key
        for c in candidates
        if c.source == source and c.name == name and c.address.startswith(address_start)
    }
    assert keys, f"{source} / {name} missing from the file"
    return keys


@pytest.mark.parametrize(
    ("left", "right"),
    [
        (
            ("Hinaura", "Centre social des Pays du Guiers"),
            ("conseiller-numerique", "Centre Social des Pays du Guiers"),
        ),
        (
            ("Hinaura", "Emmaüs Connect Lyon"),
            ("conseiller-numerique", "EMMAUS CONNECT FONDATEUR ABBE PIERRE", "104"),
        ),
        (
            ("Hinaura", "Espace Public Numérique Alboussière"),
            ("conseiller-numerique", "EPN Alboussiére"),
        ),
        (("Hinaura", "mairie de l'albenc"), ("conseiller-numerique", "COMMUNE DE L ALBENC")),
        (("Hinaura", "Mairie de Druillat"), ("conseiller-numerique", "Mairie de Druillat")),
        (
            ("dora", "CALADE CENTRE SOCIOCULTUREL INTERCOM"),
            ("conseiller-numerique", "Calade centre social intercommunal"),
        ),
        (("siao", "AAPEJ SUD - CHRS Le Logis"), ("conseiller-numerique", "CHRS Le Logis")),
    ],
)
def test_real_file_groups_places_obviously_the_same(real, left, right):
    candidates, _, _, group_of = real
    left_groups = {group_of[key] for key in _keys(candidates, *left)}
    right_groups = {group_of[key] for key in _keys(candidates, *right)}
    assert left_groups & right_groups


@pytest.mark.parametrize(
    ("left", "right"),
    [
        (("Hinaura", "Labo M"), ("conseiller-numerique", "EPN chez Eustache")),  # 8 m apart
        (("conseiller-numerique", "Devandyou"), ("dora", "POP SCHOOL")),  # same address
        (  # sister organisations sharing an office
            ("dora", "WETECHCARE"),
            ("conseiller-numerique", "EMMAUS CONNECT FONDATEUR ABBE PIERRE", "71"),
        ),
        # The social-action service inside the town hall, under its own SIRET.
        (("Hinaura", "CCAS de La Ravoire"), ("conseiller-numerique", "Mairie de La Ravoire")),
        (  # no coordinates, one address
            ("cd72", "Ville de Coulaines"),
            ("cd72", "CCAS de Coulaines - Centre Communal d'Action Sociale"),
        ),
    ],
)
def test_real_file_keeps_neighbouring_different_places_apart(real, left, right):
    candidates, _, _, group_of = real
    left_groups = {group_of[key] for key in _keys(candidates, *left)}
    right_groups = {group_of[key] for key in _keys(candidates, *right)}
    assert not left_groups & right_groups


def test_real_file_finds_many_cross_source_pairs_without_runaway_chains(real):
    candidates, matches, groups, _ = real
    source = {c.key: c.source for c in candidates}
    per_sources = Counter(tuple(sorted((source[m.left], source[m.right]))) for m in matches)
    assert per_sources[("Hinaura", "conseiller-numerique")] >= 70
    assert per_sources[("conseiller-numerique", "dora")] >= 20
    duplicates = [group for group in groups if len(group) > 1]
    assert 150 <= len(duplicates) <= 260
    # Chains A~B~C must not glue a town together: a group stays within one postcode area.
    postcode = {c.key: c.postcode.strip()[:2] for c in candidates}
    assert all(len({postcode[key] for key in group}) == 1 for group in duplicates)


def test_output_does_not_depend_on_input_order(real):
    candidates, matches, groups, _ = real
    shuffled = list(candidates)
    random.Random(7).shuffle(shuffled)
    assert find_duplicates(shuffled) == matches
    regrouped = group_matches(find_duplicates(shuffled), [c.key for c in candidates])
    assert regrouped == groups


# --- synthetic benchmark: 20,000 candidates with planted duplicates -----------------------

PLACE_TYPES = [
    "Médiathèque",
    "Centre social",
    "Espace numérique",
    "France Services",
    "Maison de quartier",
    "Maison des solidarités",
    "Association",
    "Tiers-lieu",
    "Bibliothèque",
    "MJC",
    "Cyberbase",
    "Point numérique",
    "Mission locale",
    "Fablab",
    "Club informatique",
    "Espace de vie sociale",
]
PEOPLE = [
    "Victor Hugo",
    "Jean Moulin",
    "Jean Jaurès",
    "Louise Michel",
    "Simone Veil",
    "Marie Curie",
    "Pablo Neruda",
    "Aimé Césaire",
    "Albert Camus",
    "George Sand",
    "Jules Verne",
    "Colette",
    "Émile Zola",
    "Nelson Mandela",
    "Rosa Parks",
    "Pierre Mendès France",
    "Olympe de Gouges",
    "Jacques Prévert",
    "Paul Éluard",
    "Gisèle Halimi",
    "Léon Blum",
    "Charles de Gaulle",
    "Louis Pasteur",
    "Jean Monnet",
    "Anatole France",
    "Alexandre Dumas",
    "Boris Vian",
]
MOTTOS = [
    "Les Tilleuls",
    "La Passerelle",
    "Le Lien",
    "L'Escale",
    "La Fabrique",
    "Le Phare",
    "La Ruche",
    "Les Coquelicots",
    "Le Trait d'Union",
    "La Source",
    "L'Étincelle",
    "Le Relais",
    "La Boussole",
    "Les Quatre Vents",
    "Le Cèdre",
    "La Forge",
    "L'Atelier",
    "Le Carré",
    "La Clé",
]
STREET_TYPES = ["rue", "avenue", "boulevard", "place", "chemin", "route", "impasse", "allée"]
SHORT_FORMS = {
    "rue": "R",
    "avenue": "AV",
    "boulevard": "BD",
    "place": "PL",
    "chemin": "CHE",
    "route": "RTE",
    "impasse": "IMP",
    "allée": "ALL",
    "saint": "ST",
}
SOURCES = ["conseiller-numerique", "Hinaura", "dora", "siao"]


def _typo(rng, text):
    """One keyboard slip inside a word: a letter dropped, doubled or swapped with the next."""
    i = rng.choice([i for i in range(1, len(text) - 1) if text[i].isalpha()])
    slip = rng.choice(["drop", "double", "swap"])
    if slip == "drop":
        return text[:i] + text[i + 1 :]
    if slip == "swap" and text[i + 1].isalpha():
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text[:i] + text[i] + text[i:]


def _siret(rng):
    return str(rng.randint(10**13, 10**14 - 1)) if rng.random() < 0.7 else ""


def synthetic_candidates(seed=2023, total=20_000):
    """Candidates over metropolitan France and the pairs planted among them.

    1,200 towns (20 dense ones hold a fifth of the places); 5 % of places share
    their building with another organisation (hard negatives); 1,700 or so are
    described a second time, by another source nine times out of ten, with a typo,
    capitals, lost accents, an abbreviated address and coordinates up to 80 m off.
    """
    rng = random.Random(seed)
    towns = []
    for index in range(1200):
        name = "".join(
            rng.choice(["ba", "ro", "li", "ven", "mar", "tel", "san", "cour", "pey"])
            for _ in range(rng.randint(2, 3))
        ).capitalize()
        towns.append(
            (
                name,
                f"{rng.randint(1, 95):02d}{rng.randint(0, 999):03d}",
                rng.uniform(42.5, 51.0),
                rng.uniform(-4.5, 7.8),
                1500 if index < 20 else 600,
            )
        )
    weights = [12 if index < 20 else 1 for index in range(len(towns))]
    base, seen = [], set()
    while len(base) < total * 0.87:
        town, postcode, lat, lon, spread = rng.choices(towns, weights)[0]
        style = rng.random()
        if style < 0.15:
            name = f"{'Mairie' if rng.random() < 0.5 else rng.choice(PLACE_TYPES)} de {town}"
        else:
            name = f"{rng.choice(PLACE_TYPES)} {rng.choice(PEOPLE if style < 0.6 else MOTTOS)}"
        if (name, postcode) in seen:
            continue
        seen.add((name, postcode))
        street = rng.choice(PEOPLE + [f"Saint-{person.split()[0]}" for person in PEOPLE[:8]])
        at = moved((lat, lon), rng.gauss(0, spread), rng.gauss(0, spread))
        base.append(
            place(
                f"b{len(base):05d}",
                name,
                f"{rng.randint(1, 180)} {rng.choice(STREET_TYPES)} {street}",
                source=rng.choice(SOURCES[:3]),
                postcode=postcode,
                at=at if rng.random() > 0.08 else None,
                pivot=_siret(rng),
            )
        )
    for original in rng.sample(base, len(base) // 20):
        other = rng.choice([word for word in MOTTOS + PEOPLE if word not in original.name])
        other_type = rng.choice([kind for kind in PLACE_TYPES if kind not in original.name])
        at = original.latitude and moved(
            (original.latitude, original.longitude), rng.uniform(-10, 10), rng.uniform(-10, 10)
        )
        base.append(
            place(
                f"n{len(base):05d}",
                f"{other_type} {other}",
                original.address.upper(),
                source=rng.choice(SOURCES[:3]),
                postcode=original.postcode,
                at=at,
                pivot=_siret(rng),
            )
        )
    duplicates, planted = [], set()
    for index, original in enumerate(rng.sample(base, total - len(base))):
        name, address = original.name, original.address
        if rng.random() < 0.5:
            name = _typo(rng, name)
        if rng.random() < 0.3:
            name = name.upper()
        if rng.random() < 0.3:
            name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
        if rng.random() < 0.6:
            words = address.replace("-", " ").split()
            address = " ".join(SHORT_FORMS.get(word.lower(), word) for word in words)
        if rng.random() < 0.3:
            address = address.upper()
        at = None
        if original.latitude is not None and rng.random() > 0.05:
            distance, angle = rng.uniform(0, 80), rng.uniform(0, 2 * math.pi)
            at = moved(
                (original.latitude, original.longitude),
                distance * math.cos(angle),
                distance * math.sin(angle),
            )
        others = [source for source in SOURCES if source != original.source]
        source = original.source if rng.random() < 0.1 else rng.choice(others)
        key = f"d{index:05d}"
        duplicates.append(
            place(
                key,
                name,
                address,
                source=source,
                postcode=original.postcode,
                at=at,
                pivot=original.pivot if rng.random() < 0.5 else "",
            )
        )
        planted.add((min(key, original.key), max(key, original.key)))
    return base + duplicates, planted


@pytest.fixture(scope="module")
def synthetic():
    candidates, planted = synthetic_candidates()
    return candidates, planted, find_duplicates(candidates)


def test_synthetic_set_has_the_announced_shape(synthetic):
    candidates, planted, _ = synthetic
    assert len(candidates) == 20_000
    assert len({candidate.key for candidate in candidates}) == 20_000
    assert 1500 <= len(planted) <= 2000


def test_planted_duplicates_are_found_with_high_recall_and_precision(synthetic):
    _, planted, matches = synthetic
    found = {(match.left, match.right) for match in matches}
    true_positives = len(found & planted)
    assert true_positives / len(planted) >= 0.95  # recall
    assert true_positives / len(found) >= 0.95  # precision


def test_synthetic_output_order_is_stable(synthetic):
    candidates, _, matches = synthetic
    assert matches == sorted(matches, key=lambda match: (-match.score, match.left, match.right))
    assert all(match.left < match.right for match in matches)
    assert find_duplicates(list(reversed(candidates))) == matches
