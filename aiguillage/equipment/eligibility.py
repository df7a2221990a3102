"""Who may receive a computer of a programme: the checks and their French explanations.

Pure calculation (no ORM): ``eligibility_records`` reads the facts from the records (the
latest finished screening, the completed cycles) and passes them here.

- **No computer at home** (``Programme.requires_no_device``): the person's latest finished
  screening carries the access gap « pas d'appareil » (``sans_appareil``) or « appareil
  emprunté » (``appareil_emprunte``). The screening's question covers a phone, a tablet or a
  computer: a person who only has a phone of their own answers « à moi » and is not eligible
  by this check; a territory that wants them sets the check off and asks its own question
  among the extra criteria (« Pas d'ordinateur à la maison »).
- **A completed cycle** (``requires_completed_cycle``): an enrolment « suivi » in a cycle (a
  stand-alone session is not a cycle) organised by one of the programme's partner structures,
  of one of ``cycle_kinds`` when the programme lists some. The cycle ends on the day of its
  last session held.
- **Extra criteria**: the territory's questions, answered yes or no by the professional, who
  never keeps a document.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.template.defaultfilters import date as format_date
from django.utils.text import slugify

NO_DEVICE_FLAGS = {"sans_appareil": "pas d'appareil", "appareil_emprunte": "appareil emprunté"}
NO_DEVICE = "sans_ordinateur"
CYCLE = "cycle_termine"


@dataclass(frozen=True)
class Criterion:
    """One of the territory's yes-or-no questions."""

    code: str
    label: str


def extra_criteria(raw: Iterable) -> list[Criterion]:
    """The programme's ``extra_criteria``: each item a question (a string) or a mapping with
    a ``label`` and an optional ``code``; the code defaults to the label's slug."""
    found: list[Criterion] = []
    for item in raw or []:
        if isinstance(item, str):
            label, code = item, ""
        elif isinstance(item, Mapping):
            label, code = str(item.get("label", "")), str(item.get("code", ""))
        else:
            continue
        label = label.strip()
        code = (code or slugify(label)).replace("-", "_")[:50]
        if label and code and code not in {c.code for c in found} | {NO_DEVICE, CYCLE}:
            found.append(Criterion(code, label))
    return found


@dataclass(frozen=True)
class ScreeningFacts:
    completed_on: dt.date
    flag_codes: frozenset[str]


@dataclass(frozen=True)
class CycleFacts:
    enrolment_id: int
    title: str
    completed_on: dt.date


@dataclass(frozen=True)
class Check:
    code: str
    label: str
    met: bool
    explanation: str


@dataclass(frozen=True)
class Eligibility:
    checks: tuple[Check, ...]
    cycle: CycleFacts | None = None

    @property
    def eligible(self) -> bool:
        return all(check.met for check in self.checks)

    @property
    def missing(self) -> list[Check]:
        return [check for check in self.checks if not check.met]

    def record(self) -> dict[str, bool]:
        """What the allocation keeps: {criterion code: met}, never a document."""
        return {check.code: check.met for check in self.checks}

    def refusal(self) -> str:
        reasons = " ; ".join(check.explanation for check in self.missing)
        return f"La personne ne remplit pas les conditions du programme : {reasons}."


def _day(day: dt.date) -> str:
    return format_date(day, "j F Y")


def _device_check(screening: ScreeningFacts | None) -> Check:
    label = "Pas d'ordinateur à la maison"
    if screening is None:
        return Check(
            NO_DEVICE, label, False,
            "Pas de diagnostic terminé : faites d'abord le diagnostic avec la personne "
            "(3 à 5 minutes)",
        )  # fmt: skip
    gaps = [words for code, words in NO_DEVICE_FLAGS.items() if code in screening.flag_codes]
    when = _day(screening.completed_on)
    if gaps:
        return Check(NO_DEVICE, label, True, f"Diagnostic du {when} : {gaps[0]}")
    return Check(
        NO_DEVICE, label, False,
        f"Le diagnostic du {when} dit que la personne a un appareil à elle",
    )  # fmt: skip


def _cycle_check(cycle: CycleFacts | None, kinds: list[str]) -> Check:
    label = "Un cycle d'ateliers terminé"
    if cycle is not None:
        when = _day(cycle.completed_on)
        return Check(CYCLE, label, True, f"Cycle {cycle.title} terminé le {when}")
    which = f" ({', '.join(kinds)})" if kinds else ""
    return Check(
        CYCLE, label, False,
        f"Pas de cycle terminé{which} : la personne peut s'inscrire à un cycle",
    )  # fmt: skip


def _criterion_check(criterion: Criterion, answer: bool | None) -> Check:
    if answer is None:
        explanation = f"« {criterion.label} » : pas encore de réponse"
    else:
        explanation = f"« {criterion.label} » : {'oui' if answer else 'non'}"
    return Check(criterion.code, criterion.label, bool(answer), explanation)


def evaluate(
    *,
    requires_no_device: bool,
    requires_completed_cycle: bool,
    cycle_kinds: list[str],
    criteria: list[Criterion],
    screening: ScreeningFacts | None,
    cycle: CycleFacts | None,
    answers: Mapping[str, bool | None],
) -> Eligibility:
    """Every check the programme sets, in the order the page shows them."""
    checks = []
    if requires_no_device:
        checks.append(_device_check(screening))
    if requires_completed_cycle:
        checks.append(_cycle_check(cycle, cycle_kinds))
    checks.extend(_criterion_check(c, answers.get(c.code)) for c in criteria)
    return Eligibility(tuple(checks), cycle=cycle)
