"""What is explained to a person before anything is recorded about them.

Plain French for people who read with difficulty: short sentences, everyday words.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.functional import lazy

CONSENT_PURPOSES: dict[str, str] = {
    "accompagnement": (
        "Garder une fiche pour suivre son accompagnement dans la structure. "
        "Sur la fiche : son prénom ou ses initiales. "
        "Si elle le veut, aussi : son nom, son année de naissance, sa commune, ses langues, "
        "son téléphone ou son courriel, et une remarque du professionnel."
    ),
    "evaluation": "Enregistrer le diagnostic de ses compétences numériques pour voir ses progrès.",
    "orientation": (
        "Quand on l'oriente vers une autre structure, montrer à cette structure son prénom, "
        "sa commune, ses langues, son besoin et notre message. "
        # The 30 days are referrals.rules.RECEIVER_SEES_PERSON_DAYS (a test keeps them equal).
        "Cette structure les voit pendant l'orientation, et jusqu'à 30 jours après le "
        "rendez-vous ou l'accompagnement. Si elle oriente la personne ailleurs, la structure "
        "suivante voit la même chose. Elle ne voit pas sa fiche."
    ),
    "equipement": (
        "Lui réserver un ordinateur, préparer le contrat de don et le rendez-vous "
        "d'installation chez elle. "
        "Les autres structures du programme voient qu'une personne attend, sans son nom."
    ),
}


def consent_explanation(months: int) -> str:
    """The explanation the professional confirms, with the retention period in force.

    The clock runs from the last activity on the file (``people.actions.touch_person``,
    ``expired_people``): reading the file does not count, and no appointment is recorded."""
    return (
        "J'ai expliqué à la personne, avec des mots simples, ce que nous notons et pourquoi. "
        "Seules les structures qui l'accompagnent le voient. "
        "Un handicap ou un besoin d'aide particulier (par exemple pour lire) est noté "
        "seulement si elle est d'accord. "
        f"Si rien n'est fait sur sa fiche pendant {months} mois (pas de modification, "
        "de diagnostic ni d'orientation), la fiche est anonymisée : son nom et ce qui la "
        "concerne sont effacés. "
        "Elle peut retirer son accord à tout moment : la fiche est alors anonymisée tout de "
        "suite. "
        "Après l'anonymisation, il reste seulement des statistiques anonymes et la date de "
        "son accord."
    )


# Read when used, so that it always states the PEOPLE_RETENTION_MONTHS in force.
CONSENT_EXPLANATION = lazy(lambda: consent_explanation(settings.PEOPLE_RETENTION_MONTHS), str)()
