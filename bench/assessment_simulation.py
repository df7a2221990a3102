"""Simulated respondents of known ability through the screening and the in-depth assessment.

Each synthetic person belongs to one of the three Grenoble pathways (the *true class*),
drawn with the study's shares. Their latent ability θ is drawn inside the band of their
class, with a personal offset per area. They then answer:

- the screening, as a social worker would ask it (``next_questions`` decides what is
  asked), with graded answers from a logistic model and self-report noise (people
  over-rate themselves more often than they under-rate);
- the in-depth assessment, task by task in the order ``next_item`` chooses, with observed
  outcomes from the same ability and a small observation error.

The report compares the engine's typologies (collapsed to the three pathways) with the
true class, then measures test–retest noise (the same person assessed twice) and the
detection of a real gain. Everything is seeded, so two runs write the same report.

Run: ``.venv/bin/python -m bench.assessment_simulation [--respondents N] [--seed S]``
(writes docs/assessment-simulation.md unless ``--output -``).
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import random
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from aiguillage.assessments.engine import (
    InDepthResult,
    Progress,
    Referential,
    ScreeningResult,
    bundled_referential,
    compare_assessments,
    compare_with_screening,
    next_item,
    next_questions,
    score_in_depth,
    score_screening,
)

REPO = Path(__file__).resolve().parent.parent
DOC_PATH = REPO / "docs" / "assessment-simulation.md"
SEED = 20250602
RESPONDENTS = 2000
RETEST_RESPONDENTS = 1000
PATHWAYS = ("assistance", "acces_accompagne", "autonomie")
PATHWAY_LABELS = {
    "assistance": "Assistance",
    "acces_accompagne": "Accès accompagné",
    "autonomie": "Autonomie",
}
# Grenoble 2015 (seed 001): 16 %, 62 %, 27 %. They add up to 105 % in the source, so
# they are used as weights (15.2 %, 59.0 %, 25.7 %).
CLASS_WEIGHTS = {"assistance": 16, "acces_accompagne": 62, "autonomie": 27}
# The true class is a band of the latent ability; θ is drawn from a normal law centred
# in the band and redrawn until it falls inside.
CLASS_BANDS = {"assistance": (-4.0, -1.0), "acces_accompagne": (-1.0, 1.0), "autonomie": (1.0, 4.0)}
CLASS_CENTRES = {"assistance": -2.0, "acces_accompagne": 0.0, "autonomie": 2.0}
THETA_SPREAD = 0.8
AREA_SPREAD = 0.35  # personal strengths and weaknesses between areas
SLOPE = 1.7  # logistic slope shared by every item
# Screening: ability at which a task is done alone half the time; « with help » comes
# HELP_MARGIN earlier. Device handling is the easiest, safety and problems the hardest.
SCREENING_DIFFICULTY = {
    "allumer_appareil": -2.0,
    "recherche": -0.7,
    "email": 0.4,
    "compte_en_ligne": 0.0,
    "demarche_en_ligne": 0.6,
    "photo_document": -0.6,
    "arnaque": 0.6,
    "probleme": 0.3,
}
HELP_MARGIN = 1.5
OVER_RATE = 0.12  # one step higher than the truth
UNDER_RATE = 0.05  # one step lower
# In-depth: difficulty of the task of level k (1..4), the same in every area.
LEVEL_DIFFICULTY = (-1.0, 0.0, 1.0, 2.0)
# Handling the device is easier: its level 1 (switch on, unlock) is the screening's easiest
# task, whose difficulty is -2.0.
AREA_EASE = {"appareil": 1.0}
OBSERVATION_ERROR = 0.03  # the mediator records a neighbouring outcome
REAL_GAIN = 1.0  # θ gained after training, for the detection check
SECONDS_PER_QUESTION = 20
MINUTES_PER_ITEM = 1.5


@dataclass(frozen=True)
class Respondent:
    number: int
    true_class: str
    theta: float
    area_offsets: dict[str, float]

    def ability(self, area: str | None) -> float:
        return self.theta + (self.area_offsets.get(area, 0.0) if area else 0.0)

    def trained(self, gain: float) -> Respondent:
        return Respondent(self.number, self.true_class, self.theta + gain, self.area_offsets)


def _sigmoid(value: float) -> float:
    return 1.0 / (1.0 + math.exp(-value))


def make_respondents(ref: Referential, count: int, seed: int) -> list[Respondent]:
    rng = random.Random(f"{seed}-population")
    classes = list(CLASS_WEIGHTS)
    weights = [CLASS_WEIGHTS[c] for c in classes]
    people = []
    for number in range(count):
        true_class = rng.choices(classes, weights)[0]
        low, high = CLASS_BANDS[true_class]
        theta = rng.gauss(CLASS_CENTRES[true_class], THETA_SPREAD)
        while not low <= theta < high:
            theta = rng.gauss(CLASS_CENTRES[true_class], THETA_SPREAD)
        offsets = {area.code: rng.gauss(0.0, AREA_SPREAD) for area in ref.areas}
        people.append(Respondent(number, true_class, theta, offsets))
    return people


# --- Answering -----------------------------------------------------------------------------


def _graded(rng: random.Random, ability: float, difficulty: float) -> int:
    """0 = cannot, 1 = with help, 2 = alone; then self-report noise."""
    draw = rng.random()
    if draw < _sigmoid(SLOPE * (ability - difficulty)):
        step = 2
    elif draw < _sigmoid(SLOPE * (ability - difficulty + HELP_MARGIN)):
        step = 1
    else:
        step = 0
    noise = rng.random()
    if noise < OVER_RATE:
        step = min(step + 1, 2)
    elif noise < OVER_RATE + UNDER_RATE:
        step = max(step - 1, 0)
    return step


def _screening_answer(
    ref: Referential, rng: random.Random, person: Respondent, question_id: str
) -> str | list[str]:
    if question_id == "usage_internet":
        latent = person.theta + rng.gauss(0.0, 0.6)
        for limit, code in ((-2.3, "jamais"), (-1.5, "plus_3_mois"), (-0.5, "moins_3_mois")):
            if latent < limit:
                return code
        return "semaine"
    if question_id == "appareil":
        # Asked first; someone who uses internet always has some device at hand.
        own = _sigmoid(person.theta + 1.5)
        if person.theta > -1.5 or rng.random() < 0.5:
            return "personnel" if rng.random() < own else "emprunte"
        return rng.choice(["aucun", "emprunte", "personnel"])
    if question_id == "connexion":
        draw = rng.random()
        if draw < _sigmoid(person.theta + 1.0):
            return "oui"
        return "limitee" if draw < 0.5 + _sigmoid(person.theta + 1.0) / 2 else "non"
    if question_id == "difficultes":
        chosen = []
        for code, chance in (
            ("lire_ecrire", 0.25 if person.theta < -1 else 0.08),
            ("langue", 0.10),
            ("handicap", 0.08),
            ("peur_erreur", 0.30 if person.theta < 1 else 0.10),
        ):
            if rng.random() < chance:
                chosen.append(code)
        return chosen or ["aucune"]
    if question_id == "demarche_urgente":
        return "oui" if rng.random() < 0.3 else "non"
    if question_id == "aide_entourage":
        return rng.choice(["oui", "parfois", "non"])
    ability = person.ability(ref.question(question_id).area)
    step = _graded(rng, ability, SCREENING_DIFFICULTY[question_id])
    return ("ne_sait_pas", "avec_aide", "seul")[step]


def run_screening(ref: Referential, person: Respondent, rng: random.Random) -> ScreeningResult:
    answers: dict = {}
    while pending := next_questions(ref, answers):
        question = pending[0]
        answers[question.id] = _screening_answer(ref, rng, person, question.id)
        if question.id == "usage_internet" and answers.get("appareil") == "aucun":
            # Keep the answers consistent, as a social worker would by asking again.
            if answers["usage_internet"] in ("moins_3_mois", "semaine"):
                answers["appareil"] = "emprunte"
    return score_screening(ref, answers)


def _observed(rng: random.Random, ability: float, level: int) -> str:
    difficulty = LEVEL_DIFFICULTY[level - 1]
    draw = rng.random()
    if draw < _sigmoid(SLOPE * (ability - difficulty)):
        step = 2
    elif draw < _sigmoid(SLOPE * (ability - difficulty + HELP_MARGIN)):
        step = 1
    else:
        step = 0
    if rng.random() < OBSERVATION_ERROR:
        step = min(max(step + rng.choice((-1, 1)), 0), 2)
    return ("ne_sait_pas", "avec_aide", "fait_seul")[step]


def run_in_depth(
    ref: Referential, person: Respondent, rng: random.Random, screening: ScreeningResult
) -> InDepthResult:
    responses: dict[str, str] = {}
    while (item := next_item(ref, responses, screening_typology=screening.typology)) is not None:
        ability = person.ability(item.area) + AREA_EASE.get(item.area, 0.0)
        responses[item.id] = _observed(rng, ability, item.level)
    return score_in_depth(ref, responses, screening=screening)


# --- Agreement statistics ------------------------------------------------------------------


def confusion(truth: Sequence[str], found: Sequence[str]) -> list[list[int]]:
    index = {code: i for i, code in enumerate(PATHWAYS)}
    matrix = [[0] * len(PATHWAYS) for _ in PATHWAYS]
    for true_class, classified in zip(truth, found, strict=True):
        matrix[index[true_class]][index[classified]] += 1
    return matrix


def kappa(matrix: list[list[int]], *, weighted: bool = False) -> float:
    """Cohen's kappa; ``weighted`` uses linear weights (one class apart = half agreement)."""
    size = len(matrix)
    total = sum(map(sum, matrix))
    rows = [sum(row) / total for row in matrix]
    cols = [sum(matrix[i][j] for i in range(size)) / total for j in range(size)]

    def weight(i: int, j: int) -> float:
        if weighted:
            return 1.0 - abs(i - j) / (size - 1)
        return 1.0 if i == j else 0.0

    observed = sum(weight(i, j) * matrix[i][j] / total for i in range(size) for j in range(size))
    expected = sum(weight(i, j) * rows[i] * cols[j] for i in range(size) for j in range(size))
    return (observed - expected) / (1.0 - expected)


@dataclass(frozen=True)
class Agreement:
    matrix: list[list[int]]
    accuracy: float
    kappa: float
    weighted_kappa: float
    assistance_sensitivity: float
    assistance_precision: float


def agreement(truth: Sequence[str], found: Sequence[str]) -> Agreement:
    matrix = confusion(truth, found)
    total = sum(map(sum, matrix))
    found_assistance = sum(matrix[i][0] for i in range(len(PATHWAYS)))
    return Agreement(
        matrix=matrix,
        accuracy=sum(matrix[i][i] for i in range(len(PATHWAYS))) / total,
        kappa=kappa(matrix),
        weighted_kappa=kappa(matrix, weighted=True),
        assistance_sensitivity=matrix[0][0] / max(sum(matrix[0]), 1),
        assistance_precision=matrix[0][0] / max(found_assistance, 1),
    )


# --- Report --------------------------------------------------------------------------------


def _pct(value: float) -> str:
    return f"{100 * value:.1f} %".replace(".", ",")


def _num(value: float, digits: int = 2) -> str:
    return f"{value:.{digits}f}".replace(".", ",")


def _matrix_table(matrix: list[list[int]]) -> list[str]:
    header = "| Vraie classe ↓ / classée → | " + " | ".join(PATHWAY_LABELS[p] for p in PATHWAYS)
    lines = [header + " | Total |", "|---|" + "---:|" * (len(PATHWAYS) + 1)]
    for pathway, row in zip(PATHWAYS, matrix, strict=True):
        cells = " | ".join(str(value) for value in row)
        lines.append(f"| {PATHWAY_LABELS[pathway]} | {cells} | {sum(row)} |")
    return lines


def _agreement_lines(name: str, result: Agreement) -> list[str]:
    return [
        *_matrix_table(result.matrix),
        "",
        f"- Exactitude ({name}) : **{_pct(result.accuracy)}** ; kappa de Cohen : "
        f"**{_num(result.kappa)}** ; kappa pondéré (linéaire) : **{_num(result.weighted_kappa)}**.",
        f"- Sensibilité pour l'assistance (personnes en assistance bien repérées) : "
        f"**{_pct(result.assistance_sensitivity)}** ; précision : "
        f"{_pct(result.assistance_precision)}.",
    ]


def _shares(ref: Referential, typologies: Sequence[str]) -> list[str]:
    counts = Counter(typologies)
    lines = ["| Typologie | Personnes | Part |", "|---|---:|---:|"]
    for typology in ref.typologies:
        count = counts.get(typology.code, 0)
        lines.append(f"| {typology.label} | {count} | {_pct(count / len(typologies))} |")
    return lines


@dataclass
class RetestCounts:
    comparisons: int = 0
    changed: int = 0
    beyond_noise: int = 0
    deltas: Counter = dataclasses.field(default_factory=Counter)

    def suggested_noise(self) -> int:
        """Smallest n exceeded (either way) by at most 20 % of unchanged people, so by
        about 10 % in the direction of progress."""
        exceeding = self.comparisons
        for delta in range(0, max(self.deltas, default=0) + 1):
            exceeding -= self.deltas[delta]
            if exceeding <= 0.2 * self.comparisons:
                return delta
        return 0


def simulate(ref: Referential, respondents: int, seed: int) -> str:
    started = time.perf_counter()
    people = make_respondents(ref, respondents, seed)
    screenings: list[ScreeningResult] = []
    in_depths: list[InDepthResult] = []
    for person in people:
        rng = random.Random(f"{seed}-answers-{person.number}")
        screening = run_screening(ref, person, rng)
        screenings.append(screening)
        in_depths.append(run_in_depth(ref, person, rng, screening))
    truth = [person.true_class for person in people]
    screening_agreement = agreement(truth, [s.pathway for s in screenings])
    in_depth_agreement = agreement(truth, [d.pathway for d in in_depths])
    comparisons = [
        compare_with_screening(s, d, ref) for s, d in zip(screenings, in_depths, strict=True)
    ]
    agree = sum(c.agrees for c in comparisons) / len(comparisons)
    same_pathway = sum(c.same_pathway for c in comparisons) / len(comparisons)
    asked = [len(s.asked) for s in screenings]
    observed = [d.items_observed for d in in_depths]

    retest_people = people[: min(RETEST_RESPONDENTS, len(people))]
    retest = _retest(ref, retest_people, seed)
    gain = _gain(ref, [p for p in retest_people if p.true_class != "autonomie"], seed)
    elapsed = time.perf_counter() - started
    return _report(
        ref, seed, people, screenings, in_depths, screening_agreement, in_depth_agreement,
        agree, same_pathway, asked, observed, retest, gain, elapsed,
    )  # fmt: skip


def _retest(ref: Referential, people: Sequence[Respondent], seed: int) -> dict:
    """Assess the same people twice: every change beyond the noise is a false alarm."""
    counts: dict = {
        kind: {
            "areas": {area.code: RetestCounts() for area in ref.areas},
            "total": RetestCounts(),
            "typology": RetestCounts(),
            "pathway": RetestCounts(),
            "false_progress": RetestCounts(),
            "any_progress": RetestCounts(),
        }
        for kind in ("screening", "in_depth")
    }
    for person in people:
        runs = []
        for attempt in (1, 2):
            rng = random.Random(f"{seed}-retest-{attempt}-{person.number}")
            screening = run_screening(ref, person, rng)
            runs.append((screening, run_in_depth(ref, person, rng, screening)))
        for index, kind in enumerate(("screening", "in_depth")):
            first, second = runs[0][index], runs[1][index]
            for area in ref.areas:
                noise = area.screening_noise if kind == "screening" else area.in_depth_noise
                delta = abs(first.area_values[area.code] - second.area_values[area.code])
                _count(counts[kind]["areas"][area.code], delta, noise)
            total_noise = (
                ref.screening_total_noise if kind == "screening" else ref.in_depth_total_noise
            )
            _count(counts[kind]["total"], abs(first.total - second.total), total_noise)
            _count(counts[kind]["typology"], int(first.typology != second.typology), 0)
            _count(counts[kind]["pathway"], int(first.pathway != second.pathway), 0)
            progress = compare_assessments(first, second, ref)
            _count(counts[kind]["false_progress"], int(progress.verdict == "progres"), 0)
            _count(counts[kind]["any_progress"], int(_shows_progress(progress)), 0)
    return counts


def _shows_progress(progress: Progress) -> bool:
    """A looser reading: progress in any area or in the total."""
    total_up = progress.total is not None and progress.total.direction == "progres"
    return bool(progress.progressed_areas) or total_up


def _rate(count: int, counts: RetestCounts) -> str:
    return _pct(count / max(counts.comparisons, 1))


def _count(counts: RetestCounts, delta: int, noise: int) -> None:
    counts.comparisons += 1
    counts.deltas[delta] += 1
    counts.changed += delta > 0
    counts.beyond_noise += delta > noise


def _gain(ref: Referential, people: Sequence[Respondent], seed: int) -> dict[str, float]:
    """A real gain of REAL_GAIN on θ: how often do the two kinds of assessment show it?"""
    shown = Counter()
    for person in people:
        runs = []
        for attempt, who in ((1, person), (2, person.trained(REAL_GAIN))):
            rng = random.Random(f"{seed}-gain-{attempt}-{person.number}")
            screening = run_screening(ref, who, rng)
            runs.append((screening, run_in_depth(ref, who, rng, screening)))
        for index, kind in enumerate(("screening", "in_depth")):
            progress = compare_assessments(runs[0][index], runs[1][index], ref)
            shown[kind] += progress.verdict == "progres"
            shown[f"{kind}_any"] += _shows_progress(progress)
            shown[f"{kind}_typology"] += progress.typology_direction == "progres"
    size = max(len(people), 1)
    return {"people": len(people), **{key: value / size for key, value in shown.items()}}


def _report(
    ref, seed, people, screenings, in_depths, screening_agreement, in_depth_agreement,
    agree, same_pathway, asked, observed, retest, gain, elapsed,
) -> str:  # fmt: skip
    true_counts = Counter(person.true_class for person in people)
    lines = [
        "# Simulation du repérage et de l'évaluation approfondie",
        "",
        "Écrit par `python -m bench.assessment_simulation` : ne pas modifier à la main.",
        "",
        f"Référentiel **{ref.version}** (`{ref.content_hash[:12]}`), graine {seed}, "
        f"{len(people)} personnes simulées, dont {retest['screening']['total'].comparisons} "
        "évaluées deux fois.",
        "",
        f"Durée du calcul : {_num(elapsed, 1)} s.",
        "",
        "## Comment les personnes sont simulées",
        "",
        "- **Vraie classe** tirée avec les parts de l'étude de Grenoble (16 / 62 / 27, qui font "
        "105 % dans la source : utilisées comme poids), puis une capacité latente θ dans la "
        "bande de la classe : assistance θ < −1, accès accompagné −1 ≤ θ < 1, autonomie θ ≥ 1 "
        f"(loi normale centrée à −2, 0, 2, écart-type {_num(THETA_SPREAD, 1)}, retirée jusqu'à "
        "tomber dans la bande), et un écart personnel par domaine "
        f"(écart-type {_num(AREA_SPREAD)}).",
        "- **Repérage** : chaque tâche est faite seule avec la probabilité "
        f"σ({_num(SLOPE, 1)}·(θ − b)), avec de l'aide dès θ − b > −{_num(HELP_MARGIN, 1)} ; "
        f"puis un bruit déclaratif : {_pct(OVER_RATE)} des réponses d'un cran trop haut, "
        f"{_pct(UNDER_RATE)} d'un cran trop bas. L'usage d'internet suit θ avec un bruit "
        "(écart-type 0,6). Les questions posées sont celles de `next_questions`.",
        "- **Évaluation approfondie** : la tâche de niveau k a la difficulté "
        f"{', '.join(_num(d, 1) for d in LEVEL_DIFFICULTY)} (k = 1 à 4), même modèle, "
        f"{_pct(OBSERVATION_ERROR)} d'erreurs d'observation ; l'ordre est celui de `next_item`, "
        "qui part du niveau donné par la typologie du repérage.",
        "",
        "Les accords ci-dessous mesurent la cohérence du moteur **avec ce modèle**, pas sa "
        "validité sur le terrain : celle-ci demande le pilote décrit dans "
        "`docs/assessment.md` (comparaison à l'avis des médiateurs, kappa pondéré, sensibilité "
        "pour l'assistance).",
        "",
        "## Vraies classes",
        "",
        "| Classe | Personnes | Part |",
        "|---|---:|---:|",
        *(
            f"| {PATHWAY_LABELS[p]} | {true_counts[p]} | {_pct(true_counts[p] / len(people))} |"
            for p in PATHWAYS
        ),
        "",
        "## Repérage",
        "",
        *_shares(ref, [s.typology for s in screenings]),
        "",
        *_agreement_lines("repérage", screening_agreement),
        f"- Questions posées : {_num(sum(asked) / len(asked), 1)} en moyenne "
        f"(de {min(asked)} à {max(asked)}), soit environ "
        f"{_num(sum(asked) / len(asked) * SECONDS_PER_QUESTION / 60, 1)} min à "
        f"{SECONDS_PER_QUESTION} s par question.",
        "",
        "## Évaluation approfondie",
        "",
        *_shares(ref, [d.typology for d in in_depths]),
        "",
        *_agreement_lines("évaluation approfondie", in_depth_agreement),
        f"- Tâches observées : {_num(sum(observed) / len(observed), 1)} en moyenne "
        f"(de {min(observed)} à {max(observed)} sur {len(ref.in_depth.items)}), soit environ "
        f"{_num(sum(observed) / len(observed) * MINUTES_PER_ITEM, 0)} min à "
        f"{_num(MINUTES_PER_ITEM, 1)} min par tâche.",
        "",
        "## Repérage et évaluation approfondie",
        "",
        f"- Même typologie : **{_pct(agree)}** (le médiateur confirme le repérage) ; même "
        f"parcours : {_pct(same_pathway)}.",
        "",
        "## Bruit de mesure : la même personne évaluée deux fois",
        "",
        "Une personne dont les compétences n'ont pas changé est évaluée deux fois (réponses "
        "tirées à nouveau). Le référentiel fixe le *bruit* de chaque mesure : seul un écart "
        "plus grand compte comme progrès ou recul. La règle : le plus petit écart que moins "
        "de 20 % des personnes sans changement dépassent (dans un sens ou dans l'autre), donc "
        "environ 10 % dans le sens du progrès. La colonne « suggéré » applique cette règle à "
        "la simulation ; « référentiel » est la valeur utilisée.",
        "",
        "| Mesure | Repérage : écart ≠ 0 | au-delà du bruit | bruit suggéré / référentiel "
        "| Approfondi : écart ≠ 0 | au-delà du bruit | bruit suggéré / référentiel |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    screening, in_depth = retest["screening"], retest["in_depth"]
    rows = [
        (area.label, screening["areas"][area.code], in_depth["areas"][area.code],
         area.screening_noise, area.in_depth_noise)
        for area in ref.areas
    ]  # fmt: skip
    rows.append(
        ("**Total**", screening["total"], in_depth["total"],
         ref.screening_total_noise, ref.in_depth_total_noise)
    )  # fmt: skip
    for label, first, second, first_noise, second_noise in rows:
        lines.append(
            f"| {label} | {_rate(first.changed, first)} | {_rate(first.beyond_noise, first)} "
            f"| {first.suggested_noise()} / {first_noise} "
            f"| {_rate(second.changed, second)} | {_rate(second.beyond_noise, second)} "
            f"| {second.suggested_noise()} / {second_noise} |"
        )
    lines += [
        "",
        "| Sans aucun changement réel | Repérage | Approfondi |",
        "|---|---:|---:|",
        f"| La typologie change | {_rate(screening['typology'].changed, screening['typology'])} "
        f"| {_rate(in_depth['typology'].changed, in_depth['typology'])} |",
        f"| Le parcours change (3 classes) "
        f"| {_rate(screening['pathway'].changed, screening['pathway'])} "
        f"| {_rate(in_depth['pathway'].changed, in_depth['pathway'])} |",
        "| Verdict « progrès » (`Progress.verdict` : le total au-delà du bruit) "
        f"| **{_rate(screening['false_progress'].changed, screening['false_progress'])}** "
        f"| **{_rate(in_depth['false_progress'].changed, in_depth['false_progress'])}** |",
        "| Lecture large : un domaine *ou* le total au-delà du bruit "
        f"| {_rate(screening['any_progress'].changed, screening['any_progress'])} "
        f"| {_rate(in_depth['any_progress'].changed, in_depth['any_progress'])} |",
        "",
        "Une transition de typologie seule ne prouve donc pas un progrès (les personnes proches "
        "d'une frontière entre classes en changent par hasard), et un domaine isolé qui bouge "
        "non plus : six domaines donnent six occasions de fausse alerte. Le verdict suit le "
        "total.",
        "",
        "## Un vrai progrès est-il vu ?",
        "",
        f"{gain['people']} personnes (hors autonomie) gagnent {_num(REAL_GAIN, 1)} de capacité θ "
        "(environ un niveau de tâche) puis refont les deux évaluations.",
        "",
        "| Après un vrai gain | Repérage | Approfondi |",
        "|---|---:|---:|",
        f"| Verdict « progrès » | **{_pct(gain['screening'])}** | **{_pct(gain['in_depth'])}** |",
        f"| Lecture large (un domaine ou le total) | {_pct(gain['screening_any'])} "
        f"| {_pct(gain['in_depth_any'])} |",
        f"| La typologie monte | {_pct(gain['screening_typology'])} "
        f"| {_pct(gain['in_depth_typology'])} |",
        "",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=RESPONDENTS)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--output", default=str(DOC_PATH), help="« - » pour la sortie standard")
    args = parser.parse_args(argv)
    report = simulate(bundled_referential("v1"), args.respondents, args.seed)
    if args.output == "-":
        sys.stdout.write(report)
    else:
        Path(args.output).write_text(report, encoding="utf-8")
        print(f"Rapport écrit : {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
