"""Demo programme of Grenoble-Alpes Métropole, after its « Programme d'actions partagé sur les
usages du numérique » (shared/seeds): its four axes of 2017 and the fifth added in 2018, the
working groups « Accès aux droits » and « Parentalité numérique » whose proposals the
« comité d'animation » (local referents, group referents, Pôle des ressources) writes into
the 2017 action plan, approved by the COPIL of the city policy; actions led by the demo
structures, co-financed by the FEDER (ITI, OS 5), with partners, targets and one partner who
left; a meeting to come.

Demo accounts get a part: the mediator refers the « Accès aux droits » group, the social
worker is the local referent of the structure's commune, the manager sits on the COPIL as an
elected official would (read only).

Through the actions; marked demo; idempotent (skipped once the territory has a programme).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from aiguillage.accounts.models import Coordination, User
from aiguillage.demo import catalogue
from aiguillage.organisations.models import Organisation
from aiguillage.steering import governance_actions, plan_actions, programme_actions
from aiguillage.steering.models import Programme
from aiguillage.territories.models import Territory

COORDINATOR = "coordination@demo.aiguillage.fr"
MEDIATOR = "mediateur@demo.aiguillage.fr"
SOCIAL = "travailleur.social@demo.aiguillage.fr"
MANAGER = "responsable@demo.aiguillage.fr"

PROGRAMME = (
    "Programme d'actions partagé sur les usages du numérique",
    "Élaboré sur la base du diagnostic partagé de 2016, coordonné par Grenoble-Alpes "
    "Métropole et mis en œuvre par les communes, les acteurs de terrain et ceux du numérique, "
    "décliné annuellement via des plans d'actions. Cofinancé par l'Union européenne dans le "
    "cadre du volet urbain du FEDER Rhône-Alpes 2014-2020 : l'investissement territorial "
    "intégré (ITI), objectif spécifique 5.",
)
# (code, title, in force from): the seeds' four axes, then « insertion emploi » in 2018.
AXES = (
    ("1", "Créer les conditions d'accès aux savoirs de base, à l'accompagnement et aux outils",
     dt.date(2017, 1, 1)),
    ("2", "L'accès aux droits : face à la dématérialisation des services publics",
     dt.date(2017, 1, 1)),
    ("3", "L'éducation, parentalité, santé", dt.date(2017, 1, 1)),
    ("4", "La participation citoyenne", dt.date(2017, 1, 1)),
    ("5", "L'insertion professionnelle et l'emploi", dt.date(2018, 1, 1)),
)  # fmt: skip
GROUPS = {
    "droits": ("Accès aux droits", "Autonomie des personnes face aux démarches dématérialisées, "
               "implication des administrations concernées."),
    "parents": ("Parentalité numérique", "Regard critique et créativité des jeunes, posture "
                "éducative, parentalité à l'heure du numérique."),
}  # fmt: skip


def _member(email: str):
    user = User.objects.filter(email=email).first()
    membership = user.memberships.select_related("organisation").first() if user else None
    return user, membership.organisation if membership else None


@transaction.atomic
def seed_steering() -> bool:
    """True when the programme was seeded now."""
    territory = Territory.objects.filter(siren=catalogue.DEMO_TERRITORIES[0]).first()
    if territory is None or Programme.objects.filter(territory=territory).exists():
        return False
    coordinator = User.objects.filter(
        email=COORDINATOR, coordinations__territory=territory
    ).first() or next(
        (c.user for c in Coordination.objects.filter(territory=territory).select_related("user")),
        None,
    )
    (mediator, digital), (social, social_org), (manager, library) = (
        _member(MEDIATOR), _member(SOCIAL), _member(MANAGER)
    )  # fmt: skip
    leads = [o for o in (digital, social_org, library) if o and o.territory_id == territory.pk]
    if coordinator is None or not leads:
        return False
    digital, social_org, library = (leads * 3)[:3] if len(leads) < 3 else leads
    others = list(
        Organisation.objects.filter(territory=territory).exclude(pk__in=[o.pk for o in leads])
    )[:3]
    a = coordinator
    programme = programme_actions.create_programme(
        actor=a, territory=territory, title=PROGRAMME[0], description=PROGRAMME[1],
        starts_on=dt.date(2017, 1, 1), is_demo=True,
    )  # fmt: skip
    axes = {
        code: programme_actions.add_axis(
            actor=a, programme=programme, code=code, title=title, valid_from=start
        )
        for code, title, start in AXES
    }
    animation = governance_actions.create_committee(
        actor=a, programme=programme, kind="animation", title="Comité d'animation", is_demo=True,
        description="Comité technique : les référents locaux, les référents des groupes de "
        "travail thématiques et les représentants du Pôle des ressources numériques. Il "
        "formalise dans le plan d'action annuel les propositions des groupes de travail.",
    )  # fmt: skip
    copil = governance_actions.create_committee(
        actor=a, programme=programme, kind="copil", is_demo=True,
        title="Comité de pilotage de la politique de la ville",
        description="Valide les travaux du comité d'animation, dont le plan d'actions annuel.",
    )  # fmt: skip
    groups = {
        key: governance_actions.create_working_group(
            actor=a, programme=programme, title=title, description=text, is_demo=True
        )
        for key, (title, text) in GROUPS.items()
    }
    communes = list(territory.communes.order_by("-population")[:1])  # Grenoble
    _roles(a, programme, groups, animation, copil, communes, mediator, social, manager)

    # The groups' proposals, sent to the comité d'animation.
    proposals = {}
    for key, group, title, kind, axis in (
        ("permanences", groups["droits"], "Permanences numériques d'accès aux droits", "local",
         "2"),
        ("parents", groups["parents"], "Accompagner son enfant dans les mondes numériques",
         "local", "3"),
        ("declined", groups["droits"], "Borne de démarches en libre-service dans chaque mairie",
         "structuring", "2"),
    ):  # fmt: skip
        proposal = governance_actions.create_proposal(
            actor=mediator or a, group=group, title=title, kind=kind, axis=axes[axis],
            is_demo=True,
        )  # fmt: skip
        proposals[key] = governance_actions.submit_proposal(
            actor=mediator or a, proposal=proposal, committee=animation
        )

    # The 2017 plan, shaped by the comité d'animation, approved by the COPIL.
    version = programme_actions.create_plan_version(
        actor=a, programme=programme, year=2017, dated_on=dt.date(2017, 2, 7), is_demo=True,
        summary="Premier plan d'actions annuel du programme.",
    )  # fmt: skip
    actions = _actions(a, version, axes, digital, social_org, library, others, communes, proposals)
    governance_actions.decline_proposal(
        actor=a, proposal=proposals["declined"],
        reason="Hors des moyens de 2017 ; à retravailler avec les communes pour 2018.",
    )  # fmt: skip
    shaping = governance_actions.create_meeting(
        actor=a, committee=animation, held_on=dt.date(2017, 2, 7), is_demo=True,
        place="Grenoble-Alpes Métropole, Le Forum",
        agenda="1. Propositions des groupes de travail\n2. Projet de plan d'actions 2017\n"
        "3. Évaluation du programme",
    )  # fmt: skip
    governance_actions.record_decision(
        actor=a, meeting=shaping, kind="change_actions", actions=actions[:3],
        text="Le comité d'animation inscrit au projet de plan 2017 les propositions des groupes "
        "« Accès aux droits » et « Parentalité numérique », et la formation des accompagnants.",
    )  # fmt: skip
    approval = governance_actions.create_meeting(
        actor=a, committee=copil, held_on=dt.date(2017, 3, 21), is_demo=True,
        place="Hôtel de la Métropole", agenda="Validation du plan d'actions 2017 du programme.",
    )  # fmt: skip
    programme_actions.approve_plan_version(
        actor=a, plan_version=version, meeting=approval,
        text="Le comité de pilotage de la politique de la ville approuve le plan d'actions 2017.",
    )  # fmt: skip
    # Follow-up on the approved plan: under way, a drift from the dossier, a partner leaving.
    plan_actions.change_action_status(actor=a, action=actions[0], to="ongoing")
    plan_actions.change_action_status(actor=a, action=actions[1], to="ongoing")
    plan_actions.update_drift_notes(
        actor=a, action=actions[1],
        text="Ouverture en septembre au lieu de mars : recrutement du médiateur plus long que "
        "prévu. Les permanences du samedi sont remplacées par deux soirs en semaine.",
    )  # fmt: skip
    left = actions[1].partners.order_by("id").first()
    if left is not None:
        plan_actions.record_partner_leaving(
            actor=a, partner=left, left_on=dt.date(2017, 11, 30),
            reason="Sans salarié depuis l'automne",
        )  # fmt: skip
    governance_actions.create_meeting(
        actor=a, committee=copil, held_on=timezone.localdate() + dt.timedelta(days=30),
        is_demo=True, place="Hôtel de la Métropole",
        agenda="Point d'étape du programme et préparation du plan suivant.",
    )  # fmt: skip
    return True


def _roles(a, programme, groups, animation, copil, communes, mediator, social, manager) -> None:
    grant = governance_actions.grant_role
    if mediator is not None:
        grant(actor=a, programme=programme, user=mediator, kind="group_referent",
              group=groups["droits"], title="Médiateur numérique")  # fmt: skip
        grant(actor=a, programme=programme, user=mediator, kind="committee_member",
              committee=animation, title="Pôle des ressources")  # fmt: skip
        governance_actions.add_group_member(actor=a, group=groups["droits"], user=mediator)
    if social is not None:
        if communes:
            grant(actor=a, programme=programme, user=social, kind="local_referent",
                  commune=communes[0], title="Référente locale")  # fmt: skip
        governance_actions.add_group_member(actor=a, group=groups["droits"], user=social)
        governance_actions.add_group_member(actor=a, group=groups["parents"], user=social)
    if manager is not None:
        grant(actor=a, programme=programme, user=manager, kind="committee_member",
              committee=copil, is_elected=True, title="Membre du COPIL (lecture)")  # fmt: skip


def _actions(a, version, axes, digital, social_org, library, others, communes, proposals):
    partner = others[0] if others else None
    made = []
    permanence = governance_actions.accept_proposal(
        actor=a, proposal=proposals["permanences"], plan_version=version, lead_partner=digital,
        axis=axes["2"], scale="commune", communes=communes,
    )  # fmt: skip
    parents = governance_actions.accept_proposal(
        actor=a, proposal=proposals["parents"], plan_version=version, lead_partner=library,
        axis=axes["3"], scale="agglomeration", communes=communes,
    )  # fmt: skip
    training = plan_actions.create_action(
        actor=a, plan_version=version, communes=communes, values={
            "title": "Formation des accompagnants aux démarches en ligne", "axis": axes["1"],
            "kind": "training", "lead_partner": social_org, "scale": "agglomeration",
            "starts_on": dt.date(2017, 3, 1), "ends_on": dt.date(2017, 12, 15),
            "eligible_expenses": Decimal("24000"),
            "description": "Former et coordonner les professionnels qui accompagnent les "
            "publics, pour faire avec eux plutôt qu'à leur place.",
            "sources": [{"organisation": social_org.pk, "workshop_kinds": []}],
        },
    )  # fmt: skip
    cartoparty = plan_actions.create_action(
        actor=a, plan_version=version, communes=communes, values={
            "title": "Cartoparties et Fablab solidaire avec les conseils citoyens",
            "axis": axes["4"], "kind": "event", "lead_partner": digital,
            "scale": "neighbourhood", "starts_on": dt.date(2017, 5, 1),
            "ends_on": dt.date(2017, 10, 31), "eligible_expenses": Decimal("9000"),
        },
    )  # fmt: skip
    made = [training, permanence, parents, cartoparty]
    # Dates, expenses and sources of the actions that came from proposals.
    for action, start, expenses in ((permanence, dt.date(2017, 3, 1), "36000"),
                                    (parents, dt.date(2017, 4, 1), "28000")):  # fmt: skip
        plan_actions.update_action(
            actor=a, action=action, communes=list(action.communes.all()), values={
                **{f: getattr(action, f) for f in ("title", "description", "axis", "kind",
                                                   "lead_partner", "scale")},
                "starts_on": start, "ends_on": dt.date(2017, 12, 31),
                "eligible_expenses": Decimal(expenses),
                "sources": [{"organisation": action.lead_partner_id, "workshop_kinds": []}],
            },
        )  # fmt: skip
    # Budgets: FEDER (ITI, OS 5) about half, the Métropole and the Région the rest.
    for action, feder, epci, other in ((training, 12000, 8000, ("region", 4000)),
                                       (permanence, 18000, 12000, ("caf", 6000)),
                                       (parents, 14000, 9000, ("departement", 5000)),
                                       (cartoparty, 4500, 4500, None)):  # fmt: skip
        plan_actions.add_budget_line(
            actor=a, action=action, financer="feder", amount=Decimal(feder), note="ITI, OS 5"
        )
        plan_actions.add_budget_line(
            actor=a, action=action, financer="epci", amount=Decimal(epci),
            note="Grenoble-Alpes Métropole",
        )  # fmt: skip
        if other:
            plan_actions.add_budget_line(
                actor=a, action=action, financer=other[0], amount=Decimal(other[1])
            )
    for action, code, value in ((training, "professionals_trained", 40),
                                (permanence, "people_assessed", 150),
                                (permanence, "referrals_sent", 60),
                                (parents, "workshops_held", 24),
                                (parents, "audiences_reached", 120),
                                (cartoparty, "audiences_reached", 80)):  # fmt: skip
        plan_actions.set_target(
            actor=a, action=action, indicator_code=code, target_value=value, year=2017
        )
    if partner is not None:
        plan_actions.add_partner(
            actor=a, action=permanence, organisation=partner, joined_on=dt.date(2017, 3, 1),
            role="Accueil des permanences dans ses locaux",
        )  # fmt: skip
    if library is not None and library != digital:
        plan_actions.add_partner(
            actor=a, action=permanence, organisation=library, joined_on=dt.date(2017, 3, 1),
            role="Orientation des usagers vers les permanences",
        )  # fmt: skip
    if len(others) > 1:
        plan_actions.add_partner(
            actor=a, action=parents, organisation=others[1], joined_on=dt.date(2017, 4, 1),
            role="Ateliers en crèches et relais PMI",
        )  # fmt: skip
    return made
