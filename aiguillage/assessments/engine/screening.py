"""Screening: the dozen questions a social worker asks with the person, and their result.

Answers are a mapping ``question id → choice code`` (a list of codes for a multiple-choice
question); ``None``, ``""`` or ``[]`` mean « not answered yet », so drafts are fine.

A question whose skip condition holds is not asked and counts as its lowest answer (the
referential enforces it). The typology is the lowest *ceiling* among the typology rules
that fire, autonomy when none fires: the rules only use « at most » conditions, so a
better answer can never lower the typology. Every rule that fires is reported as a French
sentence citing the answers it looked at.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aiguillage.assessments.engine import conditions as cond
from aiguillage.assessments.engine.model import Question, Referential

Answers = Mapping[str, str | Sequence[str] | None]
MODE = "screening"


class InvalidAnswers(ValueError):
    """Answers that cannot be scored; ``errors`` lists the reasons, in French."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


@dataclass(frozen=True)
class Reason:
    """A rule that fired, with its French sentence."""

    rule: str
    sentence: str
    decisive: bool  # this rule sets the typology (its ceiling is the result)
    ceiling: str
    citations: tuple[cond.Citation, ...]


@dataclass(frozen=True)
class FlagResult:
    code: str
    kind: str  # "acces" | "contexte"
    label: str
    rule: str
    sentence: str


@dataclass(frozen=True)
class AreaScore:
    area: str
    label: str
    points: int
    max_points: int
    weak: bool  # no task of the area done alone


@dataclass(frozen=True)
class ScreeningResult:
    referential_id: str
    referential_version: str
    referential_hash: str
    typology: str
    typology_label: str
    pathway: str
    reasons: tuple[Reason, ...]  # decisive rules first
    access_gaps: tuple[FlagResult, ...]
    context_flags: tuple[FlagResult, ...]
    area_scores: tuple[AreaScore, ...]
    score: int
    max_score: int
    asked: tuple[str, ...]
    skipped: tuple[str, ...]
    mode: str = MODE

    @property
    def flag_codes(self) -> frozenset[str]:
        return frozenset(flag.code for flag in self.access_gaps + self.context_flags)

    @property
    def weak_areas(self) -> frozenset[str]:
        return frozenset(area.area for area in self.area_scores if area.weak)

    @property
    def area_values(self) -> dict[str, int]:
        """Points per area: what progress compares between two screenings."""
        return {area.area: area.points for area in self.area_scores}

    @property
    def total(self) -> int:
        return self.score

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data, to store next to the answers."""
        return dataclasses.asdict(self)


# --- Walking the questionnaire -------------------------------------------------------------


@dataclass
class _Walk:
    """The questionnaire as the answers make it: what is asked, skipped, still missing."""

    effective: dict[str, tuple[str, ...]]  # answered, or implied by a skip
    skipped: dict[str, str]  # question id → why it was not asked
    asked: list[Question]
    missing: list[Question]


def _normalise(ref: Referential, answers: Answers) -> tuple[dict[str, tuple[str, ...]], list[str]]:
    """Keep the well-formed answers; describe the others in French."""
    clean: dict[str, tuple[str, ...]] = {}
    errors: list[str] = []
    known = {question.id for question in ref.screening.questions}
    for question_id, raw in answers.items():
        if question_id not in known:
            errors.append(
                f"La question « {question_id} » n'existe pas dans le référentiel {ref.version}."
            )
            continue
        question = ref.question(question_id)
        values = tuple(raw) if isinstance(raw, list | tuple) else (raw,)
        if values in ((), (None,), ("",)):
            continue  # not answered yet
        problem = _value_problem(question, values)
        if problem:
            errors.append(problem)
        else:
            clean[question_id] = values
    return clean, errors


def _value_problem(question: Question, values: tuple[Any, ...]) -> str:
    scale = question.scale
    possible = ", ".join(cond.quoted(choice.label) for choice in scale.choices)
    for value in values:
        if not isinstance(value, str) or not scale.has(value):
            return (
                f"« {value} » n'est pas une réponse possible à « {question.text} ». "
                f"Réponses possibles : {possible}."
            )
    if len(values) > 1 and not scale.multiple:
        return f"Une seule réponse possible à « {question.text} »."
    if len(set(values)) != len(values):
        return f"La même réponse est cochée deux fois à « {question.text} »."
    exclusive = [v for v in values if v in scale.exclusive]
    if exclusive and len(values) > 1:
        label = scale.choice(exclusive[0]).label
        return f"« {label} » ne peut pas être cochée avec une autre réponse à « {question.text} »."
    return ""


def _walk(ref: Referential, given: Mapping[str, tuple[str, ...]]) -> _Walk:
    walk = _Walk(effective={}, skipped={}, asked=[], missing=[])
    atoms = _Atoms(ref, walk)
    for question in ref.screening.questions:
        if question.is_professional:
            # The professional's part: optional, never in the person's questions.
            if question.id in given:
                walk.effective[question.id] = given[question.id]
            continue
        reason = _skip_reason(question, atoms)
        if reason is not None and question.skip is not None:
            walk.skipped[question.id] = reason
            walk.effective[question.id] = (question.skip.implied,)
            continue
        walk.asked.append(question)
        if question.id in given:
            walk.effective[question.id] = given[question.id]
        else:
            walk.missing.append(question)
    return walk


def _skip_reason(question: Question, atoms: _Atoms) -> str | None:
    if question.skip is None:
        return None
    for case in question.skip.cases:
        if cond.evaluate(case.when, atoms).holds:
            return case.reason
    return None


def visible_questions(ref: Referential, answers: Answers) -> list[Question]:
    """The questions to show for these answers, in order (answered or not)."""
    clean, _ = _normalise(ref, answers)
    return _walk(ref, clean).asked


def next_questions(ref: Referential, answers: Answers) -> list[Question]:
    """The questions still to ask, in order; the first one is the next screen. Empty: done."""
    clean, _ = _normalise(ref, answers)
    return _walk(ref, clean).missing


def prune_skipped(ref: Referential, answers: Answers) -> dict[str, Any]:
    """The answers without those to questions that no longer apply (after a change)."""
    clean, _ = _normalise(ref, answers)
    skipped = _walk(ref, clean).skipped
    return {key: value for key, value in answers.items() if key not in skipped}


def validate_answers(ref: Referential, answers: Answers, *, complete: bool = False) -> list[str]:
    """French messages for impossible answers; with ``complete``, also for missing ones."""
    clean, errors = _normalise(ref, answers)
    walk = _walk(ref, clean)
    for question_id in clean:
        reason = walk.skipped.get(question_id)
        if reason is not None:
            errors.append(
                f"La question « {ref.question(question_id).text} » ne se pose pas, "
                f"car {reason} : retirez sa réponse."
            )
    atoms = _Atoms(ref, walk)
    for rule in ref.screening.consistency_rules:
        evaluation = cond.evaluate(rule.when, atoms)
        if evaluation.holds:
            sentence = cond.compose_sentence(evaluation.citations, rule.message)
            errors.append(f"Réponses contradictoires. {sentence}")
    if complete:
        errors.extend(f"Il manque la réponse à « {q.text} »." for q in walk.missing)
    return errors


# --- Scoring -------------------------------------------------------------------------------


def score_screening(ref: Referential, answers: Answers) -> ScreeningResult:
    """The typology, access gaps and context flags of complete answers, with their reasons.

    Raises ``InvalidAnswers`` (French messages) for impossible or incomplete answers.
    """
    errors = validate_answers(ref, answers, complete=True)
    if errors:
        raise InvalidAnswers(errors)
    clean, _ = _normalise(ref, answers)
    walk = _walk(ref, clean)
    atoms = _Atoms(ref, walk)
    typology, reasons = _typology(ref, atoms)
    atoms.typology = typology
    gaps: list[FlagResult] = []
    context: list[FlagResult] = []
    for rule in ref.screening.flag_rules:
        evaluation = cond.evaluate(rule.when, atoms)
        if evaluation.holds:
            flag = ref.flag(rule.flag)
            sentence = cond.compose_sentence(evaluation.citations, rule.reason)
            result = FlagResult(flag.code, flag.kind, flag.label, rule.id, sentence)
            (gaps if flag.kind == "acces" else context).append(result)
    area_scores = _area_scores(ref, walk)
    info = ref.typology(typology)
    return ScreeningResult(
        referential_id=ref.id,
        referential_version=ref.version,
        referential_hash=ref.content_hash,
        typology=typology,
        typology_label=info.label,
        pathway=info.pathway,
        reasons=reasons,
        access_gaps=_unique_flags(gaps),
        context_flags=_unique_flags(context),
        area_scores=area_scores,
        score=sum(area.points for area in area_scores),
        max_score=sum(area.max_points for area in area_scores),
        asked=tuple(question.id for question in walk.asked),
        skipped=tuple(walk.skipped),
    )


def _typology(ref: Referential, atoms: _Atoms) -> tuple[str, tuple[Reason, ...]]:
    fired = []
    for rule in ref.screening.typology_rules:
        evaluation = cond.evaluate(rule.when, atoms)
        if evaluation.holds:
            fired.append((rule, evaluation))
    return decide_typology(ref, fired, ref.screening.default_reason)


def decide_typology(
    ref: Referential, fired: Sequence[tuple[Any, cond.Evaluation]], default_reason: str
) -> tuple[str, tuple[Reason, ...]]:
    """The lowest ceiling among the fired rules (the top typology if none), and the reasons."""
    if not fired:
        top = ref.typologies[-1].code
        return top, (Reason("defaut", default_reason, True, top, ()),)
    rank = min(ref.typology(rule.ceiling).rank for rule, _ in fired)
    typology = ref.typologies[rank].code
    reasons = [
        Reason(
            rule=rule.id,
            sentence=cond.compose_sentence(evaluation.citations, rule.reason),
            decisive=rule.ceiling == typology,
            ceiling=rule.ceiling,
            citations=evaluation.citations,
        )
        for rule, evaluation in fired
    ]
    reasons.sort(key=lambda reason: not reason.decisive)  # stable: keeps the rules' order
    return typology, tuple(reasons)


def _unique_flags(flags: list[FlagResult]) -> tuple[FlagResult, ...]:
    seen: dict[str, FlagResult] = {}
    for flag in flags:
        seen.setdefault(flag.code, flag)
    return tuple(seen.values())


def _area_scores(ref: Referential, walk: _Walk) -> tuple[AreaScore, ...]:
    scores = []
    for area in ref.areas:
        questions = [q for q in ref.screening.scored_questions if q.area == area.code]
        if not questions:
            continue
        points = sum(q.scale.choice(walk.effective[q.id][0]).points for q in questions)
        best = [walk.effective[q.id][0] == q.scale.highest.code for q in questions]
        scores.append(
            AreaScore(
                area=area.code,
                label=area.label,
                points=points,
                max_points=sum(q.scale.highest.points for q in questions),
                weak=not any(best),
            )
        )
    return tuple(scores)


# --- Atoms over answers --------------------------------------------------------------------


class _Atoms:
    """Evaluates the screening atoms on the effective answers of a walk."""

    def __init__(self, ref: Referential, walk: _Walk) -> None:
        self.ref = ref
        self.walk = walk
        self.typology: str | None = None

    def __call__(self, atom: cond.Atom) -> cond.Evaluation:  # noqa: C901
        if isinstance(atom, cond.AnswerAtMost | cond.AnswerAtLeast):
            rank = self._rank(atom.question)
            if rank is None:
                return cond.Evaluation(False)
            limit = self.ref.question(atom.question).scale.choice(atom.value).rank
            holds = rank <= limit if isinstance(atom, cond.AnswerAtMost) else rank >= limit
            return cond.Evaluation(holds, (self.cite(atom.question),))
        if isinstance(atom, cond.AnswerIn):
            values = self.walk.effective.get(atom.question, ())
            holds = any(value in atom.values for value in values)
            return cond.Evaluation(holds, (self.cite(atom.question),))
        if isinstance(atom, cond.AnswerIncludes):
            holds = atom.value in self.walk.effective.get(atom.question, ())
            return cond.Evaluation(holds, (self.cite(atom.question, only=atom.value),))
        if isinstance(atom, cond.CountAtMost):
            return self._count(atom)
        if isinstance(atom, cond.ScoreAtMost):
            return self._score(atom)
        if isinstance(atom, cond.AreasWithout):
            return self._areas_without(atom)
        if isinstance(atom, cond.TypologyAtMost):
            if self.typology is None:
                return cond.Evaluation(False)
            typology = self.ref.typology(self.typology)
            holds = typology.rank <= self.ref.typology(atom.typology).rank
            fact = cond.Citation("fact", "", f"la typologie est « {typology.label} »")
            return cond.Evaluation(holds, (fact,))
        raise TypeError(f"Condition inattendue dans le repérage : {atom.TYPE}")

    def _rank(self, question_id: str) -> int | None:
        values = self.walk.effective.get(question_id)
        if not values:
            return None
        return self.ref.question(question_id).scale.choice(values[0]).rank

    def cite(self, question_id: str, only: str | None = None) -> cond.Citation:
        question = self.ref.question(question_id)
        values = self.walk.effective.get(question_id, ())
        if only is not None:
            values = tuple(value for value in values if value == only)
        label = ", ".join(question.scale.choice(value).label for value in values)
        if question.is_professional:
            said = f"le professionnel a répondu « {label} » à « {question.text} »"
            return cond.Citation("fact", "", said)
        if question_id in self.walk.skipped:
            reason = self.walk.skipped[question_id]
            return cond.Citation("skipped", question_id, question.text, label, reason)
        return cond.Citation("answer", question_id, question.text, label)

    def _count(self, atom: cond.CountAtMost) -> cond.Evaluation:
        matching = []
        for question_id in atom.questions:
            rank = self._rank(question_id)
            limit = self.ref.question(question_id).scale.choice(atom.value).rank
            if rank is not None and rank <= limit:
                matching.append(question_id)
        return cond.Evaluation(
            len(matching) >= atom.min_count, tuple(self.cite(q) for q in matching)
        )

    def _score(self, atom: cond.ScoreAtMost) -> cond.Evaluation:
        questions = [self.ref.question(q) for q in atom.questions]
        if any(q.id not in self.walk.effective for q in questions):
            return cond.Evaluation(False)  # a draft has no total yet
        total = sum(q.scale.choice(self.walk.effective[q.id][0]).points for q in questions)
        maximum = sum(q.scale.highest.points for q in questions)
        scale = questions[0].scale
        per_choice = ", ".join(
            f"{choice.points} par « {choice.label} »"
            for choice in reversed(scale.choices)
            if choice.points
        )
        fact = cond.Citation(
            "fact", "", f"votre total est de {total} points sur {maximum} ({per_choice})"
        )
        return cond.Evaluation(total <= atom.max_points, (fact,))

    def _areas_without(self, atom: cond.AreasWithout) -> cond.Evaluation:
        lacking = []
        label = ""
        for area in self.ref.areas:
            questions = [q for q in self.ref.screening.scored_questions if q.area == area.code]
            if not questions or any(q.id not in self.walk.effective for q in questions):
                continue
            limit_ok = False
            for question in questions:
                limit = question.scale.choice(atom.value)
                label = limit.label
                rank = question.scale.choice(self.walk.effective[question.id][0]).rank
                limit_ok = limit_ok or rank >= limit.rank
            if not limit_ok:
                lacking.append(area)
        if len(lacking) < atom.min_count:
            return cond.Evaluation(False)
        names = cond.join_fr([cond.quoted(area.label) for area in lacking])
        where = "le domaine" if len(lacking) == 1 else "les domaines"
        fact = cond.Citation("fact", "", f"aucune réponse « {label} » dans {where} {names}")
        return cond.Evaluation(True, (fact,))
