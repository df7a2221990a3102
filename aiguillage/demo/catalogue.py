"""The demo territories: plausible structures and places around real communes.

Everything is generated with a fixed seed so that two runs give the same demo.
Names are generic (no real structure is impersonated) and labelled as demo data.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from aiguillage.organisations.models import OrganisationKind

DEMO_TERRITORIES = ("200040715", "200069110")  # Grenoble-Alpes Métropole, Grand Chambéry
DEMO_PASSWORD = "demo-aiguillage-2026"


@dataclass(frozen=True)
class PlaceTemplate:
    name: str  # "{commune}" is replaced by the commune's name
    kind: str  # OrganisationKind
    typologie: tuple[str, ...]
    services: tuple[str, ...]
    extra_services: tuple[str, ...]
    accompagnement: tuple[str, ...]
    acces: tuple[str, ...]
    frais: tuple[str, ...]
    dispositifs: tuple[str, ...]
    hours: tuple[str, ...]
    summary: str


TEMPLATES: tuple[PlaceTemplate, ...] = (
    PlaceTemplate(
        "Médiathèque de {commune}",
        OrganisationKind.LIBRARY,
        ("BIB",),
        (
            "Maîtrise des outils numériques du quotidien",
            "Accès internet et matériel informatique",
            "Loisirs et créations numériques",
        ),
        ("wifi", "ordinateurs", "impression"),
        ("En autonomie", "Dans un atelier collectif"),
        ("Se présenter",),
        ("Gratuit",),
        (),
        (
            "Tu,Th 14:00-18:30; We 10:00-12:30,14:00-18:30; Sa 10:00-17:00",
            "Tu-Fr 13:00-18:00; Sa 10:00-12:00,14:00-17:00",
        ),
        "Ordinateurs et wifi en accès libre, ateliers d'initiation le mercredi et le samedi.",
    ),
    PlaceTemplate(
        "Espace public numérique de {commune}",
        OrganisationKind.DIGITAL,
        ("EPN",),
        (
            "Maîtrise des outils numériques du quotidien",
            "Utilisation sécurisée du numérique",
            "Compréhension du monde numérique",
            "Aide aux démarches administratives",
        ),
        ("ordinateurs", "impression", "wifi"),
        ("Accompagnement individuel", "Dans un atelier collectif", "En autonomie"),
        ("Se présenter", "Téléphoner"),
        ("Gratuit",),
        ("Conseillers numériques",),
        ("Mo-Fr 09:00-12:00,14:00-17:00", "Mo,Tu,Th,Fr 09:00-12:30,13:30-17:00; We 09:00-12:00"),
        "Un conseiller numérique vous aide à utiliser un ordinateur, un téléphone et internet.",
    ),
    PlaceTemplate(
        "CCAS de {commune}",
        OrganisationKind.SOCIAL,
        ("CCAS",),
        ("Aide aux démarches administratives",),
        (),
        ("Accompagnement individuel",),
        ("Téléphoner", "Se présenter"),
        ("Gratuit",),
        ("Aidants Connect",),
        ("Mo-Fr 08:30-12:00,13:30-17:00", "Mo-Th 08:30-12:00,13:30-17:00; Fr 08:30-12:00"),
        "Accompagnement aux démarches en ligne (CAF, impôts, santé) sur rendez-vous.",
    ),
    PlaceTemplate(
        "France Services de {commune}",
        OrganisationKind.PUBLIC_SERVICE,
        ("RFS",),
        ("Aide aux démarches administratives", "Insertion professionnelle via le numérique"),
        ("ordinateurs", "impression"),
        ("Accompagnement individuel", "En autonomie"),
        ("Se présenter", "Téléphoner", "Prendre un RDV en ligne"),
        ("Gratuit",),
        ("France Services",),
        ("Mo-Fr 09:00-12:00,13:30-17:00; Sa 09:00-12:00", "Mo-Fr 08:30-12:30,13:30-17:30"),
        "Un lieu unique pour vos démarches : impôts, CAF, retraite, santé, emploi, papiers.",
    ),
    PlaceTemplate(
        "Centre social de {commune}",
        OrganisationKind.SOCIAL,
        ("CS",),
        (
            "Aide aux démarches administratives",
            "Parentalité et éducation avec le numérique",
            "Maîtrise des outils numériques du quotidien",
        ),
        ("wifi",),
        ("Accompagnement individuel", "Dans un atelier collectif"),
        ("Se présenter", "Téléphoner"),
        ("Gratuit", "Gratuit sous condition"),
        (),
        ("Mo-Fr 09:00-12:00,14:00-18:30", "Mo,We,Fr 14:00-18:00; Tu,Th 09:00-12:00,17:30-20:00"),
        "Permanences numériques et ateliers parents-enfants autour des écrans.",
    ),
    PlaceTemplate(
        "Atelier solidaire d'ordinateurs de {commune}",
        OrganisationKind.ASSOCIATION,
        ("ASSO", "RESSOURCERIE"),
        (
            "Acquisition de matériel informatique à prix solidaire",
            "Accès internet et matériel informatique",
        ),
        ("reparation", "pret"),
        ("Accompagnement individuel",),
        ("Se présenter", "Contacter par mail"),
        ("Payant", "Gratuit sous condition"),
        ("Emmaüs Connect",),
        ("We 14:00-18:00; Sa 09:30-12:30", "Tu,Th 17:00-20:00; Sa 10:00-13:00"),
        "Ordinateurs reconditionnés à prix solidaire, réparation et prêt de matériel.",
    ),
    PlaceTemplate(
        "Maison des habitants de {commune}",
        OrganisationKind.ASSOCIATION,
        ("MDH",),
        (
            "Maîtrise des outils numériques du quotidien",
            "Aide aux démarches administratives",
            "Insertion professionnelle via le numérique",
        ),
        ("wifi", "ordinateurs"),
        ("Accompagnement individuel", "Dans un atelier collectif"),
        ("Se présenter",),
        ("Gratuit",),
        ("Conseillers numériques",),
        ("Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00", "Tu-Sa 09:30-12:30"),
        "Aide pour créer une adresse e-mail, faire un CV en ligne, utiliser son téléphone.",
    ),
)

LANGUAGE_POOL = ("en", "ar", "es", "it", "pt", "tr", "ru", "uk", "fa", "lsf")
SUPPORT_POOL = (
    "Illettrisme",
    "Langues étrangères (autres)",
    "Langues étrangères (anglais)",
    "Handicaps moteurs",
    "Surdité",
    "Déficience visuelle",
)
STREETS = (
    "rue de la République",
    "avenue Jean Jaurès",
    "place de la Mairie",
    "rue Victor Hugo",
    "cours de la Libération",
    "rue des Écoles",
    "avenue de la Gare",
    "rue du Marché",
    "boulevard Gambetta",
    "allée des Tilleuls",
)


def jitter(rng: random.Random, value: float, spread: float = 0.006) -> float:
    return round(value + rng.uniform(-spread, spread), 6)


def phone_for(rng: random.Random, department: str) -> str:
    prefix = "4"  # Auvergne-Rhône-Alpes numbers start with 04
    return f"+33{prefix}{rng.randint(10_000_000, 99_999_999)}"


__all__ = ["DEMO_PASSWORD", "DEMO_TERRITORIES", "TEMPLATES", "PlaceTemplate", "jitter", "phone_for"]
