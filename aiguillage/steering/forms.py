"""Input shapes of the programme's pages; the rules stay in the actions."""

from __future__ import annotations

from django import forms
from django.db.models import Q

from aiguillage.accounts.models import User
from aiguillage.organisations.models import Organisation
from aiguillage.steering import rules
from aiguillage.steering.models import (
    ActionKind,
    ActionScale,
    ActionStatus,
    Axis,
    Committee,
    CommitteeKind,
    DecisionKind,
    Meeting,
    PlanAction,
    PlanStatus,
    PlanVersion,
    Programme,
    SteeringRoleKind,
    WorkingGroup,
)
from aiguillage.territories.models import Commune

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY = {"max_digits": 12, "decimal_places": 2, "min_value": 0}
MONEY_ERRORS = {"min_value": "Le montant ne peut pas être négatif."}


def _date(label: str, required: bool = True, **kwargs) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DATE_WIDGET, **kwargs)


def _text(label: str, rows: int = 3, required: bool = False, **kwargs) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": rows}), **kwargs
    )


class DatesInOrder:
    """Refuse a form whose end date comes before its start date, in French, on the end."""

    date_pair = ("starts_on", "ends_on")

    def clean(self):
        data = super().clean()  # type: ignore[misc]
        start, end = self.date_pair
        if problem := rules.date_order_problem(data.get(start), data.get(end)):
            self.add_error(end, problem)  # type: ignore[attr-defined]
        return data


class ProgrammeForm(DatesInOrder, forms.Form):
    title = forms.CharField(
        label="Titre",
        max_length=200,
        help_text="Par exemple « Stratégie d'inclusion numérique 2017–2020 ».",
    )
    starts_on = _date("Début")
    ends_on = _date("Fin", required=False)
    description = _text("Présentation")


class AxisForm(forms.Form):
    code = forms.CharField(label="Code", max_length=20, help_text="Par exemple « 5 ».")
    title = forms.CharField(label="Intitulé", max_length=250)
    description = _text("Description")
    valid_from = _date("En vigueur à partir du")


class AxisChangeForm(forms.Form):
    MODES = {"rename": "Renommer l'axe", "retire": "Retirer l'axe"}
    mode = forms.ChoiceField(label="Changement", choices=MODES.items(), widget=forms.RadioSelect)
    title = forms.CharField(
        label="Nouvel intitulé", max_length=250, required=False,
        help_text="Pour un renommage seulement.",
    )  # fmt: skip
    day = _date(
        "À partir du (renommage) ou jusqu'au (retrait)",
        help_text="Les actions déjà classées sous l'ancien intitulé le gardent.",
    )

    def clean(self):
        data = super().clean()
        if data.get("mode") == "rename" and not (data.get("title") or "").strip():
            self.add_error("title", "Donnez le nouvel intitulé de l'axe.")
        return data


class PlanVersionForm(forms.Form):
    year = forms.IntegerField(label="Année du plan", min_value=2000, max_value=2100)
    dated_on = _date("Date de la version")
    summary = _text("Ce que cette version change", help_text="Facultatif.")
    copy_previous = forms.BooleanField(
        label="Reprendre les actions de la version précédente", required=False, initial=True
    )


class ApproveForm(forms.Form):
    meeting = forms.ModelChoiceField(
        label="Réunion du comité", queryset=Meeting.objects.none(), empty_label="Choisir…"
    )
    text = _text(
        "Décision", required=False, help_text="Par exemple « Le COPIL approuve le plan 2017. »"
    )

    def __init__(self, *args, programme: Programme, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = Meeting.objects.filter(
            committee__programme=programme
        ).select_related("committee")


class CloseForm(forms.Form):
    MODES = {"done": "Clore le plan (l'année est terminée)", "withdrawn": "Retirer cette version"}
    to = forms.ChoiceField(label="Que faire ?", choices=MODES.items(), widget=forms.RadioSelect)
    note = forms.CharField(label="Précision", max_length=300, required=False)


class ActionForm(DatesInOrder, forms.Form):
    title = forms.CharField(label="Titre", max_length=200)
    axis = forms.ModelChoiceField(label="Axe", queryset=Axis.objects.none(), empty_label="Choisir…")
    kind = forms.ChoiceField(label="Type", choices=[("", "Choisir…"), *ActionKind.choices])
    lead_partner = forms.ModelChoiceField(
        label="Chef de file", queryset=Organisation.objects.none(), empty_label="Choisir…"
    )
    scale = forms.ChoiceField(label="Échelle", choices=[("", "Choisir…"), *ActionScale.choices])
    communes = forms.ModelMultipleChoiceField(
        label="Communes concernées", queryset=Commune.objects.none(), required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text="Ctrl ou Cmd pour en choisir plusieurs.",
    )  # fmt: skip
    starts_on = _date("Début", required=False)
    ends_on = _date("Fin", required=False)
    eligible_expenses = forms.DecimalField(
        label="Dépenses éligibles (€)", required=False, error_messages=MONEY_ERRORS, **MONEY
    )
    source_organisations = forms.ModelMultipleChoiceField(
        label="Structures dont l'activité compte pour cette action",
        queryset=Organisation.objects.none(), required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
        help_text="Leurs ateliers et accompagnements alimenteront les indicateurs de l'action.",
    )  # fmt: skip
    description = _text("Description")

    def __init__(self, *args, version: PlanVersion, action: PlanAction | None = None, **kwargs):
        if action is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                **{f: getattr(action, f) for f in ("title", "kind", "scale", "starts_on",
                                                   "ends_on", "eligible_expenses", "description")},
                "axis": action.axis_id, "lead_partner": action.lead_partner_id,
                "communes": list(action.communes.values_list("pk", flat=True)),
                "source_organisations": [s["organisation"] for s in action.sources],
            }  # fmt: skip
        super().__init__(*args, **kwargs)
        programme = version.programme
        axes = Axis.objects.filter(programme=programme).valid_on(version.dated_on)
        if action is not None:
            axes = Axis.objects.filter(Q(pk__in=axes) | Q(pk=action.axis_id))
        self.fields["axis"].queryset = axes
        organisations = Organisation.objects.filter(territory=programme.territory_id).order_by(
            "name"
        )
        self.fields["lead_partner"].queryset = organisations
        self.fields["source_organisations"].queryset = organisations
        self.fields["communes"].queryset = Commune.objects.filter(
            territory=programme.territory_id
        ).order_by("name")
        self.action = action

    def values(self) -> dict:
        data = self.cleaned_data
        kept = {s["organisation"]: s for s in (self.action.sources if self.action else [])}
        sources = [
            kept.get(o.pk, {"organisation": o.pk, "workshop_kinds": []})
            for o in data["source_organisations"]
        ]
        fields = ("title", "axis", "kind", "lead_partner", "scale", "starts_on", "ends_on",
                  "eligible_expenses", "description")  # fmt: skip
        return {**{f: data.get(f) for f in fields}, "sources": sources}


class FollowUpForm(forms.Form):
    status = forms.ChoiceField(label="État de l'action", choices=ActionStatus.choices)
    note = forms.CharField(label="Précision sur l'état", max_length=300, required=False)
    drift_notes = _text(
        "Écarts au dossier", rows=4,
        help_text="Ce qui a changé depuis le dossier déposé (partenaires, publics, calendrier…).",
    )  # fmt: skip


class PartnerForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label="Structure", queryset=Organisation.objects.none(), empty_label="Choisir…"
    )
    role = forms.CharField(
        label="Rôle", max_length=250, required=False,
        help_text="Par exemple « collecte du matériel », « organise les sessions ».",
    )  # fmt: skip
    joined_on = _date("Arrivée dans l'action")
    left_on = _date("Départ", required=False, help_text="Seulement si elle est déjà partie.")

    def __init__(self, *args, action: PlanAction, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        territory = action.plan_version.programme.territory_id
        self.fields["organisation"].queryset = (
            Organisation.objects.filter(territory=territory)
            .exclude(pk=action.lead_partner_id)
            .order_by("name")
        )

    def clean(self):
        data = super().clean()
        if problem := rules.partner_dates_problem(data.get("joined_on"), data.get("left_on")):
            self.add_error("left_on", problem)
        return data


class PartnerLeaveForm(forms.Form):
    left_on = _date("Date de départ")
    reason = forms.CharField(label="Raison", max_length=300, required=False)


class BudgetLineForm(forms.Form):
    financer = forms.ChoiceField(
        label="Co-financeur", choices=[("", "Choisir…"), *rules.FINANCERS.items()]
    )
    financer_name = forms.CharField(
        label="Nom du co-financeur", max_length=120, required=False,
        help_text="Pour « Autres » seulement.",
    )  # fmt: skip
    amount = forms.DecimalField(label="Montant (€)", error_messages=MONEY_ERRORS, **MONEY)
    note = forms.CharField(label="Précision", max_length=250, required=False)


class TargetForm(forms.Form):
    indicator_code = forms.ChoiceField(
        label="Indicateur",
        choices=[("", "Choisir…"), *rules.INDICATOR_CODES.items()],
        error_messages={"invalid_choice": "Indicateur inconnu : choisissez dans la liste."},
    )
    target_value = forms.IntegerField(
        label="Cible", min_value=0,
        error_messages={"min_value": "La cible doit être un nombre positif ou nul."},
    )  # fmt: skip
    year = forms.IntegerField(label="Année", min_value=2000, max_value=2100)


class NoteForm(forms.Form):
    text = _text("Note", rows=3, required=True)


class GroupForm(forms.Form):
    title = forms.CharField(
        label="Intitulé", max_length=200, help_text="Par exemple « Accès aux droits »."
    )
    description = _text("Ce que fait le groupe")


class MemberForm(forms.Form):
    email = forms.EmailField(label="Adresse e-mail du compte")

    def __init__(self, *args, programme: Programme, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme

    def clean_email(self) -> User:
        email = self.cleaned_data["email"]
        territory = self.programme.territory_id
        user = User.objects.filter(
            Q(memberships__organisation__territory=territory)
            | Q(coordinations__territory=territory)
            | Q(steering_roles__programme=self.programme),
            email__iexact=email, is_active=True,
        ).distinct().first()  # fmt: skip
        if user is None:
            raise forms.ValidationError("Aucun compte du territoire n'a cette adresse.")
        return user


class ProposalForm(forms.Form):
    title = forms.CharField(label="Titre", max_length=200)
    kind = forms.ChoiceField(label="Type d'action", choices=[("", "Choisir…"), *ActionKind.choices])
    axis = forms.ModelChoiceField(
        label="Axe", queryset=Axis.objects.none(), required=False, empty_label="À décider"
    )
    description = _text("Description", rows=4)

    def __init__(self, *args, programme: Programme, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["axis"].queryset = Axis.objects.filter(programme=programme).current()


class SubmitForm(forms.Form):
    committee = forms.ModelChoiceField(
        label="Comité", queryset=Committee.objects.none(), empty_label="Choisir…"
    )

    def __init__(self, *args, programme: Programme, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = Committee.objects.filter(programme=programme)


class AcceptForm(forms.Form):
    plan_version = forms.ModelChoiceField(
        label="Version du plan", queryset=PlanVersion.objects.none(), empty_label="Choisir…"
    )
    axis = forms.ModelChoiceField(label="Axe", queryset=Axis.objects.none(), empty_label="Choisir…")
    lead_partner = forms.ModelChoiceField(
        label="Chef de file", queryset=Organisation.objects.none(), empty_label="Choisir…"
    )
    scale = forms.ChoiceField(label="Échelle", choices=ActionScale.choices, initial="agglomeration")

    def __init__(self, *args, programme: Programme, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan_version"].queryset = PlanVersion.objects.filter(
            programme=programme, status=PlanStatus.PROPOSED
        )
        self.fields["axis"].queryset = Axis.objects.filter(programme=programme).current()
        self.fields["lead_partner"].queryset = Organisation.objects.filter(
            territory=programme.territory_id
        ).order_by("name")


class DeclineForm(forms.Form):
    reason = forms.CharField(label="Pourquoi elle n'est pas retenue", max_length=500)


class CommitteeForm(forms.Form):
    kind = forms.ChoiceField(label="Type", choices=[("", "Choisir…"), *CommitteeKind.choices])
    title = forms.CharField(
        label="Intitulé", max_length=200, help_text="Par exemple « COPIL politique de la ville »."
    )
    description = _text("Rôle")


class MinutesField(forms.FileField):
    widget = forms.ClearableFileInput(
        attrs={"accept": ".pdf,.odt,.docx,application/pdf,application/vnd.oasis.opendocument.text,"
               "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
    )  # fmt: skip

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload:
            upload.seek(0)
            head = upload.read(rules.MAX_MINUTES_BYTES + 1)
            upload.seek(0)
            if problem := rules.minutes_problem(upload.size, head):
                raise forms.ValidationError(problem)
        return upload


MINUTES_HINT = f"PDF, ODT ou DOCX, {rules.MAX_MINUTES_BYTES // (1024 * 1024)} Mo au plus."


class MeetingForm(forms.Form):
    held_on = _date("Date")
    place = forms.CharField(label="Lieu", max_length=200, required=False)
    agenda = _text("Ordre du jour", rows=4)
    minutes = MinutesField(label="Compte rendu", required=False, help_text=MINUTES_HINT)


class MinutesForm(forms.Form):
    minutes = MinutesField(label="Compte rendu", help_text=MINUTES_HINT)


class DecisionForm(forms.Form):
    kind = forms.ChoiceField(
        label="Type",
        choices=[(k, v) for k, v in DecisionKind.choices if k != DecisionKind.APPROVE_PLAN],
    )
    text = _text("Décision", rows=3, required=True)
    actions = forms.ModelMultipleChoiceField(
        label="Actions concernées", queryset=PlanAction.objects.none(), required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )  # fmt: skip

    def __init__(self, *args, programme: Programme, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["actions"].queryset = PlanAction.objects.filter(
            plan_version__programme=programme,
            plan_version__status__in=[PlanStatus.PROPOSED, PlanStatus.APPROVED],
        ).select_related("plan_version")


class RoleForm(MemberForm):
    kind = forms.ChoiceField(label="Rôle", choices=[("", "Choisir…"), *SteeringRoleKind.choices])
    commune = forms.ModelChoiceField(
        label="Commune (référent local)", queryset=Commune.objects.none(), required=False
    )
    group = forms.ModelChoiceField(
        label="Groupe de travail (référent)", queryset=WorkingGroup.objects.none(), required=False
    )
    committee = forms.ModelChoiceField(
        label="Comité (membre)", queryset=Committee.objects.none(), required=False
    )
    is_elected = forms.BooleanField(label="Élu·e", required=False)
    title = forms.CharField(
        label="Fonction",
        max_length=200,
        required=False,
        help_text="Par exemple « vice-présidente ».",
    )

    def __init__(self, *args, programme: Programme, **kwargs) -> None:
        super().__init__(*args, programme=programme, **kwargs)
        self.fields["commune"].queryset = Commune.objects.filter(
            territory=programme.territory_id
        ).order_by("name")
        self.fields["group"].queryset = WorkingGroup.objects.filter(programme=programme)
        self.fields["committee"].queryset = Committee.objects.filter(programme=programme)

    def clean_email(self) -> User:
        # An elected official may have no structure: any active account can be given a role.
        user = User.objects.filter(email__iexact=self.cleaned_data["email"], is_active=True).first()
        if user is None:
            raise forms.ValidationError(
                "Aucun compte n'a cette adresse : demandez à l'équipe Aiguillage de le créer."
            )
        return user
