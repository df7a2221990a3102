"""Grand Chambéry's ITI FEDER programme 2016–2019, replayed through the actions.

The structures of the bilan (Ordi'Pratique, Web Biollay, « Accompagner son enfant dans les
mondes numériques », education to media) run their cycles and sessions, entered after the
fact as an organiser would from their sheets: participants counted without a file (age
bracket, commune, status) and rolled call session by session, classes and meetings counted
per audience. The « Bilan des ateliers » of the territory for 2016–2019 then shows the
bilan's figures (docs/workshops.md lists them), computed from these records and not typed in.

Every structure and place here is demo data (``is_demo``); the names follow the bilan's
roles, with « (démo) » to leave no doubt.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from aiguillage.accounts.models import Membership, Role, User
from aiguillage.demo import catalogue
from aiguillage.organisations.models import Organisation, OrganisationKind
from aiguillage.people.actions import create_person
from aiguillage.people.rules import CONSENT_EXPLANATION
from aiguillage.places.actions import create_place
from aiguillage.places.models import Place
from aiguillage.referrals import actions as referral_actions
from aiguillage.territories.models import Commune, Territory
from aiguillage.workshops import actions as workshop_actions
from aiguillage.workshops import rules
from aiguillage.workshops.attendance_actions import record_attendance, record_headcounts
from aiguillage.workshops.enrolment_actions import enrol_anonymous, enrol_person
from aiguillage.workshops.models import AttendanceStatus, Cycle, WorkshopKind

# What the bilan reports (seeds/003: « Le bilan global »), and what the demo reproduces.
BILAN = {
    "ordi_pratique": {"participants": 84, "workshops": 140},
    "web_biollay": {
        "initiation_ordinateur": 106,
        "atelier_thematique": 77,
        "blog_culinaire": 17,
        "tablette_smartphone": 77,
        "workshops": 384,
    },
    "accompagner_son_enfant": {
        "parents": 229,
        "enfants_jeunes": 1162,
        "professionnels": 74,
        "workshops": 87,
    },
    "education_medias": {
        "eleves": 1472,
        "jeunes_adultes": 278,
        "parents": 20,
        "professionnels": 80,
        "workshops": 140,
    },
}
FIRST_DAY = dt.date(2016, 9, 5)
LAST_DAY = dt.date(2019, 6, 28)
# Ordi'Pratique: who completes a cycle (present at 9 or 10 of its 10 sessions).
ORDI_PRATIQUE_REGULARS = 62
FIRST_NAMES = (
    "Aïcha", "Bernard", "Chantal", "Djamel", "Fatou", "Gérard", "Hélène", "Ibrahim", "Josiane",
    "Karima", "Lucien", "Mireille", "Nadia", "Omar", "Paulette", "Rachid", "Sylvie", "Thierry",
    "Yamina", "Zohra", "Monique", "Ahmed", "Colette", "Mamadou", "Ginette", "Samir",
)  # fmt: skip
INITIALS = "ABCDEFGHJKLMNOPRSTV"


@dataclass(frozen=True)
class Structure:
    key: str
    name: str
    kind: str
    commune: str  # where its place is
    address: str
    services: tuple[str, ...]


STRUCTURES = (
    Structure(
        "ble",
        "BLÉ, association de lutte contre l'illettrisme (démo)",
        OrganisationKind.ASSOCIATION,
        "Chambéry",
        "12 rue du Bon Pasteur",
        ("quotidien", "demarches"),
    ),
    Structure(
        "mediatheque",
        "Médiathèque de Chambéry (démo)",
        OrganisationKind.LIBRARY,
        "Chambéry",
        "1 place de la Médiathèque",
        ("acces", "quotidien"),
    ),
    Structure(
        "biollay",
        "Centre social et d'animation du Biollay (démo)",
        OrganisationKind.SOCIAL,
        "Chambéry",
        "5 place du Biollay",
        ("quotidien", "loisirs"),
    ),
    Structure(
        "cognin",
        "Atelier numérique de Cognin (démo)",
        OrganisationKind.LIBRARY,
        "Cognin",
        "2 rue de l'Église",
        ("parentalite", "quotidien"),
    ),
    Structure(
        "sij",
        "Savoie Information Jeunesse (démo)",
        OrganisationKind.ASSOCIATION,
        "Chambéry",
        "4 place de la Gare",
        ("comprehension", "securite"),
    ),
    Structure(
        "regie",
        "Régie+, régie de quartier des Hauts de Chambéry (démo)",
        OrganisationKind.ASSOCIATION,
        "Chambéry",
        "8 rue de la Régie",
        ("materiel",),
    ),
    Structure(
        "reconditionneur",
        "Atelier de reconditionnement informatique (démo)",
        OrganisationKind.OTHER,
        "La Motte-Servolex",
        "20 avenue du Reconditionnement",
        ("materiel", "reparation"),
    ),
)


def split(total: int, parts: int, rng: random.Random) -> list[int]:
    """``total`` in ``parts`` positive whole numbers of about the same size."""
    base, extra = divmod(total, parts)
    values = [base + (1 if index < extra else 0) for index in range(parts)]
    for _ in range(parts):  # some spread, the sum kept
        a, b = rng.randrange(parts), rng.randrange(parts)
        shift = rng.randint(0, max(0, values[a] // 4))
        if values[a] - shift >= 1:
            values[a] -= shift
            values[b] += shift
    return values


class Replay:
    """One run of the programme; ``run`` is idempotent (skipped once BLÉ has a cycle)."""

    def __init__(self, territory: Territory) -> None:
        self.territory = territory
        self.tz = territory.tz
        self.rng = random.Random(2016)
        self.organisations: dict[str, Organisation] = {}
        self.places: dict[str, Place] = {}
        self.users: dict[str, User] = {}
        self.kinds: dict[str, WorkshopKind] = {}
        self.communes = list(
            Commune.objects.filter(territory=territory).order_by("-population")[:6]
        )
        self.day = FIRST_DAY
        # Ordi'Pratique's participants have a file (the computer is given by name); the other
        # operations count people without one, as their organisers did.
        self.with_files = False
        self.ordi_pratique_people: list = []

    # --- Structures --------------------------------------------------------------------------

    def _structure(self, spec: Structure) -> None:
        organisation = Organisation.objects.filter(
            territory=self.territory, name=spec.name
        ).first() or Organisation.objects.create(
            name=spec.name, kind=spec.kind, territory=self.territory, is_demo=True
        )
        self.organisations[spec.key] = organisation
        email = f"{spec.key}.chambery@demo.aiguillage.fr"
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email, catalogue.DEMO_PASSWORD, first_name="Animation", last_name=spec.name[:40]
        )
        Membership.objects.get_or_create(
            user=user, organisation=organisation, defaults={"role": Role.MANAGER}
        )
        self.users[spec.key] = user
        place = Place.objects.filter(organisation=organisation).first()
        if place is None:
            commune = Commune.objects.filter(territory=self.territory, name__iendswith=spec.commune)
            commune = commune.order_by("-population").first() or self.communes[0]
            place = create_place(
                actor=None,
                territory=self.territory,
                note="Données de démonstration",
                values={
                    "organisation": organisation,
                    "nom": spec.name,
                    "pivot": "",
                    "adresse": spec.address,
                    "code_postal": commune.postcode_list[0] if commune.postcode_list else "",
                    "commune": commune.name,
                    "code_insee": commune.insee_code,
                    "latitude": catalogue.jitter(self.rng, commune.latitude),
                    "longitude": catalogue.jitter(self.rng, commune.longitude),
                    "typologie": [],
                    "telephone": catalogue.phone_for(self.rng, commune.department_code),
                    "horaires": "Mo-Fr 09:00-12:00,14:00-17:00",
                    "presentation_resume": "Structure du bilan ITI 2016–2019 (démonstration).",
                    "source": "Aiguillage (démonstration)",
                    "itinerance": ["Fixe"],
                    "services": list(spec.services),
                    "is_demo": True,
                },
            )
        self.places[spec.key] = place

    # --- Time --------------------------------------------------------------------------------

    def _slots(self, count: int, *, hour: int, weekday: int, start: dt.date) -> list:
        """``count`` weekly two-hour slots on ``weekday`` from ``start`` (school holidays are
        not modelled: the demo needs dates, not a calendar)."""
        first = start + dt.timedelta(days=(weekday - start.weekday()) % 7)
        slots = []
        for week in range(count):
            day = first + dt.timedelta(weeks=week)
            begin = dt.datetime.combine(day, dt.time(hour), tzinfo=self.tz)
            slots.append((begin, begin + dt.timedelta(hours=2)))
        return slots

    def _start_days(self, count: int, weeks: int) -> list[dt.date]:
        """``count`` start dates spread over the programme, leaving room for ``weeks``."""
        span = (LAST_DAY - FIRST_DAY).days - 7 * weeks
        return [
            FIRST_DAY + dt.timedelta(days=span * index // max(1, count)) for index in range(count)
        ]

    # --- Writing through the actions -----------------------------------------------------------

    def _participant_with_file(self, actor: User, target, organisation: Organisation):
        """A participant BLÉ follows with a file (first name and initial, birth year,
        commune), so that the computer can later be given to them by name."""
        person = create_person(
            actor=actor,
            organisation=organisation,
            values={
                "first_name": f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(INITIALS)}.",
                "birth_year": self.rng.randint(1950, 1995),
                "commune": self.rng.choice(self.communes),
            },
            purposes=["accompagnement", "evaluation"],
            explained_text=CONSENT_EXPLANATION,
        )
        self.ordi_pratique_people.append(person)
        return enrol_person(
            actor=actor, target=target, person=person, prescriber_organisation=organisation
        )

    def _participant(self, actor: User, target, organisation: Organisation, status: str):
        if self.with_files:
            return self._participant_with_file(actor, target, organisation)
        return enrol_anonymous(
            actor=actor,
            target=target,
            organisation=organisation,
            age_bracket=self.rng.choice(list(rules.AGE_BRACKETS)[2:7]),
            social_status=status,
            commune=self.rng.choice(self.communes),
        )

    def _cycle(
        self,
        key: str,
        kind: str,
        title: str,
        *,
        sessions: int | Sequence[int],
        groups: Sequence[int],
        audiences: Sequence[str] = ("habitants",),
        regulars: int | None = None,
        status: str = "sans_emploi",
    ) -> None:
        """``len(groups)`` cycles of ``sessions`` sessions (or ``sessions[i]``), a group of
        ``groups[i]`` people each; ``regulars`` people in all come to (nearly) every session,
        the others to some."""
        actor, organisation = self.users[key], self.organisations[key]
        people = sum(groups)
        regular = set(self.rng.sample(range(people), regulars if regulars is not None else people))
        index = 0
        lengths = [sessions] * len(groups) if isinstance(sessions, int) else list(sessions)
        starts = self._start_days(len(groups), max(lengths))
        for number, (size, day, length) in enumerate(zip(groups, starts, lengths, strict=True)):
            cycle = workshop_actions.create_cycle(
                actor=actor,
                organisation=organisation,
                kind=self.kinds[kind],
                title=f"{title} (groupe {number + 1})",
                slots=self._slots(length, hour=9 + 5 * (number % 2), weekday=number % 5, start=day),
                capacity=max(size, 6),
                place=self.places[key],
                audiences=list(audiences),
                after_the_fact=True,
            )
            enrolments = [
                self._participant(actor, cycle, organisation, status) for _ in range(size)
            ]
            plans = []
            for enrolment in enrolments:
                if index in regular:
                    absent = set(self.rng.sample(range(length), self.rng.choice((0, 0, 1))))
                else:
                    came = self.rng.randint(1, max(1, length * 6 // 10))
                    absent = set(self.rng.sample(range(length), length - came))
                plans.append((enrolment, absent))
                index += 1
            for position, session in enumerate(cycle.sessions.order_by("starts_at")):
                marks = {
                    enrolment: AttendanceStatus.ABSENT
                    if position in absent
                    else AttendanceStatus.PRESENT
                    for enrolment, absent in plans
                }
                record_attendance(actor=actor, session=session, marks=marks)

    def _counted_sessions(
        self, key: str, kind: str, title: str, counts: dict[str, list[int]]
    ) -> None:
        """Stand-alone sessions where people were only counted: ``counts[audience][i]``
        people of that audience at the i-th session."""
        actor, organisation = self.users[key], self.organisations[key]
        total = max(len(values) for values in counts.values())
        days = self._start_days(total, 1)
        for index, day in enumerate(days):
            here = {
                audience: values[index]
                for audience, values in counts.items()
                if index < len(values)
            }
            [(start, end)] = self._slots(1, hour=10 + 4 * (index % 2), weekday=index % 5, start=day)
            session = workshop_actions.create_session(
                actor=actor,
                organisation=organisation,
                kind=self.kinds[kind],
                title=title,
                starts_at=start,
                ends_at=end,
                capacity=min(500, max(1, sum(here.values()))),
                place=self.places[key],
                audiences=list(here),
                after_the_fact=True,
            )
            record_headcounts(actor=actor, session=session, counts=here)

    # --- The four operations -------------------------------------------------------------------

    def ordi_pratique(self) -> None:
        # 14 cycles of 10 sessions (140 workshops), groups of 6 (84 people).
        self.with_files = True
        self._cycle(
            "ble", "initiation_ordinateur", "Ordi'Pratique", sessions=10, groups=[6] * 14,
            regulars=ORDI_PRATIQUE_REGULARS,
        )  # fmt: skip
        self.with_files = False

    def web_biollay(self) -> None:
        # 180 + 104 + 35 + 65 = 384 workshops; groups of 5 to 6.
        self._cycle(
            "biollay", "initiation_ordinateur", "Initiation à l'informatique", sessions=10,
            groups=[6] * 16 + [5] * 2, regulars=80,
        )  # fmt: skip
        self._cycle(
            "biollay", "tablette_smartphone", "Initiation tablette", sessions=8,
            groups=[6] * 12 + [5], regulars=60,
        )  # fmt: skip
        self._cycle(
            "biollay", "blog_culinaire", "Blog de recettes du Biollay", sessions=[12, 12, 11],
            groups=[6, 6, 5], regulars=12,
        )  # fmt: skip
        self._cycle(
            "biollay", "atelier_thematique", "Atelier thématique", sessions=5,
            groups=[6] * 12 + [5], regulars=50,
        )  # fmt: skip

    def accompagner_son_enfant(self) -> None:
        # 10 sessions training 12 professionals; 6 meetings with 62 more; 71 parent–child
        # workshops: 87 workshops, 74 professionals, 229 parents, 1,162 children and young.
        self._cycle(
            "cognin", "formation_professionnels",
            "Accompagner son enfant dans les mondes numériques : parcours des professionnels",
            sessions=10, groups=[12], audiences=["professionnels"], status="en_emploi",
        )  # fmt: skip
        self._counted_sessions(
            "cognin", "formation_professionnels", "Écrans et petite enfance : temps d'échange",
            {"professionnels": split(62, 6, self.rng)},
        )  # fmt: skip
        self._counted_sessions(
            "cognin", "parent_enfant", "Samedi numérique parents-enfants",
            {
                "parents": split(229, 71, self.rng),
                "enfants_jeunes": split(1162, 71, self.rng),
            },
        )  # fmt: skip

    def education_medias(self) -> None:
        # 62 class workshops, 65 with young adults, 3 with parents, 10 trainings of
        # professionals: 140 workshops.
        self._counted_sessions(
            "sij", "education_medias", "Vrai ou faux ? S'informer en ligne",
            {"eleves": split(1472, 62, self.rng)},
        )  # fmt: skip
        self._counted_sessions(
            "sij", "education_medias", "Réseaux sociaux et écrans",
            {"jeunes_adultes": split(278, 65, self.rng)},
        )  # fmt: skip
        self._counted_sessions(
            "sij", "education_medias", "Les écrans à la maison",
            {"parents": split(20, 3, self.rng)},
        )  # fmt: skip
        self._counted_sessions(
            "sij", "formation_professionnels", "Éducation aux médias : formation",
            {"professionnels": split(80, 10, self.rng)},
        )  # fmt: skip

    def current_cycle(self) -> None:
        """Today's Ordi'Pratique: a cycle starting in three weeks, to which the Biollay social
        centre refers two people it follows (with their consent); BLÉ accepts, which enrols
        them. The same path as any referral to a workshop, so the demo shows it in Chambéry."""
        ble, biollay = self.organisations["ble"], self.organisations["biollay"]
        actor, sender = self.users["ble"], self.users["biollay"]
        today = timezone.now().astimezone(self.tz).date()
        cycle = workshop_actions.create_cycle(
            actor=actor,
            organisation=ble,
            kind=self.kinds["initiation_ordinateur"],
            title="Ordi'Pratique : se former et repartir avec un ordinateur",
            slots=self._slots(10, hour=14, weekday=1, start=today + dt.timedelta(days=21)),
            capacity=10,
            place=self.places["ble"],
            audiences=["habitants"],
            charter_text=(
                "Je viens aux 10 séances ou je préviens BLÉ. L'ordinateur reconditionné est "
                "remis à la fin du cycle aux personnes qui l'ont suivi."
            ),
        )
        for first_name, need in (("Malika", "Écrire à sa fille au Maroc."), ("Joël", "CAF")):
            person = create_person(
                actor=sender,
                organisation=biollay,
                values={"first_name": first_name, "commune": self.communes[0]},
                purposes=["accompagnement", "orientation"],
                explained_text=CONSENT_EXPLANATION,
            )
            referral = referral_actions.send_referral(
                actor=sender,
                organisation=biollay,
                person=person,
                place=self.places["ble"],
                values={"needs": ["apprendre"]},
                message=need,
                workshop=cycle,
            )
            referral_actions.accept_referral(
                referral=referral, actor=actor, organisation=ble, version=0
            )

    @transaction.atomic
    def run(self) -> bool:
        for spec in STRUCTURES:
            self._structure(spec)
        if Cycle.objects.filter(organisation=self.organisations["ble"]).exists():
            return False
        coordinator = User.objects.filter(email="coordination.chambery@demo.aiguillage.fr").first()
        workshop_actions.create_default_catalogue(actor=coordinator, territory=self.territory)
        self.kinds = {
            kind.code: kind for kind in WorkshopKind.objects.filter(territory=self.territory)
        }
        if "blog_culinaire" not in self.kinds:
            self.kinds["blog_culinaire"] = workshop_actions.add_kind(
                actor=coordinator,
                territory=self.territory,
                label="Blog culinaire",
                services=["loisirs"],
                coop_themes=["creer_avec_le_numerique"],
            )
        self.ordi_pratique()
        self.web_biollay()
        self.accompagner_son_enfant()
        self.education_medias()
        self.current_cycle()
        return True


def seed_chambery_bilan() -> bool:
    """The programme's four operations in Grand Chambéry (demo); False when already there."""
    territory = Territory.objects.filter(siren=catalogue.DEMO_TERRITORIES[1]).first()
    if territory is None:
        return False
    return Replay(territory).run()


__all__ = ["BILAN", "seed_chambery_bilan", "split"]
