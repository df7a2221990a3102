"""Input shapes of the assessment pages. The engine checks what the answers mean; these
forms only check that a value is one of those offered, with French messages."""

from __future__ import annotations

import json
from typing import Any

from django import forms

from aiguillage.assessments.actions import MIN_REASON_LENGTH
from aiguillage.assessments.engine import Question, Referential, ScreeningComparison
from aiguillage.places.search_forms import SLOTS, WEEKDAY_CHOICES, availability_to_osm

# The referential is small (about 50 kB); a larger upload is a mistake.
MAX_REFERENTIAL_BYTES = 1_000_000


class AnswerForm(forms.Form):
    """One screening question: ``reponse`` is a choice code (a list for multiple choice)."""

    def __init__(self, *args, question: Question, simple: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [
            (choice.code, choice.label_simple if simple else choice.label)
            for choice in question.scale.choices
        ]
        messages = {
            "required": (
                "Cochez au moins une réponse."
                if question.scale.multiple
                else "Choisissez une réponse."
            ),
            "invalid_choice": "Cette réponse n'est pas proposée pour cette question.",
        }
        field_class = forms.MultipleChoiceField if question.scale.multiple else forms.ChoiceField
        self.fields["reponse"] = field_class(choices=choices, error_messages=messages)


class ObservationForm(forms.Form):
    """One in-depth task: what the mediator observed."""

    def __init__(self, *args, referential: Referential, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        scale = referential.in_depth.outcome_scale
        self.fields["resultat"] = forms.ChoiceField(
            choices=[(choice.code, choice.label) for choice in scale.choices],
            error_messages={
                "required": "Choisissez ce que vous avez observé.",
                "invalid_choice": "Cette réponse n'est pas proposée pour une tâche.",
            },
        )


class ConclusionForm(forms.Form):
    """The end of an in-depth assessment; a choice and a reason when it contradicts the
    screening."""

    retenue = forms.ChoiceField(
        label="Quelle typologie retenir ?",
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": "Choisissez l'une des deux typologies proposées."},
    )
    raison = forms.CharField(
        label="Pourquoi ? (obligatoire)",
        help_text=(
            "En une ou deux phrases, ce que vous avez observé. Ne notez rien de plus sur la "
            "personne que ce qui explique le choix."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=1000,
    )

    def __init__(
        self,
        *args,
        comparison: ScreeningComparison | None,
        labels: dict[str, str],
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.comparison = comparison
        if comparison is not None and not comparison.agrees:
            self.fields["retenue"].choices = [
                (
                    comparison.in_depth_typology,
                    f"{labels[comparison.in_depth_typology]} (évaluation approfondie)",
                ),
                (
                    comparison.screening_typology,
                    f"{labels[comparison.screening_typology]} (repérage)",
                ),
            ]
            self.fields["retenue"].required = True
            self.fields["retenue"].error_messages["required"] = "Choisissez la typologie à retenir."
            self.fields["raison"].required = True
            self.fields["raison"].error_messages["required"] = (
                "Écrivez pourquoi : c'est obligatoire quand l'évaluation approfondie ne confirme "
                "pas le repérage."
            )

    @property
    def is_override(self) -> bool:
        return self.comparison is not None and not self.comparison.agrees

    def clean_raison(self) -> str:
        reason = self.cleaned_data.get("raison", "").strip()
        if self.is_override and len(reason) < MIN_REASON_LENGTH:
            raise forms.ValidationError(
                f"Écrivez au moins une phrase ({MIN_REASON_LENGTH} caractères)."
            )
        return reason


class AvailabilityForm(forms.Form):
    """When the person can go to a place, to show places open at those times."""

    jours = forms.MultipleChoiceField(
        label="Jours",
        required=False,
        choices=WEEKDAY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Ce jour n'existe pas."},
    )
    moments = forms.MultipleChoiceField(
        label="Moments de la journée",
        required=False,
        choices=[(code, slot.label) for code, slot in SLOTS.items()],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Ce moment de la journée n'existe pas."},
    )

    def osm(self) -> str:
        """« Tu,Th 14:00-18:00 »; every day when only moments are ticked, and the reverse."""
        if not self.is_valid():
            return ""
        days = self.cleaned_data["jours"]
        moments = self.cleaned_data["moments"]
        if not days and not moments:
            return ""
        days = days or [code for code, _ in WEEKDAY_CHOICES]
        moments = moments or list(SLOTS)
        return availability_to_osm([(day, moment) for day in days for moment in moments])


class EvaluationConsentForm(forms.Form):
    explained = forms.BooleanField(
        label=(
            "J'ai expliqué à la personne que son diagnostic sera enregistré sur sa fiche pour "
            "suivre ses progrès, visible seulement des structures qui l'accompagnent, et "
            "qu'elle peut retirer son accord à tout moment. Elle est d'accord."
        ),
        error_messages={"required": "Cochez la case une fois l'accord de la personne obtenu."},
    )


class ReferentialForm(forms.Form):
    """A new version of the referential: JSON pasted, or a file."""

    document = forms.CharField(
        label="Contenu JSON de la nouvelle version",
        help_text=(
            "Partez d'une version existante, changez « version » et ajoutez une ligne à "
            "« changelog »."
        ),
        widget=forms.Textarea(attrs={"rows": 16, "spellcheck": "false"}),
        required=False,
    )
    fichier = forms.FileField(
        label="Ou un fichier .json",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )
    note = forms.CharField(label="Ce qui change, en une phrase", max_length=300)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        upload = data.get("fichier")
        text = data.get("document", "")
        if upload is not None:
            if upload.size > MAX_REFERENTIAL_BYTES:
                raise forms.ValidationError("Ce fichier est trop gros pour un référentiel.")
            try:
                text = upload.read().decode("utf-8")
            except UnicodeDecodeError as error:
                raise forms.ValidationError("Ce fichier n'est pas du texte UTF-8.") from error
        if not text.strip():
            raise forms.ValidationError("Collez le contenu JSON ou choisissez un fichier.")
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError as error:
            raise forms.ValidationError(
                f"Ce n'est pas du JSON valide (ligne {error.lineno}) : {error.msg}."
            ) from error
        if not isinstance(parsed, dict):
            raise forms.ValidationError("Le référentiel doit être un objet JSON.")
        data["parsed"] = parsed
        return data
