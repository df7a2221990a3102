"""The small condition language of the referential, and the French sentences it cites.

A condition is a JSON object with a ``type``. ``all`` and ``any`` combine others; every other
type is an *atom* that one part of the engine knows how to evaluate: screening answers,
in-depth levels, or a computed result (for recommendations).

Typology rules and skip rules may only use *downward* atoms (« at most » comparisons): a
downward condition that holds still holds when answers get worse, and one that fails still
fails when they get better. Combined with « the typology is the lowest ceiling among the
rules that fire », this makes the typology monotone by construction; the referential
loader refuses any other atom in those rules.

Evaluating a condition returns whether it holds and the *citations* that justify it (the
answers, skipped questions or facts it looked at), from which ``compose_sentence`` writes
« Vous avez répondu « Jamais » à « … » : <raison>. »
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

# Where an atom may appear. A rule's context decides which atoms it may use.
SKIP = "skip"
SCREENING_TYPOLOGY = "screening_typology"
SCREENING_FLAG = "screening_flag"
CONSISTENCY = "consistency"
IN_DEPTH_TYPOLOGY = "in_depth_typology"
RECOMMENDATION = "recommendation"

_ANSWER_CONTEXTS = frozenset({SKIP, SCREENING_TYPOLOGY, SCREENING_FLAG, CONSISTENCY})
# Contexts whose rules must be monotone (see the module docstring).
DOWNWARD_CONTEXTS = frozenset({SKIP, SCREENING_TYPOLOGY, IN_DEPTH_TYPOLOGY})


@dataclass(frozen=True)
class Citation:
    """What a rule looked at: an answer, a question that was not asked, or a plain fact."""

    kind: str  # "answer" | "skipped" | "fact"
    subject: str  # question id, area code or item id ("" for a global fact)
    text: str  # the question's text, or the whole fact for kind "fact"
    value: str = ""  # the answer's label(s) for "answer" and "skipped"
    note: str = ""  # why a question was skipped


@dataclass(frozen=True)
class Evaluation:
    holds: bool
    citations: tuple[Citation, ...] = ()


# --- Condition classes -------------------------------------------------------------------


@dataclass(frozen=True)
class All:
    TYPE: ClassVar[str] = "all"
    of: tuple[Condition, ...]


@dataclass(frozen=True)
class AnyOf:
    TYPE: ClassVar[str] = "any"
    of: tuple[Condition, ...]


@dataclass(frozen=True)
class Atom:
    TYPE: ClassVar[str] = ""
    CONTEXTS: ClassVar[frozenset[str]] = frozenset()
    DOWNWARD: ClassVar[bool] = False


@dataclass(frozen=True)
class AnswerAtMost(Atom):
    """The answer is at most ``value`` on its (ordered) scale."""

    TYPE: ClassVar[str] = "answer_at_most"
    CONTEXTS: ClassVar[frozenset[str]] = _ANSWER_CONTEXTS
    DOWNWARD: ClassVar[bool] = True
    question: str
    value: str


@dataclass(frozen=True)
class AnswerAtLeast(Atom):
    TYPE: ClassVar[str] = "answer_at_least"
    CONTEXTS: ClassVar[frozenset[str]] = _ANSWER_CONTEXTS
    question: str
    value: str


@dataclass(frozen=True)
class AnswerIn(Atom):
    TYPE: ClassVar[str] = "answer_in"
    CONTEXTS: ClassVar[frozenset[str]] = _ANSWER_CONTEXTS
    question: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class AnswerIncludes(Atom):
    """A multiple-choice answer includes ``value``."""

    TYPE: ClassVar[str] = "answer_includes"
    CONTEXTS: ClassVar[frozenset[str]] = _ANSWER_CONTEXTS
    question: str
    value: str


@dataclass(frozen=True)
class CountAtMost(Atom):
    """At least ``min_count`` of ``questions`` are answered at most ``value``."""

    TYPE: ClassVar[str] = "count_at_most"
    CONTEXTS: ClassVar[frozenset[str]] = _ANSWER_CONTEXTS
    DOWNWARD: ClassVar[bool] = True
    questions: tuple[str, ...]
    value: str
    min_count: int


@dataclass(frozen=True)
class ScoreAtMost(Atom):
    """The points of ``questions`` add up to at most ``max_points``."""

    TYPE: ClassVar[str] = "score_at_most"
    CONTEXTS: ClassVar[frozenset[str]] = _ANSWER_CONTEXTS
    DOWNWARD: ClassVar[bool] = True
    questions: tuple[str, ...]
    max_points: int


@dataclass(frozen=True)
class AreasWithout(Atom):
    """At least ``min_count`` areas have no scored answer at ``value`` or better."""

    TYPE: ClassVar[str] = "areas_without"
    CONTEXTS: ClassVar[frozenset[str]] = _ANSWER_CONTEXTS
    DOWNWARD: ClassVar[bool] = True
    value: str
    min_count: int


@dataclass(frozen=True)
class TypologyAtMost(Atom):
    TYPE: ClassVar[str] = "typology_at_most"
    CONTEXTS: ClassVar[frozenset[str]] = frozenset({SCREENING_FLAG, RECOMMENDATION})
    DOWNWARD: ClassVar[bool] = True
    typology: str


@dataclass(frozen=True)
class LevelAtMost(Atom):
    TYPE: ClassVar[str] = "level_at_most"
    CONTEXTS: ClassVar[frozenset[str]] = frozenset({IN_DEPTH_TYPOLOGY})
    DOWNWARD: ClassVar[bool] = True
    area: str
    level: int


@dataclass(frozen=True)
class CountLevelsAtMost(Atom):
    """At least ``min_count`` areas are at most at ``level``."""

    TYPE: ClassVar[str] = "count_levels_at_most"
    CONTEXTS: ClassVar[frozenset[str]] = frozenset({IN_DEPTH_TYPOLOGY})
    DOWNWARD: ClassVar[bool] = True
    level: int
    min_count: int


@dataclass(frozen=True)
class TotalLevelAtMost(Atom):
    TYPE: ClassVar[str] = "total_level_at_most"
    CONTEXTS: ClassVar[frozenset[str]] = frozenset({IN_DEPTH_TYPOLOGY})
    DOWNWARD: ClassVar[bool] = True
    max_total: int


@dataclass(frozen=True)
class TypologyIn(Atom):
    TYPE: ClassVar[str] = "typology_in"
    CONTEXTS: ClassVar[frozenset[str]] = frozenset({RECOMMENDATION})
    typologies: tuple[str, ...]


@dataclass(frozen=True)
class HasFlag(Atom):
    TYPE: ClassVar[str] = "has_flag"
    CONTEXTS: ClassVar[frozenset[str]] = frozenset({RECOMMENDATION})
    flag: str


@dataclass(frozen=True)
class WeakArea(Atom):
    TYPE: ClassVar[str] = "weak_area"
    CONTEXTS: ClassVar[frozenset[str]] = frozenset({RECOMMENDATION})
    area: str


Condition = All | AnyOf | Atom

ATOM_TYPES: dict[str, type[Atom]] = {
    cls.TYPE: cls
    for cls in (
        AnswerAtMost,
        AnswerAtLeast,
        AnswerIn,
        AnswerIncludes,
        CountAtMost,
        ScoreAtMost,
        AreasWithout,
        TypologyAtMost,
        LevelAtMost,
        CountLevelsAtMost,
        TotalLevelAtMost,
        TypologyIn,
        HasFlag,
        WeakArea,
    )
}


# --- Parsing -------------------------------------------------------------------------------


def parse_condition(data: Any, where: str, context: str, errors: list[str]) -> Condition | None:
    """Build a condition from its JSON form; append French messages to ``errors``.

    Checks the shape and that each atom is allowed in ``context``; the loader then checks
    the names the atoms refer to (questions, values, areas…).
    """
    if not isinstance(data, dict):
        errors.append(f"{where} : la condition doit être un objet avec un « type ».")
        return None
    kind = data.get("type")
    if kind in ("all", "any"):
        extra = sorted(set(data) - {"type", "of"})
        if extra:
            errors.append(f"{where} : clé inconnue « {extra[0]} » dans une condition « {kind} ».")
        parts = data.get("of")
        if not isinstance(parts, list) or not parts:
            errors.append(f"{where} : « {kind} » demande une liste « of » non vide.")
            return None
        parsed = [parse_condition(part, where, context, errors) for part in parts]
        if any(part is None for part in parsed):
            return None
        return (All if kind == "all" else AnyOf)(of=tuple(parsed))  # type: ignore[arg-type]
    cls = ATOM_TYPES.get(kind) if isinstance(kind, str) else None
    if cls is None:
        known = ", ".join(sorted({"all", "any", *ATOM_TYPES}))
        errors.append(
            f"{where} : type de condition inconnu « {kind} » (types possibles : {known})."
        )
        return None
    if context not in cls.CONTEXTS:
        errors.append(f"{where} : une condition « {kind} » n'a pas de sens dans cette règle.")
        return None
    if context in DOWNWARD_CONTEXTS and not cls.DOWNWARD:
        errors.append(
            f"{where} : seules les conditions « au plus » (answer_at_most, count_at_most, "
            f"score_at_most, areas_without, level_at_most…) sont permises ici, sinon une "
            f"meilleure réponse pourrait baisser le résultat ; « {kind} » est refusé."
        )
        return None
    return _parse_atom(cls, data, where, errors)


def _parse_atom(cls: type[Atom], data: dict, where: str, errors: list[str]) -> Atom | None:
    fields = {field.name: field.type for field in dataclasses.fields(cls)}
    extra = sorted(set(data) - set(fields) - {"type"})
    if extra:
        errors.append(f"{where} : clé inconnue « {extra[0]} » dans une condition « {cls.TYPE} ».")
    values: dict[str, Any] = {}
    ok = True
    for name, annotation in fields.items():
        value = data.get(name)
        if annotation == "int":
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                errors.append(f"{where} : « {name} » doit être un entier positif ou nul.")
                ok = False
        elif annotation == "str":
            if not isinstance(value, str) or not value:
                errors.append(f"{where} : « {name} » doit être un texte non vide.")
                ok = False
        else:  # tuple[str, ...]
            if (
                not isinstance(value, list)
                or not value
                or not all(isinstance(item, str) and item for item in value)
            ):
                errors.append(f"{where} : « {name} » doit être une liste de textes non vide.")
                ok = False
            else:
                value = tuple(value)
        values[name] = value
    return cls(**values) if ok else None


def iter_atoms(condition: Condition) -> Iterator[Atom]:
    if isinstance(condition, All | AnyOf):
        for part in condition.of:
            yield from iter_atoms(part)
    else:
        yield condition


# --- Evaluation ----------------------------------------------------------------------------


def evaluate(condition: Condition, atom: Callable[[Atom], Evaluation]) -> Evaluation:
    """Evaluate ``condition``; ``atom`` evaluates the atoms of one part of the engine.

    ``all`` cites everything it looked at; ``any`` cites only the parts that hold, so that
    a reason never quotes an answer that did not matter.
    """
    if isinstance(condition, All):
        parts = [evaluate(part, atom) for part in condition.of]
        holds = all(part.holds for part in parts)
        return Evaluation(holds, _merge(part.citations for part in parts) if holds else ())
    if isinstance(condition, AnyOf):
        parts = [evaluate(part, atom) for part in condition.of]
        held = [part for part in parts if part.holds]
        return Evaluation(bool(held), _merge(part.citations for part in held))
    return atom(condition)


def _merge(groups: Iterator[tuple[Citation, ...]] | Sequence[tuple[Citation, ...]]) -> tuple:
    seen: dict[Citation, None] = {}
    for group in groups:
        for citation in group:
            seen.setdefault(citation, None)
    return tuple(seen)


# --- French sentences ----------------------------------------------------------------------


def quoted(text: str) -> str:
    return f"« {text} »"


def join_fr(parts: Sequence[str]) -> str:
    """« a », « a et b », « a, b et c »."""
    if not parts:
        return ""
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + " et " + parts[-1]


def compose_sentence(citations: Sequence[Citation], reason: str) -> str:
    """« Vous avez répondu « X » à « Q » ; … : <reason>. »"""
    clauses = _answer_clauses(citations) + _skipped_clauses(citations)
    clauses += [citation.text for citation in citations if citation.kind == "fact"]
    reason = reason.rstrip(" .")
    if not clauses:
        return _capitalize(reason) + "."
    return _capitalize(" ; ".join(clauses)) + " : " + reason + "."


def _answer_clauses(citations: Sequence[Citation]) -> list[str]:
    by_value: dict[str, list[str]] = {}
    for citation in citations:
        if citation.kind == "answer":
            by_value.setdefault(citation.value, []).append(quoted(citation.text))
    if not by_value:
        return []
    groups = [f"{quoted(value)} à {join_fr(texts)}" for value, texts in by_value.items()]
    return ["vous avez répondu " + " ; ".join(groups)]


def _skipped_clauses(citations: Sequence[Citation]) -> list[str]:
    by_value: dict[tuple[str, str], list[str]] = {}
    for citation in citations:
        if citation.kind == "skipped":
            by_value.setdefault((citation.value, citation.note), []).append(quoted(citation.text))
    clauses = []
    for (value, note), texts in by_value.items():
        because = f", car {note}" if note else ""
        if len(texts) == 1:
            clauses.append(
                f"la question {texts[0]} n'a pas été posée{because} "
                f"(réponse comptée : {quoted(value)})"
            )
        else:
            clauses.append(
                f"les questions {join_fr(texts)} n'ont pas été posées{because} "
                f"(réponses comptées : {quoted(value)})"
            )
    return clauses


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]
