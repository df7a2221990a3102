"""factory_boy factories: minimal valid objects, traits for situations. Also used by seed_demo."""

from __future__ import annotations

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from aiguillage.accounts.models import Coordination, Membership, Role, User
from aiguillage.organisations.models import Organisation, OrganisationKind
from aiguillage.places.models import Place
from aiguillage.places.rules import derive_search_fields
from aiguillage.territories.models import Commune, Postcode, Territory


class TerritoryFactory(DjangoModelFactory):
    class Meta:
        model = Territory
        django_get_or_create = ("siren",)

    name = "Grenoble-Alpes-Métropole"
    slug = factory.Sequence(lambda n: f"territoire-{n}")
    siren = factory.Sequence(lambda n: f"2000{n:05d}")
    kind = "METRO"


class CommuneFactory(DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ("insee_code",)
        skip_postgeneration_save = True

    insee_code = factory.Sequence(lambda n: f"38{n:03d}")
    name = factory.Sequence(lambda n: f"Commune {n}")
    territory = factory.SubFactory(TerritoryFactory)
    department_code = "38"
    population = 10_000
    latitude = 45.1885
    longitude = 5.7245

    @factory.post_generation
    def postcodes(self, create: bool, extracted: list[str] | None, **kwargs) -> None:
        if create and extracted:
            for code in extracted:
                Postcode.objects.get_or_create(code=code, commune=self)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"personne{n}@exemple.fr")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.django.Password("motdepasse-test")


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Structure {n}")
    kind = OrganisationKind.DIGITAL
    territory = factory.SubFactory(TerritoryFactory)


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.MEMBER

    class Params:
        manager = factory.Trait(role=Role.MANAGER)


class CoordinationFactory(DjangoModelFactory):
    class Meta:
        model = Coordination

    user = factory.SubFactory(UserFactory)
    territory = factory.SubFactory(TerritoryFactory)


class PlaceFactory(DjangoModelFactory):
    """A published place in Grenoble offering help with online procedures, open on weekdays."""

    class Meta:
        model = Place

    territory = factory.SubFactory(TerritoryFactory)
    nom = factory.Sequence(lambda n: f"Lieu d'aide numérique {n}")
    adresse = "1 place de la République"
    code_postal = "38000"
    commune = "Grenoble"
    code_insee = "38185"
    latitude = 45.1885
    longitude = 5.7245
    horaires = "Mo-Fr 09:00-12:00,14:00-17:00"
    services = factory.LazyFunction(lambda: ["Aide aux démarches administratives"])
    frais_a_charge = factory.LazyFunction(lambda: ["Gratuit"])
    modalites_accompagnement = factory.LazyFunction(lambda: ["Accompagnement individuel"])
    date_maj = factory.LazyFunction(lambda: dt.date(2026, 11, 1))

    class Params:
        unpublished = factory.Trait(is_published=False)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Keep the derived search columns consistent, as actions do.
        kwargs.update(derive_search_fields(kwargs))
        return super()._create(model_class, *args, **kwargs)
