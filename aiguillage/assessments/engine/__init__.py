"""Pure assessment engine: no ORM, no views. Everything takes a ``Referential`` first.

Typical use::

    ref = bundled_referential("v1")            # or load_referential(path_or_dict)
    next_questions(ref, answers)               # what to ask next (skip logic applied)
    validate_answers(ref, answers)             # French messages, drafts allowed
    result = score_screening(ref, answers)     # typology, gaps, flags, reasons
    recommend(ref, result)                     # services and kinds of support
    next_item(ref, responses, screening_typology=result.typology)
    deep = score_in_depth(ref, responses, screening=result)
    compare_with_screening(result, deep, ref)  # agree / override
    compare_assessments(previous, current, ref)
"""

from aiguillage.assessments.engine.conditions import Citation
from aiguillage.assessments.engine.indepth import (
    AreaLevel,
    InDepthResult,
    ItemStatus,
    ScreeningComparison,
    compare_with_screening,
    item_statuses,
    next_item,
    pending_areas,
    score_in_depth,
    validate_responses,
)
from aiguillage.assessments.engine.model import (
    Area,
    Choice,
    Flag,
    Item,
    Question,
    Referential,
    ReferentialMismatch,
    Scale,
    Typology,
)
from aiguillage.assessments.engine.progress import Change, Progress, compare_assessments
from aiguillage.assessments.engine.recommend import (
    Recommendation,
    RecommendationStep,
    ServiceSuggestion,
    recommend,
)
from aiguillage.assessments.engine.referential import (
    REFERENTIAL_DIR,
    ReferentialError,
    bundled_referential,
    canonical_json,
    content_hash,
    load_referential,
)
from aiguillage.assessments.engine.screening import (
    AreaScore,
    FlagResult,
    InvalidAnswers,
    Reason,
    ScreeningResult,
    next_questions,
    prune_skipped,
    score_screening,
    validate_answers,
    visible_questions,
)

__all__ = [
    "REFERENTIAL_DIR",
    "Area",
    "AreaLevel",
    "AreaScore",
    "Change",
    "Choice",
    "Citation",
    "Flag",
    "FlagResult",
    "InDepthResult",
    "InvalidAnswers",
    "Item",
    "ItemStatus",
    "Progress",
    "Question",
    "Reason",
    "Recommendation",
    "RecommendationStep",
    "Referential",
    "ReferentialError",
    "ReferentialMismatch",
    "Scale",
    "ScreeningComparison",
    "ScreeningResult",
    "ServiceSuggestion",
    "Typology",
    "bundled_referential",
    "canonical_json",
    "compare_assessments",
    "compare_with_screening",
    "content_hash",
    "item_statuses",
    "load_referential",
    "next_item",
    "next_questions",
    "pending_areas",
    "prune_skipped",
    "recommend",
    "score_in_depth",
    "score_screening",
    "validate_answers",
    "validate_responses",
    "visible_questions",
]
