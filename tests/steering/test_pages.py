"""The programme's pages through the test client: what each part sees, the flows, French
errors on bad input with nothing changed."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aiguillage.steering import plan_actions
from aiguillage.steering.forms import ActionForm
from aiguillage.steering.models import (
    ActionPartner,
    ActionTarget,
    Axis,
    BudgetLine,
    Meeting,
    PlanAction,
    PlanStatus,
    Programme,
    ProposalStatus,
)
from tests.steering import factories as sf
from tests.steering.test_governance import PDF

pytestmark = pytest.mark.django_db


def page(client, user, name, *args, data=None, files=None):
    client.force_login(user)
    url = reverse(f"steering:{name}", args=args)
    if data is None:
        return client.get(url)
    return client.post(url, {**data, **(files or {})})


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_a_coordinator_creates_the_programme_from_the_menu(client, coordinator, territory):
    response = page(client, coordinator, "programme_index")
    assert "Créer le programme de Métropole de test" in text(response)
    response = page(
        client,
        coordinator,
        "programme_index",
        data={
            "title": "Stratégie d'inclusion numérique 2017–2020",
            "starts_on": "2017-01-01",
            "ends_on": "2016-12-31",
            "description": "",
        },
    )
    assert response.status_code == 400 and "est avant le début" in text(response)
    assert not Programme.objects.exists()
    page(
        client,
        coordinator,
        "programme_index",
        data={
            "title": "Stratégie d'inclusion numérique 2017–2020",
            "starts_on": "2017-01-01",
        },
    )
    home = page(client, coordinator, "programme_index")
    assert home.status_code == 302
    body = text(client.get(home["Location"]))
    assert "Aucun axe." in body and "Aucun plan d'actions pour l'instant" in body


def test_the_menu_leads_to_the_programme(client, owner, programme):
    client.force_login(owner)
    body = text(client.get(reverse("accounts:dashboard")))
    assert reverse("steering:programme_index") in body and ">Programme</a>" in body


def test_the_home_shows_axes_current_plan_meetings_and_groups(
    client, coordinator, programme, axis, version, copil, group
):
    sf.meeting(coordinator, copil, held_on=dt.date.today() + dt.timedelta(days=20))
    body = text(page(client, coordinator, "programme_home", programme.public_id))
    for expected in (
        "L'accès aux droits",
        "Plan d'actions 2017 (version 1)",
        "Proposé",
        "COPIL politique de la ville",
        "Accès aux droits",
        "Gérer les rôles",
    ):
        assert expected in body


def test_a_renamed_axis_shows_its_past_title(client, coordinator, programme, axis):
    response = page(
        client,
        coordinator,
        "axis_change",
        axis.public_id,
        data={
            "mode": "rename",
            "title": "Accès aux droits et médiation",
            "day": "2018-01-01",
        },
    )
    assert response.status_code == 302
    body = text(page(client, coordinator, "programme_home", programme.public_id))
    assert "Accès aux droits et médiation" in body
    assert "L'accès aux droits — du 01/01/2017 au 31/12/2017" in body


def test_budgets_are_shown_to_the_coordination_and_committees_only(
    client, coordinator, committee_member, owner, version, action, copil
):
    sf.budget(coordinator, action, "feder", "30000")
    sf.budget(coordinator, action, "epci", "10000")
    sf.approve(coordinator, version, copil)
    for user, sees in ((coordinator, True), (committee_member, True), (owner, False)):
        plan = text(page(client, user, "plan_detail", version.public_id))
        detail = text(page(client, user, "action_detail", action.public_id))
        assert ("FEDER (Union européenne) 75\xa0%" in plan) is sees, user
        assert ("Budget et co-financeurs" in detail) is sees, user
        assert "Ordi'Pratique" in plan


def test_a_local_referent_sees_the_actions_of_their_commune_only(
    client,
    coordinator,
    local_referent,
    other_referent,
    version,
    axis,
    organisation,
    action,
    echirolles,
):
    sf.action(
        coordinator, version, axis, organisation, title="Web Échirolles", communes=[echirolles]
    )
    mine = text(page(client, local_referent, "plan_detail", version.public_id))
    theirs = text(page(client, other_referent, "plan_detail", version.public_id))
    assert "Ordi'Pratique" in mine and "Web Échirolles" not in mine
    assert "Web Échirolles" in theirs and "Ordi'Pratique" not in theirs
    assert "Vous voyez les actions qui concernent votre commune." in mine


def test_a_local_referent_adds_a_note_from_their_commune(client, local_referent, action, grenoble):
    response = page(
        client, local_referent, "note_add", action.public_id, data={"text": "Bon démarrage."}
    )
    assert response.status_code == 302
    note = action.notes.get()
    assert (note.author, note.commune, note.text) == (local_referent, grenoble, "Bon démarrage.")
    assert "Bon démarrage." in text(page(client, local_referent, "action_detail", action.public_id))


def test_the_plan_page_costs_the_same_queries_whatever_its_size(
    client, coordinator, version, axis, organisation, other_organisation
):
    def count() -> int:
        client.force_login(coordinator)
        with CaptureQueriesContext(connection) as queries:
            assert (
                client.get(reverse("steering:plan_detail", args=[version.public_id])).status_code
                == 200
            )
        return len(queries)

    first = sf.action(coordinator, version, axis, organisation, title="A")
    sf.budget(coordinator, first)
    few = count()
    for title in ("B", "C", "D"):
        made = sf.action(coordinator, version, axis, organisation, title=title)
        sf.budget(coordinator, made)
        plan_actions.add_partner(
            actor=coordinator,
            action=made,
            organisation=other_organisation,
            joined_on=dt.date(2017, 1, 1),
        )
    assert count() == few


ACTION_FORM = {"title": "Ordi'Pratique", "kind": "structuring", "scale": "commune"}


def test_reversed_dates_on_an_action_are_refused_in_french(
    client, coordinator, version, axis, organisation
):
    data = {
        **ACTION_FORM,
        "axis": axis.pk,
        "lead_partner": organisation.pk,
        "starts_on": "2017-06-01",
        "ends_on": "2017-01-01",
    }
    response = page(client, coordinator, "action_create", version.public_id, data=data)
    assert response.status_code == 400
    assert "La fin (01/01/2017) est avant le début (01/06/2017)." in text(response)
    assert not PlanAction.objects.exists()


def test_an_action_is_added_through_its_form(
    client, coordinator, version, axis, organisation, grenoble
):
    data = {
        **ACTION_FORM,
        "axis": axis.pk,
        "lead_partner": organisation.pk,
        "communes": [grenoble.pk],
        "eligible_expenses": "45000",
        "source_organisations": [organisation.pk],
    }
    response = page(client, coordinator, "action_create", version.public_id, data=data)
    action = PlanAction.objects.get()
    assert response["Location"] == reverse("steering:action_detail", args=[action.public_id])
    assert list(action.communes.all()) == [grenoble]
    assert action.sources == [{"organisation": organisation.pk, "workshop_kinds": []}]


def test_a_partner_leaving_before_joining_is_refused_in_french(
    client, coordinator, action, other_organisation
):
    data = {
        "organisation": other_organisation.pk,
        "joined_on": "2017-05-01",
        "left_on": "2017-04-01",
    }
    response = page(client, coordinator, "partner_add", action.public_id, data=data)
    assert response.status_code == 400 and "avant de l'avoir rejointe" in text(response)
    partner = plan_actions.add_partner(
        actor=coordinator,
        action=action,
        organisation=other_organisation,
        joined_on=dt.date(2017, 5, 1),
    )
    response = page(
        client,
        coordinator,
        "partner_leave",
        action.public_id,
        partner.pk,
        data={"left_on": "2017-04-01", "reason": ""},
    )
    assert response.status_code == 400 and "avant de l'avoir rejointe" in text(response)
    assert ActionPartner.objects.get().left_on is None


def test_a_negative_amount_is_refused_in_french(client, coordinator, action):
    response = page(
        client,
        coordinator,
        "budget_line_add",
        action.public_id,
        data={"financer": "feder", "amount": "-100"},
    )
    assert response.status_code == 400 and "Le montant ne peut pas être négatif." in text(response)
    assert not BudgetLine.objects.exists()


def test_an_unknown_indicator_is_refused_in_french(client, coordinator, action):
    response = page(
        client,
        coordinator,
        "target_add",
        action.public_id,
        data={"indicator_code": "people_happy", "target_value": "10", "year": "2017"},
    )
    assert response.status_code == 400 and "Indicateur inconnu" in text(response)
    assert not ActionTarget.objects.exists()


def test_editing_an_approved_version_is_refused_in_french(
    client, coordinator, version, action, axis, organisation, copil
):
    sf.approve(coordinator, version, copil)
    data = {**ACTION_FORM, "title": "Renommée", "axis": axis.pk, "lead_partner": organisation.pk}
    response = page(client, coordinator, "action_edit", action.public_id, data=data)
    assert response.status_code == 400
    assert "Créez une nouvelle version du plan pour changer ses actions." in text(response)
    action.refresh_from_db()
    assert action.title == "Ordi'Pratique"
    detail = text(page(client, coordinator, "action_detail", action.public_id))
    assert "Modifier l'action" not in detail and "Suivi : état et écarts" in detail


def test_approving_a_version_that_is_not_proposed_is_refused_in_french(
    client, coordinator, version, copil
):
    sf.approve(coordinator, version, copil)
    meeting = Meeting.objects.get()
    response = page(
        client,
        coordinator,
        "plan_approve",
        version.public_id,
        data={"meeting": meeting.pk, "text": "Encore"},
    )
    assert response.status_code == 400
    assert "Seule une version proposée s'approuve ; celle-ci est « approuvé »." in text(response)
    assert version.decisions.count() == 1


def test_bad_minutes_are_refused_in_french(client, coordinator, copil):
    upload = SimpleUploadedFile("cr.exe", b"MZ\x90\x00 not a document")
    response = page(
        client,
        coordinator,
        "meeting_create",
        copil.public_id,
        data={"held_on": "2017-03-10"},
        files={"minutes": upload},
    )
    assert response.status_code == 400
    assert "Le compte rendu doit être un fichier PDF, ODT ou DOCX." in text(response)
    assert not Meeting.objects.exists()


def test_minutes_are_uploaded_and_downloaded(client, coordinator, committee_member, copil):
    upload = SimpleUploadedFile("compte rendu.pdf", PDF, content_type="application/pdf")
    response = page(
        client,
        coordinator,
        "meeting_create",
        copil.public_id,
        data={"held_on": "2017-03-10", "agenda": "Plan 2017"},
        files={"minutes": upload},
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    download = page(client, committee_member, "meeting_minutes", meeting.public_id)
    assert download.content == PDF and download["Content-Type"] == "application/pdf"
    assert 'filename="compte-rendu-2017-03-10.pdf"' in download["Content-Disposition"]


def test_the_plan_is_built_from_a_proposal_and_approved_at_a_meeting(
    client, coordinator, group_referent, group, programme, axis, organisation, copil
):
    version = sf.version(coordinator, programme)
    page(
        client,
        group_referent,
        "proposal_create",
        group.public_id,
        data={"title": "Permanences accès aux droits", "kind": "local", "axis": axis.pk},
    )
    proposal = group.proposals.get()
    page(
        client, group_referent, "proposal_submit", proposal.public_id, data={"committee": copil.pk}
    )
    response = page(
        client,
        coordinator,
        "proposal_accept",
        proposal.public_id,
        data={
            "plan_version": version.pk,
            "axis": axis.pk,
            "lead_partner": organisation.pk,
            "scale": "agglomeration",
        },
    )
    action = PlanAction.objects.get(proposal=proposal)
    assert response["Location"] == reverse("steering:action_detail", args=[action.public_id])
    meeting = sf.meeting(coordinator, copil)
    page(
        client,
        coordinator,
        "plan_approve",
        version.public_id,
        data={"meeting": meeting.pk, "text": "Le COPIL approuve le plan 2017."},
    )
    version.refresh_from_db()
    proposal.refresh_from_db()
    assert version.status == PlanStatus.APPROVED and proposal.status == ProposalStatus.ACCEPTED
    body = text(page(client, coordinator, "meeting_detail", meeting.public_id))
    assert "Le COPIL approuve le plan 2017." in body and "Approbation du plan d'actions" in body


def test_a_group_referent_manages_the_members(client, coordinator, group_referent, group, owner):
    response = page(
        client,
        group_referent,
        "group_members",
        group.public_id,
        data={"email": "nobody@exemple.fr"},
    )
    assert response.status_code == 400 and "Aucun compte du territoire" in text(response)
    page(client, group_referent, "group_members", group.public_id, data={"email": owner.email})
    assert list(group.members.all()) == [owner]


def test_empty_states_say_what_to_do(client, coordinator, version, group, copil):
    plan = text(page(client, coordinator, "plan_detail", version.public_id))
    assert "Ce plan n'a pas encore d'action. Ajoutez-en une" in plan
    assert "Écrivez les projets imaginés par le groupe" in text(
        page(client, coordinator, "group_detail", group.public_id)
    )
    assert "Notez la prochaine avec son ordre du jour" in text(
        page(client, coordinator, "committee_detail", copil.public_id)
    )


def test_a_coordinator_grants_a_role_by_email(client, coordinator, programme, grenoble, owner):
    response = page(
        client,
        coordinator,
        "role_list",
        programme.public_id,
        data={"email": owner.email, "kind": "local_referent", "commune": grenoble.pk},
    )
    assert response.status_code == 302
    assert owner.steering_roles.get().commune == grenoble
    response = page(
        client,
        coordinator,
        "role_list",
        programme.public_id,
        data={"email": owner.email, "kind": "committee_member"},
    )
    assert response.status_code == 400 and "le comité" in text(response)


def test_an_axis_form_keeps_renamed_axes_for_old_actions(
    coordinator, programme, axis, version, action
):
    renamed = Axis.objects.create(
        programme=programme, code="9", title="Futur", valid_from=dt.date(2030, 1, 1)
    )
    form = ActionForm(version=version, action=action)
    assert axis in form.fields["axis"].queryset and renamed not in form.fields["axis"].queryset
