"""The versioned referential: load a JSON file, validate it, and pin it with a content hash.

The referential holds everything a coordinator may want to change (questions, answer
scales, skip rules, DigComp areas, typology rules, recommendations, noise). The engine only
interprets it. An assessment stores ``version`` and ``content_hash`` so that its result can
be recomputed, and explained, with exactly the rules that produced it.

Validation collects every problem it finds and raises one ``ReferentialError`` whose
messages are in French, for the staff member who edits a new version.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from aiguillage.assessments.engine import conditions as cond
from aiguillage.assessments.engine.model import (
    Area,
    ChangelogEntry,
    Choice,
    ConsistencyRule,
    Flag,
    FlagRule,
    InDepthSection,
    Item,
    Level,
    PathwayRule,
    Question,
    RecommendationRule,
    Referential,
    Scale,
    ScreeningSection,
    Skip,
    SkipCase,
    Typology,
    TypologyRule,
)
from aiguillage.places.vocabulary import (
    DISPOSITIF_PROGRAMMES_NATIONAUX,
    MODALITES_ACCOMPAGNEMENT,
    PRISE_EN_CHARGE_SPECIFIQUE,
    SERVICE_CODES,
)

REFERENTIAL_DIR = Path(__file__).resolve().parent.parent / "referential"
FORMAT = 1
DIMENSIONS = ("acces", "competences", "contexte")
FLAG_KINDS = ("acces", "contexte")
ITEM_MODES = ("observation", "tache")
ASKED_OF = ("personne", "professionnel")
_VERSION_RE = re.compile(r"^\d+\.\d+\.\d+$")
_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")


class ReferentialError(ValueError):
    """The referential cannot be used; ``errors`` lists every problem, in French."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = list(errors)
        super().__init__("Référentiel invalide :\n- " + "\n- ".join(self.errors))


# --- Hash and loading ----------------------------------------------------------------------


def canonical_json(data: Any) -> str:
    """One spelling per content: sorted keys, no spaces, UTF-8 kept as is."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def content_hash(data: Any) -> str:
    """SHA-256 of the canonical JSON: changes with any content, not with layout or key order."""
    return hashlib.sha256(canonical_json(data).encode("utf-8")).hexdigest()


def load_referential(source: str | Path | Mapping[str, Any]) -> Referential:
    """Load and validate a referential from a JSON file path or an already parsed dict."""
    if isinstance(source, Mapping):
        try:
            data = json.loads(json.dumps(source))
        except (TypeError, ValueError) as error:
            raise ReferentialError([f"Le référentiel n'est pas du JSON : {error}."]) from error
    else:
        path = Path(source)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise ReferentialError(
                [f"Impossible de lire {path.name} : {error.strerror}."]
            ) from error
        except json.JSONDecodeError as error:
            raise ReferentialError(
                [f"{path.name} n'est pas du JSON valide (ligne {error.lineno}) : {error.msg}."]
            ) from error
    if not isinstance(data, dict):
        raise ReferentialError(["Le référentiel doit être un objet JSON."])
    builder = _Builder(data)
    referential = builder.build()
    if builder.errors or referential is None:
        raise ReferentialError(builder.errors or ["Référentiel incomplet."])
    return referential


@functools.cache
def bundled_referential(name: str = "v1") -> Referential:
    """A referential shipped in ``aiguillage/assessments/referential/<name>.json``."""
    return load_referential(REFERENTIAL_DIR / f"{name}.json")


# --- Validation ----------------------------------------------------------------------------


class _Builder:
    """Turns the JSON into frozen dataclasses, collecting every problem on the way."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.errors: list[str] = []
        self.rule_ids: set[str] = set()

    # Small readers: each returns a usable default and records a French message.
    def _obj(self, value: Any, where: str) -> dict[str, Any]:
        if isinstance(value, dict):
            return value
        self.errors.append(f"{where} : un objet est attendu.")
        return {}

    def _list(self, value: Any, where: str, *, empty_ok: bool = False) -> list[Any]:
        if isinstance(value, list) and (value or empty_ok):
            return value
        self.errors.append(f"{where} : une liste non vide est attendue.")
        return []

    def _text(self, data: dict, key: str, where: str, *, empty_ok: bool = False) -> str:
        value = data.get(key)
        if isinstance(value, str) and (value.strip() or empty_ok):
            return value
        self.errors.append(f"{where} : le texte « {key} » manque.")
        return ""

    def _int(self, data: dict, key: str, where: str, *, minimum: int = 0) -> int:
        value = data.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and value >= minimum:
            return value
        self.errors.append(f"{where} : « {key} » doit être un entier d'au moins {minimum}.")
        return minimum

    def _bool(self, data: dict, key: str, where: str) -> bool:
        value = data.get(key)
        if isinstance(value, bool):
            return value
        self.errors.append(f"{where} : « {key} » doit valoir true ou false.")
        return False

    def _strings(self, data: dict, key: str, where: str, allowed: Any = None) -> tuple[str, ...]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.errors.append(f"{where} : « {key} » doit être une liste de textes.")
            return ()
        for item in value:
            if allowed is not None and item not in allowed:
                self.errors.append(
                    f"{where} : « {item} » n'est pas une valeur possible de « {key} »."
                )
        if len(set(value)) != len(value):
            self.errors.append(f"{where} : « {key} » contient un doublon.")
        return tuple(value)

    def _minutes(self, data: dict, where: str) -> tuple[int, int]:
        value = data.get("minutes")
        if (
            isinstance(value, list)
            and len(value) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
            and 0 < value[0] <= value[1]
        ):
            return (value[0], value[1])
        self.errors.append(f"{where} : « minutes » doit être une durée [min, max] en minutes.")
        return (1, 1)

    def _unique(self, codes: list[str], what: str) -> None:
        seen: set[str] = set()
        for code in codes:
            if code in seen:
                self.errors.append(f"L'identifiant {what} « {code} » est en double.")
            seen.add(code)

    def _rule_id(self, data: dict, where: str) -> str:
        rule_id = self._text(data, "id", where)
        if rule_id and rule_id in self.rule_ids:
            self.errors.append(f"L'identifiant de règle « {rule_id} » est en double.")
        self.rule_ids.add(rule_id)
        return rule_id

    def build(self) -> Referential | None:
        data = self.data
        if data.get("format") != FORMAT:
            self.errors.append(f"Format de référentiel inconnu : « format » doit valoir {FORMAT}.")
        version = self._text(data, "version", "Référentiel")
        if version and not _VERSION_RE.match(version):
            self.errors.append(f"La version « {version} » doit avoir la forme 1.2.3.")
        scales = self._scales()
        areas = self._areas()
        typologies = self._typologies()
        flags = self._flags()
        screening = self._screening(scales, areas, typologies, flags)
        in_depth = self._in_depth(scales, areas, typologies)
        recommendations = self._recommendations(areas, typologies, flags)
        pathway_rules = self._pathway_rules(areas, typologies, flags)
        totals = self._obj(data.get("noise_totals"), "« noise_totals »")
        changelog = []
        for entry in self._list(data.get("changelog"), "« changelog »"):
            entry = self._obj(entry, "Journal des versions")
            changelog.append(
                ChangelogEntry(
                    self._text(entry, "version", "Journal des versions"),
                    self._text(entry, "changes", "Journal des versions"),
                )
            )
        header = {
            key: self._text(data, key, "Référentiel") for key in ("id", "title", "published_on")
        }
        sources = self._strings(data, "sources", "Référentiel")
        screening_noise = self._int(totals, "screening", "« noise_totals »")
        in_depth_noise = self._int(totals, "in_depth", "« noise_totals »")
        if self.errors or screening is None or in_depth is None:
            return None
        return Referential(
            id=header["id"],
            version=version,
            title=header["title"],
            published_on=header["published_on"],
            content_hash=content_hash(data),
            sources=sources,
            changelog=tuple(changelog),
            areas=areas,
            typologies=typologies,
            flags=flags,
            scales=tuple(sorted(scales.values(), key=lambda scale: scale.id)),
            screening=screening,
            in_depth=in_depth,
            recommendation_rules=recommendations,
            screening_total_noise=screening_noise,
            in_depth_total_noise=in_depth_noise,
            pathway_rules=pathway_rules,
            document=canonical_json(data),
        )

    def _scales(self) -> dict[str, Scale]:
        scales: dict[str, Scale] = {}
        for scale_id, raw in self._obj(self.data.get("scales"), "« scales »").items():
            where = f"Échelle « {scale_id} »"
            raw = self._obj(raw, where)
            raw_choices = raw.get("choices")
            if not isinstance(raw_choices, list) or not raw_choices:
                self.errors.append(f"L'échelle « {scale_id} » n'a aucune valeur.")
                continue
            choices = []
            for rank, choice in enumerate(raw_choices):
                choice = self._obj(choice, where)
                code = self._text(choice, "code", where)
                choice_where = f"{where}, valeur « {code} »"
                choices.append(
                    Choice(
                        code=code,
                        label=self._text(choice, "label", choice_where),
                        label_simple=self._text(choice, "label_simple", choice_where),
                        pictogram=self._text(choice, "pictogram", choice_where),
                        rank=rank,
                        points=self._int(choice, "points", choice_where),
                    )
                )
            self._unique([c.code for c in choices], f"de valeur dans l'échelle « {scale_id} »")
            ordered = self._bool(raw, "ordered", where)
            multiple = self._bool(raw, "multiple", where)
            if ordered and multiple:
                self.errors.append(
                    f"{where} : une échelle à choix multiples ne peut pas être ordonnée."
                )
            if ordered and any(
                a.points > b.points for a, b in zip(choices, choices[1:], strict=False)
            ):
                self.errors.append(
                    f"{where} : les points doivent croître avec l'ordre des réponses, "
                    f"de la moins bonne à la meilleure."
                )
            exclusive = self._strings(raw, "exclusive", where, allowed={c.code for c in choices})
            if exclusive and not multiple:
                self.errors.append(f"{where} : « exclusive » n'a de sens qu'à choix multiples.")
            scales[scale_id] = Scale(
                id=scale_id,
                label=self._text(raw, "label", where),
                ordered=ordered,
                multiple=multiple,
                choices=tuple(choices),
                exclusive=frozenset(exclusive),
            )
        return scales

    def _areas(self) -> tuple[Area, ...]:
        areas = []
        for raw in self._list(self.data.get("areas"), "« areas »"):
            raw = self._obj(raw, "Domaine")
            code = self._text(raw, "code", "Domaine")
            where = f"Domaine « {code} »"
            noise = self._obj(raw.get("noise"), f"{where}, « noise »")
            areas.append(
                Area(
                    code=code,
                    digcomp=self._text(raw, "digcomp", where),
                    label=self._text(raw, "label", where),
                    label_simple=self._text(raw, "label_simple", where),
                    pictogram=self._text(raw, "pictogram", where),
                    description=self._text(raw, "description", where),
                    screening_noise=self._int(noise, "screening", where),
                    in_depth_noise=self._int(noise, "in_depth", where),
                )
            )
        self._unique([a.code for a in areas], "de domaine")
        return tuple(areas)

    def _typologies(self) -> tuple[Typology, ...]:
        typologies = []
        raw_list = self._list(self.data.get("typologies"), "« typologies »")
        for rank, raw in enumerate(raw_list):
            raw = self._obj(raw, "Typologie")
            code = self._text(raw, "code", "Typologie")
            where = f"Typologie « {code} »"
            typologies.append(
                Typology(
                    code=code,
                    rank=rank,
                    pathway=self._text(raw, "pathway", where),
                    label=self._text(raw, "label", where),
                    pathway_label=self._text(raw, "pathway_label", where),
                    description=self._text(raw, "description", where),
                    crosswalk=self._text(raw, "crosswalk", where, empty_ok=True),
                )
            )
        if 0 < len(typologies) < 2:
            self.errors.append("Il faut au moins deux typologies.")
        self._unique([t.code for t in typologies], "de typologie")
        return tuple(typologies)

    def _flags(self) -> tuple[Flag, ...]:
        flags = []
        for raw in self._list(self.data.get("flags"), "« flags »"):
            raw = self._obj(raw, "Signalement")
            code = self._text(raw, "code", "Signalement")
            where = f"Signalement « {code} »"
            kind = self._text(raw, "kind", where)
            if kind and kind not in FLAG_KINDS:
                self.errors.append(f"{where} : « kind » vaut « acces » ou « contexte ».")
            flags.append(
                Flag(
                    code,
                    kind,
                    self._text(raw, "label", where),
                    self._text(raw, "description", where),
                )
            )
        self._unique([f.code for f in flags], "de signalement")
        return tuple(flags)

    def _screening(self, scales, areas, typologies, flags) -> ScreeningSection | None:
        raw = self._obj(self.data.get("screening"), "« screening »")
        checker = _NameChecker(self.errors, scales, areas, typologies, flags)
        questions: list[Question] = []
        for position, raw_question in enumerate(self._list(raw.get("questions"), "Repérage")):
            question = self._question(raw_question, position, scales, areas, checker, questions)
            if question is not None:
                questions.append(question)
        self._unique([q.id for q in questions], "de question")
        checker.questions = {q.id: q for q in questions}
        typology_rules = tuple(
            self._typology_rule(r, cond.SCREENING_TYPOLOGY, checker, typologies)
            for r in self._list(raw.get("typology_rules"), "Règles de typologie du repérage")
        )
        flag_rules = []
        for r in self._list(raw.get("flag_rules"), "Règles de signalement", empty_ok=True):
            r = self._obj(r, "Règle de signalement")
            rule_id = self._rule_id(r, "Règle de signalement")
            where = f"Règle « {rule_id} »"
            flag = self._text(r, "flag", where)
            if flag and flag not in checker.flag_codes:
                self.errors.append(f"{where} : le signalement « {flag} » n'existe pas.")
            when = checker.condition(r.get("when"), where, cond.SCREENING_FLAG)
            flag_rules.append(FlagRule(rule_id, flag, when, self._text(r, "reason", where)))
        consistency = []
        for r in self._list(raw.get("consistency_rules"), "Règles de cohérence", empty_ok=True):
            r = self._obj(r, "Règle de cohérence")
            rule_id = self._rule_id(r, "Règle de cohérence")
            where = f"Règle « {rule_id} »"
            when = checker.condition(r.get("when"), where, cond.CONSISTENCY)
            consistency.append(ConsistencyRule(rule_id, when, self._text(r, "message", where)))
        minutes = self._minutes(raw, "« screening »")
        default_reason = self._text(raw, "default_reason", "« screening »")
        if not questions:
            return None
        return ScreeningSection(
            minutes=minutes,
            questions=tuple(questions),
            typology_rules=typology_rules,
            default_reason=default_reason,
            flag_rules=tuple(flag_rules),
            consistency_rules=tuple(consistency),
        )

    def _question(self, raw, position, scales, areas, checker, earlier) -> Question | None:
        raw = self._obj(raw, "Question")
        question_id = self._text(raw, "id", "Question")
        where = f"Question « {question_id} »"
        if question_id and not _ID_RE.match(question_id):
            self.errors.append(f"{where} : l'identifiant ne doit contenir que a-z, 0-9 et _.")
        scale = scales.get(raw.get("scale"))
        if scale is None:
            self.errors.append(f"{where} : l'échelle « {raw.get('scale')} » n'existe pas.")
            return None
        dimension = self._text(raw, "dimension", where)
        if dimension and dimension not in DIMENSIONS:
            self.errors.append(f"{where} : « dimension » vaut {', '.join(DIMENSIONS)}.")
        area = raw.get("area")
        if area is not None and area not in {a.code for a in areas}:
            self.errors.append(f"{where} : le domaine « {area} » n'existe pas.")
        scored = self._bool(raw, "scored", where)
        if scored and (area is None or not scale.ordered):
            self.errors.append(
                f"{where} : une question notée doit avoir un domaine et une échelle ordonnée."
            )
        asked_of = raw.get("asked_of", "personne")
        if asked_of not in ASKED_OF:
            self.errors.append(f"{where} : « asked_of » vaut « personne » ou « professionnel ».")
        elif asked_of == "professionnel" and (scored or dimension != "contexte" or "skip" in raw):
            # The professional's view never changes the typology, which rests on skills.
            self.errors.append(
                f"{where} : une question du professionnel est une question de contexte, "
                f"non notée et jamais sautée."
            )
        skip = None
        if "skip" in raw:
            skip = self._skip(self._obj(raw["skip"], where), where, scale, checker, earlier)
        return Question(
            id=question_id,
            position=position,
            dimension=dimension,
            area=area,
            digcomp=self._strings(raw, "digcomp", where),
            scored=scored,
            scale=scale,
            text=self._text(raw, "text", where),
            text_simple=self._text(raw, "text_simple", where),
            pictogram=self._text(raw, "pictogram", where),
            help=self._text(raw, "help", where, empty_ok=True),
            skip=skip,
            asked_of=asked_of if asked_of in ASKED_OF else "personne",
        )

    def _skip(self, raw, where, scale, checker, earlier) -> Skip | None:
        # A skip may only look at questions asked before it, so that the form can be
        # filled top to bottom and the skips never form a cycle.
        checker.questions = {q.id: q for q in earlier}
        cases = []
        for case in self._list(raw.get("cases"), f"{where}, « cases »"):
            case = self._obj(case, f"{where}, saut")
            when = checker.condition(case.get("when"), f"{where}, saut", cond.SKIP)
            reason = self._text(case, "reason", f"{where}, saut")
            if when is not None:
                cases.append(SkipCase(when, reason))
        implied = self._text(raw, "implied", where)
        if implied and not scale.has(implied):
            self.errors.append(
                f"{where} : la réponse comptée « {implied} » n'est pas dans l'échelle."
            )
        elif implied and scale.ordered and implied != scale.lowest.code:
            # Otherwise answering an earlier question better could lower this one.
            self.errors.append(
                f"{where} : une question sautée doit compter pour la réponse la plus basse "
                f"(« {scale.lowest.code} »), pas « {implied} »."
            )
        return Skip(tuple(cases), implied) if cases else None

    def _typology_rule(self, raw, context, checker, typologies) -> TypologyRule:
        raw = self._obj(raw, "Règle de typologie")
        rule_id = self._rule_id(raw, "Règle de typologie")
        where = f"Règle « {rule_id} »"
        ceiling = self._text(raw, "ceiling", where)
        codes = [t.code for t in typologies]
        if ceiling and ceiling not in codes:
            self.errors.append(f"{where} : la typologie « {ceiling} » n'existe pas.")
        elif ceiling and ceiling == codes[-1]:
            self.errors.append(f"{where} : plafonner à la typologie la plus haute ne sert à rien.")
        when = checker.condition(raw.get("when"), where, context)
        return TypologyRule(rule_id, ceiling, when, self._text(raw, "reason", where))  # type: ignore[arg-type]

    def _in_depth(self, scales, areas, typologies) -> InDepthSection | None:
        raw = self._obj(self.data.get("in_depth"), "« in_depth »")
        where = "Évaluation approfondie"
        outcome = scales.get(raw.get("outcome_scale"))
        if outcome is None or not outcome.ordered or len(outcome.choices) < 2:
            self.errors.append(f"{where} : « outcome_scale » doit nommer une échelle ordonnée.")
        levels = []
        for expected, level in enumerate(self._list(raw.get("levels"), f"{where}, « levels »")):
            level = self._obj(level, f"{where}, niveau")
            number = self._int(level, "level", f"{where}, niveau")
            if number != expected:
                self.errors.append(f"{where} : les niveaux doivent aller de 0 à N sans trou.")
            levels.append(
                Level(
                    number,
                    self._text(level, "label", where),
                    self._text(level, "description", where),
                )
            )
        max_level = len(levels) - 1
        items = [
            self._item(raw_item, areas, max_level)
            for raw_item in self._list(raw.get("items"), where)
        ]
        self._unique([i.id for i in items], "de tâche")
        for area in areas:
            found = sorted(i.level for i in items if i.area == area.code)
            if found != list(range(1, max_level + 1)):
                self.errors.append(
                    f"Domaine « {area.code} » : il faut exactement une tâche par niveau, "
                    f"de 1 à {max_level} (trouvé : {found or 'aucune'})."
                )
        start_levels = []
        for code, level in self._obj(raw.get("start_levels"), f"{where}, « start_levels »").items():
            if code not in {t.code for t in typologies}:
                self.errors.append(
                    f"{where} : « start_levels » cite une typologie inconnue « {code} »."
                )
            if not isinstance(level, int) or not 1 <= level <= max(max_level, 1):
                self.errors.append(
                    f"{where} : le niveau de départ de « {code} » doit aller de 1 à {max_level}."
                )
            start_levels.append((code, level))
        default_start = self._int(raw, "default_start_level", where, minimum=1)
        weak_below = self._int(raw, "weak_below", where)
        if default_start > max(max_level, 1) or weak_below > max_level + 1:
            self.errors.append(
                f"{where} : « default_start_level » ou « weak_below » hors des niveaux."
            )
        checker = _NameChecker(self.errors, scales, areas, typologies, ())
        checker.max_level = max_level
        rules = tuple(
            self._typology_rule(r, cond.IN_DEPTH_TYPOLOGY, checker, typologies)
            for r in self._list(raw.get("typology_rules"), f"{where}, règles")
        )
        minutes = self._minutes(raw, where)
        default_reason = self._text(raw, "default_reason", where)
        if outcome is None or not levels:
            return None
        return InDepthSection(
            minutes=minutes,
            outcome_scale=outcome,
            levels=tuple(levels),
            default_start_level=default_start,
            start_levels=tuple(sorted(start_levels)),
            weak_below=weak_below,
            items=tuple(items),
            typology_rules=rules,
            default_reason=default_reason,
        )

    def _item(self, raw, areas, max_level) -> Item:
        raw = self._obj(raw, "Tâche")
        item_id = self._text(raw, "id", "Tâche")
        where = f"Tâche « {item_id} »"
        area = self._text(raw, "area", where)
        if area and area not in {a.code for a in areas}:
            self.errors.append(f"{where} : le domaine « {area} » n'existe pas.")
        level = self._int(raw, "level", where, minimum=1)
        if level > max_level:
            self.errors.append(
                f"{where} : le niveau {level} dépasse le niveau maximal {max_level}."
            )
        mode = self._text(raw, "mode", where)
        if mode and mode not in ITEM_MODES:
            self.errors.append(f"{where} : « mode » vaut « observation » ou « tache ».")
        return Item(
            id=item_id,
            area=area,
            level=level,
            mode=mode,
            digcomp=self._strings(raw, "digcomp", where),
            pictogram=self._text(raw, "pictogram", where),
            text=self._text(raw, "text", where),
            text_simple=self._text(raw, "text_simple", where),
            instructions=self._text(raw, "instructions", where),
            success=self._text(raw, "success", where),
        )

    def _pathway_rules(self, areas, typologies, flags) -> tuple[PathwayRule, ...]:
        """Optional (absent from 1.0.0): the recommended pathway when it is not the
        typology's, e.g. pathway 1 only with a « difficulté sociale » flag."""
        return _pathway_rules_of(self, areas, typologies, flags)

    def _recommendations(self, areas, typologies, flags) -> tuple[RecommendationRule, ...]:
        checker = _NameChecker(self.errors, {}, areas, typologies, flags)
        rules = []
        for raw in self._list(self.data.get("recommendation_rules"), "« recommendation_rules »"):
            raw = self._obj(raw, "Règle de recommandation")
            rule_id = self._rule_id(raw, "Règle de recommandation")
            where = f"Règle « {rule_id} »"
            rule = RecommendationRule(
                id=rule_id,
                when=checker.condition(raw.get("when"), where, cond.RECOMMENDATION),  # type: ignore[arg-type]
                services=self._strings(raw, "services", where, allowed=SERVICE_CODES),
                modalites=self._strings(raw, "modalites", where, allowed=MODALITES_ACCOMPAGNEMENT),
                dispositifs=self._strings(
                    raw, "dispositifs", where, allowed=DISPOSITIF_PROGRAMMES_NATIONAUX
                ),
                prise_en_charge=self._strings(
                    raw, "prise_en_charge", where, allowed=PRISE_EN_CHARGE_SPECIFIQUE
                ),
                urgent=self._bool(raw, "urgent", where),
                reason=self._text(raw, "reason", where),
            )
            if not (rule.services or rule.modalites or rule.dispositifs or rule.prise_en_charge):
                self.errors.append(f"{where} : la règle ne recommande rien.")
            rules.append(rule)
        return tuple(rules)


def _pathway_rules_of(builder: _Builder, areas, typologies, flags) -> tuple[PathwayRule, ...]:
    raw_rules = builder.data.get("pathway_rules", [])
    if not isinstance(raw_rules, list):
        builder.errors.append("« pathway_rules » : une liste est attendue.")
        return ()
    checker = _NameChecker(builder.errors, {}, areas, typologies, flags)
    pathways = {t.pathway for t in typologies}
    rules = []
    for raw in raw_rules:
        raw = builder._obj(raw, "Règle de parcours")
        rule_id = builder._rule_id(raw, "Règle de parcours")
        where = f"Règle « {rule_id} »"
        pathway = builder._text(raw, "pathway", where)
        if pathway and pathway not in pathways:
            builder.errors.append(f"{where} : le parcours « {pathway} » n'existe pas.")
        when = checker.condition(raw.get("when"), where, cond.RECOMMENDATION)
        rules.append(PathwayRule(rule_id, pathway, when, builder._text(raw, "reason", where)))  # type: ignore[arg-type]
    return tuple(rules)


class _NameChecker:
    """Checks that the atoms of a condition name things that exist, with the right kind."""

    def __init__(self, errors, scales, areas, typologies, flags) -> None:
        self.errors = errors
        self.questions: dict[str, Question] = {}
        self.area_codes = {a.code for a in areas}
        self.typology_codes = {t.code for t in typologies}
        self.flag_codes = {f.code for f in flags}
        self.max_level = 0

    def condition(self, data: Any, where: str, context: str) -> cond.Condition | None:
        parsed = cond.parse_condition(data, where, context, self.errors)
        if parsed is not None:
            for atom in cond.iter_atoms(parsed):
                self._atom(atom, where, context)
        return parsed

    def _question(self, question_id: str, where: str, *, ordered: bool = False) -> Question | None:
        question = self.questions.get(question_id)
        if question is None:
            self.errors.append(
                f"{where} : la question « {question_id} » n'existe pas (ou vient après)."
            )
            return None
        if ordered and not question.scale.ordered:
            self.errors.append(
                f"{where} : la question « {question_id} » n'a pas d'échelle ordonnée, "
                f"on ne peut pas la comparer avec « au plus » ou « au moins »."
            )
        return question

    def _value(self, question: Question | None, value: str, where: str) -> None:
        if question is not None and not question.scale.has(value):
            self.errors.append(
                f"{where} : « {value} » n'est pas une réponse possible à « {question.id} »."
            )

    def _atom(self, atom: cond.Atom, where: str, context: str) -> None:  # noqa: C901
        if isinstance(atom, cond.AnswerAtMost | cond.AnswerAtLeast):
            self._value(self._question(atom.question, where, ordered=True), atom.value, where)
        elif isinstance(atom, cond.AnswerIn):
            question = self._question(atom.question, where)
            for value in atom.values:
                self._value(question, value, where)
        elif isinstance(atom, cond.AnswerIncludes):
            question = self._question(atom.question, where)
            if question is not None and not question.scale.multiple:
                self.errors.append(f"{where} : « {atom.question} » n'est pas à choix multiples.")
            self._value(question, atom.value, where)
        elif isinstance(atom, cond.CountAtMost | cond.ScoreAtMost):
            for question_id in atom.questions:
                question = self._question(question_id, where, ordered=True)
                if isinstance(atom, cond.CountAtMost):
                    self._value(question, atom.value, where)
        elif isinstance(atom, cond.AreasWithout):
            scored = [q for q in self.questions.values() if q.scored]
            if not any(q.scale.has(atom.value) for q in scored):
                self.errors.append(
                    f"{where} : « {atom.value} » n'est la réponse d'aucune question notée."
                )
        elif isinstance(atom, cond.TypologyAtMost | cond.TypologyIn):
            codes = (atom.typology,) if isinstance(atom, cond.TypologyAtMost) else atom.typologies
            for code in codes:
                if code not in self.typology_codes:
                    self.errors.append(f"{where} : la typologie « {code} » n'existe pas.")
        elif isinstance(atom, cond.LevelAtMost | cond.WeakArea):
            if atom.area not in self.area_codes:
                self.errors.append(f"{where} : le domaine « {atom.area} » n'existe pas.")
        elif isinstance(atom, cond.HasFlag):
            if atom.flag not in self.flag_codes:
                self.errors.append(f"{where} : le signalement « {atom.flag} » n'existe pas.")
        if (
            isinstance(atom, cond.LevelAtMost | cond.CountLevelsAtMost)
            and atom.level > self.max_level
        ):
            self.errors.append(f"{where} : le niveau {atom.level} dépasse le niveau maximal.")
