"""The programme's home (axes, plan versions, next meetings, groups, committees), creating the
programme, its axes (added, renamed, retired) and who plays which part."""

from __future__ import annotations

from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from aiguillage.accounts.permissions import coordinated_territories
from aiguillage.steering import governance_actions, programme_actions
from aiguillage.steering.errors import SteeringError
from aiguillage.steering.forms import AxisChangeForm, AxisForm, ProgrammeForm, RoleForm
from aiguillage.steering.models import (
    Axis,
    Meeting,
    PlanStatus,
    PlanVersion,
    Programme,
    SteeringRole,
)
from aiguillage.steering.permissions import (
    can_view_committee,
    can_view_group,
    can_view_plan_version,
    get_axis_for_user,
    get_programme_for_user,
    programmes_of,
)
from aiguillage.steering.views.common import form_page, posted


def programme_index(request: HttpRequest) -> HttpResponse:
    """The menu's « Programme »: the current territory's programme, or the one the user
    sees; a coordinator whose territory has none yet creates it here."""
    programmes = programmes_of(request.user)
    current = getattr(request, "territory", None)
    mine = [p for p in programmes if current is not None and p.territory_id == current.pk]
    if mine or len(programmes) == 1:
        return redirect("steering:programme_home", (mine or programmes)[0].public_id)
    if programmes:
        return render(request, "steering/programme_list.html", {"programmes": programmes})
    without = [t for t in coordinated_territories(request.user) if not _has_programme(t)]
    if not without:
        raise Http404("Aucun programme")
    territory = next((t for t in without if current and t.pk == current.pk), without[0])
    form = ProgrammeForm(posted(request))
    return form_page(
        request, form,
        save=lambda data: programme_actions.create_programme(
            actor=request.user, territory=territory, **data
        ),
        done="Le programme est créé. Ajoutez ses axes.",
        redirect_to=lambda made: reverse("steering:programme_home", args=[made.public_id]),
        title=f"Créer le programme de {territory.name}",
        back=(reverse("accounts:dashboard"), "Mon espace"),
        submit="Créer le programme",
        intro="Le programme rassemble les axes, les plans d'actions annuels, les groupes de "
        "travail et les comités du territoire.",
    )  # fmt: skip


def _has_programme(territory) -> bool:
    return Programme.objects.filter(territory=territory).exists()


def programme_home(request: HttpRequest, public_id) -> HttpResponse:
    programme, access = get_programme_for_user(request.user, public_id)
    versions = [
        v
        for v in PlanVersion.objects.filter(programme=programme).annotate(
            action_count=Count("actions")
        )
        if can_view_plan_version(access, v)
    ]
    current = next((v for v in versions if v.status == PlanStatus.APPROVED), None)
    committees = [c for c in programme.committees.all() if can_view_committee(access, c)]
    today = timezone.localdate()
    meetings = Meeting.objects.filter(committee__in=committees, held_on__gte=today)
    groups = list(programme.working_groups.all())
    axes = list(Axis.objects.filter(programme=programme))
    context = {
        "programme": programme,
        "access": access,
        "current_axes": [a for a in axes if a.is_current],
        "past_axes": [a for a in axes if not a.is_current],
        "versions": versions[:10],
        "current_version": current or (versions[0] if versions else None),
        "meetings": meetings.select_related("committee").order_by("held_on")[:5],
        "groups": [(g, can_view_group(access, g)) for g in groups],
        "committees": committees,
        "can_manage": access.is_coordinator,
        "proposed_exists": any(v.status == PlanStatus.PROPOSED for v in versions),
    }
    return render(request, "steering/programme_home.html", context)


def axis_create(request: HttpRequest, public_id) -> HttpResponse:
    programme, _ = get_programme_for_user(request.user, public_id, manage=True)
    form = AxisForm(posted(request), initial={"valid_from": programme.starts_on})
    return form_page(
        request, form,
        save=lambda data: programme_actions.add_axis(
            actor=request.user, programme=programme, **data
        ),
        done="L'axe est ajouté.",
        redirect_to=lambda axis: reverse("steering:programme_home", args=[programme.public_id]),
        title="Nouvel axe",
        back=(reverse("steering:programme_home", args=[programme.public_id]), programme.title),
        submit="Ajouter l'axe",
    )  # fmt: skip


def axis_change(request: HttpRequest, public_id) -> HttpResponse:
    axis, _ = get_axis_for_user(request.user, public_id)
    programme = axis.programme

    def save(data):
        if data["mode"] == "rename":
            return programme_actions.rename_axis(
                actor=request.user, axis=axis, title=data["title"], from_day=data["day"]
            )
        return programme_actions.retire_axis(actor=request.user, axis=axis, last_day=data["day"])

    return form_page(
        request, AxisChangeForm(posted(request), initial={"title": axis.title}),
        save=save, done="L'axe est changé ; les actions déjà classées gardent l'ancien intitulé.",
        redirect_to=lambda _: reverse("steering:programme_home", args=[programme.public_id]),
        title=f"Changer l'axe « {axis} »",
        back=(reverse("steering:programme_home", args=[programme.public_id]), programme.title),
        submit="Enregistrer",
        intro=f"En vigueur depuis le {axis.valid_from:%d/%m/%Y}. Renommer ou retirer un axe ne "
        "change pas les plans passés.",
    )  # fmt: skip


def role_list(request: HttpRequest, public_id) -> HttpResponse:
    programme, _ = get_programme_for_user(request.user, public_id, manage=True)
    form = RoleForm(posted(request), programme=programme)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            governance_actions.grant_role(
                actor=request.user, programme=programme, user=data["email"], kind=data["kind"],
                commune=data["commune"], group=data["group"], committee=data["committee"],
                is_elected=data["is_elected"], title=data["title"],
            )  # fmt: skip
        except SteeringError as error:
            form.add_error(None, str(error))
        else:
            return redirect("steering:role_list", programme.public_id)
    roles = SteeringRole.objects.filter(programme=programme).select_related(
        "user", "commune", "group", "committee"
    )
    context = {"programme": programme, "form": form, "roles": roles}
    return render(request, "steering/role_list.html", context, status=400 if form.errors else 200)


@require_POST
def role_revoke(request: HttpRequest, public_id, pk: int) -> HttpResponse:
    programme, _ = get_programme_for_user(request.user, public_id, manage=True)
    role = get_object_or_404(SteeringRole, pk=pk, programme=programme)
    governance_actions.revoke_role(actor=request.user, role=role)
    return redirect("steering:role_list", programme.public_id)
