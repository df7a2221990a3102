"""What is explained to a person before anything is recorded about them."""

from __future__ import annotations

CONSENT_PURPOSES: dict[str, str] = {
    "accompagnement": (
        "Garder une fiche pour suivre son accompagnement dans la structure "
        "(prénom ou initiales, année de naissance, commune, langues)."
    ),
    "evaluation": "Enregistrer le diagnostic de ses compétences numériques pour voir ses progrès.",
    "orientation": (
        "Quand on l'oriente vers une autre structure, lui montrer son prénom, sa commune, "
        "ses langues, son besoin et notre message, tant que l'orientation est en cours "
        "(et 30 jours après le rendez-vous) ; cette structure ne voit pas sa fiche."
    ),
}

CONSENT_EXPLANATION = (
    "J'ai expliqué à la personne, avec des mots simples, ce que nous notons, pourquoi, "
    "qui le verra (seulement les structures qui l'accompagnent), combien de temps nous le "
    "gardons (24 mois après le dernier rendez-vous au plus) et qu'elle peut retirer son "
    "accord à tout moment : sa fiche est alors anonymisée."
)
