"""A referral the receiver marks « accompagnement fait » counts as one individual
accompaniment of the receiving structure (activities), without anyone typing it twice.
Referrals to a workshop are counted by the roll call instead (workshops.activity_records)."""

from __future__ import annotations

from typing import Any

from aiguillage.activities.actions import record_derived_activity
from aiguillage.referrals import rules

# La Coop's « ce qui a été fait » (rules.ACTIVITIES) in the national activity-report themes.
REPORT_THEME_OF_ACTIVITY: dict[str, str] = {
    "diagnostic_numerique": "diagnostic",
    "prendre_en_main_du_materiel": "equipementInformatique",
    "maintenance_de_materiel": "equipementInformatique",
    "gere_ses_contenus_numeriques": "contenusNumeriques",
    "navigation_sur_internet": "internet",
    "email": "courriel",
    "bureautique": "traitementTexte",
    "reseaux_sociaux": "echanger",
    "sante": "sante",
    "banque_et_achats_en_ligne": "budget",
    "entrepreneuriat": "tpePme",
    "insertion_professionnelle": "trouverEmploi",
    "securite_numerique": "securite",
    "parentalite": "accompagnerEnfant",
    "scolarite_et_numerique": "scolaire",
    "creer_avec_le_numerique": "contenusNumeriques",
    "culture_numerique": "vocabulaire",
    "aide_aux_demarches_administratives": "demarcheEnLigne",
    **dict.fromkeys(rules.PROCEDURE_DOMAINS, "demarcheEnLigne"),
}
AUTONOMY_AFTER: dict[str, str] = {
    "entierement_accompagne": "no",
    "partiellement_autonome": "partly",
    "autonome": "yes",
}


def count_completed_referral(referral: Any, *, actor: Any) -> None:
    if referral.workshop is not None:
        return
    themes = list(
        dict.fromkeys(
            REPORT_THEME_OF_ACTIVITY.get(code, "autre") for code in referral.outcome_activities
        )
    ) or ["autre"]
    record_derived_activity(
        actor=actor,
        source="referral",
        source_ref=str(referral.public_id),
        organisation=referral.receiver_organisation,
        occurred_on=referral.updated_at.astimezone(referral.territory.tz).date(),
        kind="individual",
        themes=themes,
        participants=1,
        autonomy_after=AUTONOMY_AFTER.get(referral.outcome_autonomy, ""),
        commune=referral.origin_commune,
        person=referral.person,
    )
