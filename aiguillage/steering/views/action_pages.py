"""An action of the plan: its page (every field, partners with their dates, targets, drift
notes, notes, history), creating and editing it, its follow-up, partners joining and leaving,
budget lines, targets and notes."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from aiguillage.journal.models import JournalEntry
from aiguillage.organisations.models import Organisation
from aiguillage.steering import plan_actions, rules
from aiguillage.steering.errors import SteeringError
from aiguillage.steering.forms import (
    ActionForm,
    BudgetLineForm,
    FollowUpForm,
    NoteForm,
    PartnerForm,
    PartnerLeaveForm,
    TargetForm,
)
from aiguillage.steering.models import ActionPartner, ActionTarget, BudgetLine, PlanAction
from aiguillage.steering.permissions import (
    can_note_action,
    get_action_for_user,
    get_plan_version_for_user,
)
from aiguillage.steering.views.common import form_page, posted, refused

# The journal's words for an action's history.
HISTORY = {
    "steering_action_created": "Action créée",
    "steering_action_updated": "Action modifiée",
    "steering_action_status_changed": "État changé",
    "steering_action_drift_noted": "Écarts au dossier notés",
    "steering_action_partner_added": "Partenaire ajouté",
    "steering_action_partner_left": "Départ d'un partenaire",
    "steering_budget_line_added": "Ligne de budget ajoutée",
    "steering_budget_line_removed": "Ligne de budget supprimée",
    "steering_target_set": "Cible fixée",
    "steering_target_removed": "Cible supprimée",
    "steering_action_note_added": "Note ajoutée",
}


def _detail(action) -> str:
    return reverse("steering:action_detail", args=[action.public_id])


def action_detail(request: HttpRequest, public_id) -> HttpResponse:
    action, access = get_action_for_user(request.user, public_id)
    version = action.plan_version
    lines = list(action.budget_lines.all())
    # The action's history across plan versions: every row of its lineage.
    rows = PlanAction.objects.filter(lineage=action.lineage).values_list("public_id", flat=True)
    history = JournalEntry.objects.filter(
        object_type="steering.planaction", object_id__in=[str(p) for p in rows]
    ).select_related("actor")[:50]
    context = {
        "action": action,
        "version": version,
        "programme": version.programme,
        "partners": action.partners.select_related("organisation"),
        "communes": action.communes.order_by("name"),
        "targets": action.targets.all(),
        "budget": rules.budget_summary((b.financer, b.financer_name, b.amount) for b in lines)
        if access.sees_budgets
        else None,
        "lines": lines if access.sees_budgets else [],
        "notes": action.notes.select_related("author", "commune")[:30],
        "history": [(e, HISTORY.get(e.event, e.event)) for e in history],
        "decisions": action.decisions.select_related("meeting__committee"),
        "sources": _sources(action),
        "can_edit": access.is_coordinator and version.is_editable,
        "can_follow": access.is_coordinator and version.is_followed,
        "can_note": can_note_action(access, action),
        "note_form": NoteForm(),
        "access": access,
    }
    return render(request, "steering/action_detail.html", context)


def _sources(action) -> list[dict]:
    names = dict(
        Organisation.objects.filter(pk__in=[s["organisation"] for s in action.sources]).values_list(
            "pk", "name"
        )
    )
    return [
        {"name": names.get(s["organisation"], "?"), "kinds": s.get("workshop_kinds", [])}
        for s in action.sources
    ]


def _values_and_communes(form: ActionForm) -> tuple[dict, list]:
    return form.values(), list(form.cleaned_data["communes"])


def action_create(request: HttpRequest, public_id) -> HttpResponse:
    version, _ = get_plan_version_for_user(request.user, public_id, manage=True)
    form = ActionForm(posted(request), version=version)
    plan = reverse("steering:plan_detail", args=[version.public_id])

    def save(_data):
        values, communes = _values_and_communes(form)
        return plan_actions.create_action(
            actor=request.user, plan_version=version, values=values, communes=communes
        )

    return form_page(
        request, form, save=save, done="L'action est ajoutée au plan.",
        redirect_to=_detail, title=f"Nouvelle action — {version}", back=(plan, str(version)),
        submit="Ajouter l'action",
    )  # fmt: skip


def action_edit(request: HttpRequest, public_id) -> HttpResponse:
    action, _ = get_action_for_user(request.user, public_id, write="manage")
    form = ActionForm(posted(request), version=action.plan_version, action=action)

    def save(_data):
        values, communes = _values_and_communes(form)
        return plan_actions.update_action(
            actor=request.user, action=action, values=values, communes=communes
        )

    return form_page(
        request, form, save=save, done="L'action est modifiée.", redirect_to=_detail,
        title=f"Modifier « {action.title} »", back=(_detail(action), action.title),
        submit="Enregistrer",
    )  # fmt: skip


def action_followup(request: HttpRequest, public_id) -> HttpResponse:
    action, _ = get_action_for_user(request.user, public_id, write="manage")
    initial = {"status": action.status, "drift_notes": action.drift_notes}
    form = FollowUpForm(posted(request), initial=initial)

    def save(data):
        if data["status"] != action.status:
            plan_actions.change_action_status(
                actor=request.user, action=action, to=data["status"], note=data["note"]
            )
        if data["drift_notes"].strip() != action.drift_notes:
            plan_actions.update_drift_notes(
                actor=request.user, action=action, text=data["drift_notes"]
            )
        return action

    return form_page(
        request, form, save=save, done="Le suivi de l'action est noté.", redirect_to=_detail,
        title=f"Suivi de « {action.title} »", back=(_detail(action), action.title),
        submit="Enregistrer le suivi",
        intro="L'état et les écarts au dossier se suivent aussi sur un plan approuvé.",
    )  # fmt: skip


def partner_add(request: HttpRequest, public_id) -> HttpResponse:
    action, _ = get_action_for_user(request.user, public_id, write="manage")
    return form_page(
        request, PartnerForm(posted(request), action=action),
        save=lambda data: plan_actions.add_partner(actor=request.user, action=action, **data),
        done="Le partenaire est ajouté.", redirect_to=lambda _: _detail(action),
        title=f"Ajouter un partenaire — {action.title}", back=(_detail(action), action.title),
        submit="Ajouter le partenaire",
    )  # fmt: skip


def partner_leave(request: HttpRequest, public_id, pk: int) -> HttpResponse:
    action, _ = get_action_for_user(request.user, public_id, write="manage")
    partner = get_object_or_404(
        ActionPartner.objects.select_related("organisation"), pk=pk, action=action
    )
    return form_page(
        request, PartnerLeaveForm(posted(request)),
        save=lambda data: plan_actions.record_partner_leaving(
            actor=request.user, partner=partner, **data
        ),
        done="Le départ du partenaire est noté.", redirect_to=lambda _: _detail(action),
        title=f"{partner.organisation.name} quitte l'action",
        back=(_detail(action), action.title), submit="Noter le départ",
        intro=f"Partenaire depuis le {partner.joined_on:%d/%m/%Y}.",
    )  # fmt: skip


def budget_line_add(request: HttpRequest, public_id) -> HttpResponse:
    action, _ = get_action_for_user(request.user, public_id, write="manage")
    return form_page(
        request, BudgetLineForm(posted(request)),
        save=lambda data: plan_actions.add_budget_line(actor=request.user, action=action, **data),
        done="La ligne de budget est ajoutée.", redirect_to=lambda _: _detail(action),
        title=f"Budget — {action.title}", back=(_detail(action), action.title),
        submit="Ajouter la ligne",
    )  # fmt: skip


@require_POST
def budget_line_remove(request: HttpRequest, public_id, pk: int) -> HttpResponse:
    action, _ = get_action_for_user(request.user, public_id, write="manage")
    line = get_object_or_404(BudgetLine, pk=pk, action=action)
    try:
        plan_actions.remove_budget_line(actor=request.user, line=line)
    except SteeringError as error:
        return refused(request, error, _detail(action))
    messages.success(request, "La ligne de budget est supprimée.")
    return redirect(_detail(action))


def target_add(request: HttpRequest, public_id) -> HttpResponse:
    action, _ = get_action_for_user(request.user, public_id, write="manage")
    year = action.plan_version.year
    return form_page(
        request, TargetForm(posted(request), initial={"year": year}),
        save=lambda data: plan_actions.set_target(actor=request.user, action=action, **data),
        done="La cible est fixée.", redirect_to=lambda _: _detail(action),
        title=f"Cible — {action.title}", back=(_detail(action), action.title),
        submit="Fixer la cible",
        intro="Les chiffres réalisés seront calculés à partir des données de la plateforme.",
    )  # fmt: skip


@require_POST
def target_remove(request: HttpRequest, public_id, pk: int) -> HttpResponse:
    action, _ = get_action_for_user(request.user, public_id, write="manage")
    target = get_object_or_404(ActionTarget, pk=pk, action=action)
    try:
        plan_actions.remove_target(actor=request.user, target=target)
    except SteeringError as error:
        return refused(request, error, _detail(action))
    messages.success(request, "La cible est supprimée.")
    return redirect(_detail(action))


@require_POST
def note_add(request: HttpRequest, public_id) -> HttpResponse:
    action, access = get_action_for_user(request.user, public_id, write="note")
    form = NoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Écrivez la note avant de l'ajouter.")
        return redirect(_detail(action))
    mine = [c for c in action.communes.all() if c.pk in access.communes]
    plan_actions.add_note(
        actor=request.user, action=action, text=form.cleaned_data["text"],
        commune=mine[0] if mine and not access.is_coordinator else None,
    )  # fmt: skip
    messages.success(request, "La note est ajoutée.")
    return redirect(_detail(action))
