"""The referential as frozen dataclasses: what the engine reads, never writes.

``referential.py`` builds these from the JSON file and validates them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from aiguillage.assessments.engine import conditions as cond


class ReferentialMismatch(ValueError):
    """A stored assessment names a version or hash that this referential does not have."""


@dataclass(frozen=True)
class Choice:
    code: str
    label: str
    label_simple: str  # the « very simple wording » variant
    pictogram: str  # an emoji
    rank: int  # position on the scale, 0 = lowest (meaningful only on ordered scales)
    points: int


@dataclass(frozen=True)
class Scale:
    id: str
    label: str
    ordered: bool
    multiple: bool
    choices: tuple[Choice, ...]
    exclusive: frozenset[str]  # choices that cannot be ticked with another (« Rien »)

    def choice(self, code: str) -> Choice:
        return self._by_code[code]

    def has(self, code: str) -> bool:
        return code in self._by_code

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(choice.code for choice in self.choices)

    @property
    def lowest(self) -> Choice:
        return self.choices[0]

    @property
    def highest(self) -> Choice:
        return self.choices[-1]

    @cached_property
    def _by_code(self) -> dict[str, Choice]:
        return {choice.code: choice for choice in self.choices}


@dataclass(frozen=True)
class SkipCase:
    when: cond.Condition
    reason: str  # completes « … n'a pas été posée, car <reason> »


@dataclass(frozen=True)
class Skip:
    """Do not ask the question when a case holds; score it as ``implied`` (the lowest)."""

    cases: tuple[SkipCase, ...]
    implied: str


@dataclass(frozen=True)
class Question:
    id: str
    position: int
    dimension: str  # "acces" | "competences" | "contexte"
    area: str | None
    digcomp: tuple[str, ...]
    scored: bool
    scale: Scale
    text: str
    text_simple: str
    pictogram: str
    help: str
    skip: Skip | None
    # "personne": asked with the person; "professionnel": recorded by the professional from
    # what they know (never read to the person), optional, outside the question count.
    asked_of: str = "personne"

    @property
    def is_professional(self) -> bool:
        return self.asked_of == "professionnel"


@dataclass(frozen=True)
class Area:
    code: str
    digcomp: str
    label: str
    label_simple: str
    pictogram: str
    description: str
    screening_noise: int  # points of the screening below which a change is noise
    in_depth_noise: int  # levels of the in-depth assessment below which a change is noise


@dataclass(frozen=True)
class Typology:
    code: str
    rank: int  # 0 = needs the most help
    pathway: str  # one of the three Grenoble pathways
    label: str
    pathway_label: str
    description: str
    crosswalk: str


@dataclass(frozen=True)
class Flag:
    code: str
    kind: str  # "acces" | "contexte"
    label: str
    description: str


@dataclass(frozen=True)
class TypologyRule:
    """When ``when`` holds, the typology is at most ``ceiling``."""

    id: str
    ceiling: str
    when: cond.Condition
    reason: str


@dataclass(frozen=True)
class FlagRule:
    id: str
    flag: str
    when: cond.Condition
    reason: str


@dataclass(frozen=True)
class PathwayRule:
    """The first pathway rule that holds sets the recommended pathway (else the typology's)."""

    id: str
    pathway: str
    when: cond.Condition
    reason: str


@dataclass(frozen=True)
class ConsistencyRule:
    """Answers that cannot be true together."""

    id: str
    when: cond.Condition
    message: str


@dataclass(frozen=True)
class Item:
    """One task of the in-depth assessment, at one level of one area."""

    id: str
    area: str
    level: int
    mode: str  # "observation" | "tache"
    digcomp: tuple[str, ...]
    pictogram: str
    text: str
    text_simple: str
    instructions: str
    success: str


@dataclass(frozen=True)
class Level:
    level: int
    label: str
    description: str


@dataclass(frozen=True)
class RecommendationRule:
    id: str
    when: cond.Condition
    services: tuple[str, ...]  # SERVICE_CODES keys
    modalites: tuple[str, ...]
    dispositifs: tuple[str, ...]
    prise_en_charge: tuple[str, ...]
    urgent: bool
    reason: str


@dataclass(frozen=True)
class ScreeningSection:
    minutes: tuple[int, int]
    questions: tuple[Question, ...]
    typology_rules: tuple[TypologyRule, ...]
    default_reason: str
    flag_rules: tuple[FlagRule, ...]
    consistency_rules: tuple[ConsistencyRule, ...]

    @property
    def scored_questions(self) -> tuple[Question, ...]:
        return tuple(question for question in self.questions if question.scored)


@dataclass(frozen=True)
class InDepthSection:
    minutes: tuple[int, int]
    outcome_scale: Scale
    levels: tuple[Level, ...]
    default_start_level: int
    start_levels: tuple[tuple[str, int], ...]  # (typology code, level)
    weak_below: int
    items: tuple[Item, ...]
    typology_rules: tuple[TypologyRule, ...]
    default_reason: str

    @property
    def max_level(self) -> int:
        return self.levels[-1].level


@dataclass(frozen=True)
class ChangelogEntry:
    version: str
    changes: str


@dataclass(frozen=True)
class Referential:
    id: str
    version: str
    title: str
    published_on: str
    content_hash: str
    sources: tuple[str, ...]
    changelog: tuple[ChangelogEntry, ...]
    areas: tuple[Area, ...]
    typologies: tuple[Typology, ...]  # from the most help needed to autonomy
    flags: tuple[Flag, ...]
    scales: tuple[Scale, ...]
    screening: ScreeningSection
    in_depth: InDepthSection
    recommendation_rules: tuple[RecommendationRule, ...]
    screening_total_noise: int
    in_depth_total_noise: int
    pathway_rules: tuple[PathwayRule, ...] = ()
    # The canonical JSON the hash is computed on: what a database row stores, and what
    # load_referential(json.loads(document)) turns back into this same referential.
    document: str = field(default="", repr=False, compare=False)

    def question(self, question_id: str) -> Question:
        return self._questions[question_id]

    def item(self, item_id: str) -> Item:
        return self._items[item_id]

    def area(self, code: str) -> Area:
        return self._areas[code]

    def typology(self, code: str) -> Typology:
        return self._typologies[code]

    def flag(self, code: str) -> Flag:
        return self._flags[code]

    def items_in_area(self, area: str) -> tuple[Item, ...]:
        """The area's items from the easiest to the hardest (one per level)."""
        return self._items_by_area[area]

    def start_level(self, typology: str | None) -> int:
        return dict(self.in_depth.start_levels).get(
            typology or "", self.in_depth.default_start_level
        )

    def pathway_label(self, pathway: str) -> str:
        return next(t.pathway_label for t in self.typologies if t.pathway == pathway)

    @property
    def professional_questions(self) -> tuple[Question, ...]:
        return tuple(q for q in self.screening.questions if q.is_professional)

    def check_pin(self, version: str, content_hash: str) -> None:
        """Refuse to explain a stored result with another referential than its own."""
        if (version, content_hash) != (self.version, self.content_hash):
            raise ReferentialMismatch(
                f"Ce résultat a été calculé avec le référentiel {version} ({content_hash[:12]}…) ; "
                f"le référentiel chargé est {self.version} ({self.content_hash[:12]}…)."
            )

    @cached_property
    def _questions(self) -> dict[str, Question]:
        return {question.id: question for question in self.screening.questions}

    @cached_property
    def _items(self) -> dict[str, Item]:
        return {item.id: item for item in self.in_depth.items}

    @cached_property
    def _areas(self) -> dict[str, Area]:
        return {area.code: area for area in self.areas}

    @cached_property
    def _typologies(self) -> dict[str, Typology]:
        return {typology.code: typology for typology in self.typologies}

    @cached_property
    def _flags(self) -> dict[str, Flag]:
        return {flag.code: flag for flag in self.flags}

    @cached_property
    def _items_by_area(self) -> dict[str, tuple[Item, ...]]:
        return {
            area.code: tuple(
                sorted((i for i in self.in_depth.items if i.area == area.code), key=_level)
            )
            for area in self.areas
        }


def _level(item: Item) -> int:
    return item.level
