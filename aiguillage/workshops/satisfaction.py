"""Participants' satisfaction (« Avis des participants », docs/workshops.md): the questions,
when a session's link takes answers, and the results as the organiser reads them.

Answers are anonymous: no person, no IP address. The organiser sees counts per answer
masked under 5 (``aiguillage.disclosure``) and the comments only from 5 answers, sorted by
their text so that their order says nothing of who wrote which (the tablet goes round the
table in order).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import QuerySet, Sum

from aiguillage import disclosure
from aiguillage.workshops.models import (
    Enrolment,
    LearningWish,
    SatisfactionLink,
    SatisfactionResponse,
    SatisfactionScale,
    Session,
    SessionHeadcount,
)

# A link takes answers until this long after the session ends.
LINK_OPEN_FOR = dt.timedelta(days=14)
# Answers a link takes beyond the people expected (a companion, a latecomer counted nowhere).
EXTRA_ANSWERS = 10
COMMENT_MAX_LENGTH = 500
# (field of SatisfactionResponse, its choices), in the order of the form.
QUESTIONS: tuple[tuple[str, type[SatisfactionScale] | type[LearningWish]], ...] = (
    ("useful", SatisfactionScale),
    ("clear", SatisfactionScale),
    ("at_ease", SatisfactionScale),
    ("wants_more", LearningWish),
)
TOTAL = "total"


def link_closes_at(session: Session) -> dt.datetime:
    return session.ends_at + LINK_OPEN_FOR


def answer_cap(session: Session) -> int:
    """How many answers a session's link takes: its seated participants (the cycle's for a
    cycle's session), the people counted without enrolment, and ``EXTRA_ANSWERS``."""
    seated = Enrolment.objects.for_target(session.target).seated().count()
    counted = SessionHeadcount.objects.filter(session=session).aggregate(n=Sum("count"))["n"]
    return seated + (counted or 0) + EXTRA_ANSWERS


def closes_at(link: SatisfactionLink) -> dt.datetime:
    """When the link closes: 14 days after the session, even if it was moved later since the
    link was opened."""
    return max(link.closes_at, link_closes_at(link.session))


def closed_reason(link: SatisfactionLink, *, now: dt.datetime) -> str:
    """Why the link takes no answer any more (French, for participants), "" while open."""
    if link.session.is_cancelled:
        return "Cet atelier a été annulé : le questionnaire est fermé."
    if now >= closes_at(link):
        return (
            "Ce questionnaire est fermé : on peut donner son avis pendant 14 jours après "
            "l'atelier. Merci quand même !"
        )
    if link.responses.count() >= answer_cap(link.session):
        return "Ce questionnaire a reçu toutes les réponses attendues. Merci quand même !"
    return ""


@dataclass(frozen=True)
class AnswerCount:
    label: str
    shown: str  # the count, « < 5 » or « (masqué) »


@dataclass(frozen=True)
class QuestionResult:
    text: str
    answers: tuple[AnswerCount, ...]


@dataclass(frozen=True)
class SatisfactionResults:
    count: int
    total: str  # the number of answers as shown
    questions: tuple[QuestionResult, ...]
    comments: tuple[str, ...]  # empty under MASK_BELOW answers

    @property
    def shows_comments(self) -> bool:
        return self.count >= disclosure.MASK_BELOW


def satisfaction_results(responses: QuerySet[SatisfactionResponse]) -> SatisfactionResults:
    """Counts per answer of these responses, masked, in one query.

    The four questions share one total (every answer is required), so the table is one set
    of lines with a common last cell: a count masked in one question cannot be worked out
    from another."""
    fields = [name for name, _ in QUESTIONS]
    rows = list(responses.values_list(*fields, "comment"))
    counts = {name: Counter(row[index] for row in rows) for index, name in enumerate(fields)}
    values: dict[object, int] = {
        (name, code): counts[name][code] for name, choices in QUESTIONS for code in choices.values
    }
    values[TOTAL] = len(rows)
    lines = [[(name, code) for code in choices.values] + [TOTAL] for name, choices in QUESTIONS]
    shown = disclosure.masked_texts(values, lines)
    questions = tuple(
        QuestionResult(
            text=str(SatisfactionResponse._meta.get_field(name).verbose_name),
            answers=tuple(
                AnswerCount(str(label), shown[(name, code)]) for code, label in choices.choices
            ),
        )
        for name, choices in QUESTIONS
    )
    comments: tuple[str, ...] = ()
    if len(rows) >= disclosure.MASK_BELOW:
        comments = tuple(sorted((row[-1] for row in rows if row[-1]), key=str.casefold))
    return SatisfactionResults(
        count=len(rows), total=shown[TOTAL], questions=questions, comments=comments
    )
