"""Pages of the gift of a computer to a person: waiting list, reservation, contract,
installation."""

from django.urls import path

from aiguillage.equipment.views import allocation_list as lists
from aiguillage.equipment.views import allocation_steps as steps

P = "espace/ordinateurs/<uuid:public_id>/attributions/"  # a programme's
G = "espace/ordinateurs/attributions/<uuid:public_id>/"  # one allocation
urlpatterns = [
    path(P, lists.allocation_list, name="allocation_list"),
    path(P + "inscrire/", lists.allocation_request, name="allocation_request"),
    path(P + "premiere-personne/", lists.allocation_reserve_next, name="allocation_reserve_next"),
    path(G, steps.allocation_detail, name="allocation_detail"),
    path(G + "reserver/", steps.allocation_reserve, name="allocation_reserve"),
    path(G + "annuler-reservation/", steps.allocation_release, name="allocation_release"),
    path(G + "annuler/", steps.allocation_cancel, name="allocation_cancel"),
    path(G + "contrat.pdf", steps.allocation_contract, name="allocation_contract"),
    path(G + "signer/", steps.allocation_sign, name="allocation_sign"),
    path(G + "remettre/", steps.allocation_hand_over, name="allocation_hand_over"),
    path(G + "rendez-vous/", steps.allocation_appointment, name="allocation_appointment"),
    path(G + "installation/", steps.allocation_install, name="allocation_install"),
]  # fmt: skip
