"""The participants' satisfaction form: four questions with big radio buttons and an optional
comment, in very plain French (read by people who read little)."""

from __future__ import annotations

from django import forms

from aiguillage.workshops import satisfaction
from aiguillage.workshops.models import SatisfactionResponse

REQUIRED = "Choisissez une réponse."


def _question(name: str) -> forms.ChoiceField:
    field = SatisfactionResponse._meta.get_field(name)
    return forms.ChoiceField(
        label=str(field.verbose_name),
        choices=field.choices,
        widget=forms.RadioSelect,
        error_messages={"required": REQUIRED, "invalid_choice": REQUIRED},
    )


class SatisfactionForm(forms.Form):
    useful = _question("useful")
    clear = _question("clear")
    at_ease = _question("at_ease")
    wants_more = _question("wants_more")
    comment = forms.CharField(
        label="Un mot de plus ? (si vous voulez)",
        help_text="N'écrivez pas votre nom ni votre numéro.",
        required=False,
        max_length=satisfaction.COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "C'est trop long : 500 lettres au plus."},
    )

    def questions(self) -> list[forms.BoundField]:
        return [self[name] for name, _ in satisfaction.QUESTIONS]
