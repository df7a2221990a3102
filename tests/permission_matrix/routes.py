"""Who may use each named route: one entry per route, one section per app.

A rule is read from the app's ``permissions.py`` (its ``get_*_for_user`` fetchers and ``can_*``
predicates) and docs/security.md; ``kind`` names the object the address points to, built for
each owner in ``objects.py``.
"""

from __future__ import annotations

from tests.permission_matrix import steering
from tests.permission_matrix.personas import (
    FORM,
    POST,
    Route,
    Rule,
    coordinator_of_a_territory,
    coordinator_of_territory,
    logged_in,
    managers_of_owner,
    members_of_owner,
    nobody,
    not_a_page,
    public,
    staff_only,
    structures_of_territory,
    with_a_structure,
    without_a_structure,
)

# The file stays with the structures that follow the person: a structure that received a
# referral of them sees the referral, never the file (referrals.permissions)...
FILE_STAYS = (("referred_person", nobody),)
# ...but may send them on elsewhere (get_person_for_redirection).
REDIRECTION = (("referred_person", members_of_owner),)
BOTH_SIDES = (("referral_received", members_of_owner),)
RECEIVER_ONLY = (("referral_sent", nobody),)  # the sender does not answer its own referral
SENDER_ONLY = (("referral_received", nobody),)  # the receiver does not cancel it
PERSON = Route(members_of_owner, "person", personal=True, also=FILE_STAYS)
PERSON_FORM = Route(members_of_owner, "person", FORM, personal=True, also=FILE_STAYS)
PERSON_POST = Route(members_of_owner, "person", POST, personal=True, also=FILE_STAYS)
COORDINATION = Route(coordinator_of_territory, "territory")

# A published workshop is seen by the structures of its territory, its coordinators and staff
# (workshops.permissions.can_view_workshop); an unpublished one by its organiser only.
WORKSHOP_SEEN_BY = structures_of_territory | coordinator_of_territory
DRAFT_HIDDEN = (("draft_session", members_of_owner),)
# An event is seen by its organiser, its partner structures and the territory's coordination.
EVENT_SEEN_BY = members_of_owner | coordinator_of_territory
# An enrolment: the organiser and the prescribing structure (can_see_enrolment).
ENROLMENT_SIDES = (("enrolment_sent", members_of_owner), ("enrolment_received", members_of_owner))

ROUTES: dict[str, Route] = {
    # --- ui: home page and health checks, public. ---
    **dict.fromkeys(["ui:home", "ui:liveness", "ui:readiness"], Route(public)),
    # --- api: the public places API. ---
    **dict.fromkeys(
        [
            "api:openapi-json",
            "api:openapi-view",
            "api:docs-text",
            "api:list_places",
            "api:list_sessions",
        ],
        Route(public),
    ),
    "api:api-root": Route(not_a_page),  # django-ninja's base address, for reverse() only
    "api:get_place": Route(public, "place"),
    # --- accounts ---
    # Public: login, password reset, invitation link.
    "accounts:password_reset_done": Route(public),
    "accounts:password_reset_complete": Route(public),
    "accounts:login": Route(public, methods=FORM),
    "accounts:password_reset": Route(public, methods=FORM),
    "accounts:password_reset_confirm": Route(public, "reset_token", FORM),
    "accounts:invitation": Route(public, "invitation_token", FORM),
    # One's own account.
    "accounts:dashboard": Route(logged_in),
    "accounts:password_change": Route(logged_in, methods=FORM),
    "accounts:password_change_done": Route(logged_in),
    "accounts:logout": Route(logged_in, methods=POST),
    # The second factor's own pages (the session of each persona has passed it).
    "accounts:second_factor": Route(logged_in),
    "accounts:second_factor_setup": Route(logged_in, methods=FORM),
    "accounts:second_factor_verify": Route(logged_in, methods=FORM),
    "accounts:second_factor_recovery_codes": Route(logged_in, methods=POST),
    "accounts:switch_organisation": Route(logged_in, methods=POST),
    # --- organisations ---
    "organisations:organisation_create": Route(logged_in, methods=FORM),
    # A structure: its members see it, and its territory's coordinators (and staff).
    "organisations:organisation_detail": Route(
        members_of_owner | coordinator_of_territory, "organisation"
    ),
    # Managers run their team and staff step in; coordinators invite but change no role.
    "organisations:organisation_edit": Route(managers_of_owner | staff_only, "organisation", FORM),
    "organisations:member_role": Route(managers_of_owner | staff_only, "membership", POST),
    "organisations:member_remove": Route(managers_of_owner | staff_only, "membership", FORM),
    "organisations:invitation_create": Route(
        managers_of_owner | coordinator_of_territory, "organisation", FORM
    ),
    **dict.fromkeys(
        ["organisations:invitation_resend", "organisations:invitation_cancel"],
        Route(managers_of_owner | coordinator_of_territory, "invitation", POST),
    ),
    # A territory's invitation commits the whole structure: its managers answer.
    "organisations:territory_join": Route(managers_of_owner, "organisation", FORM),
    "organisations:territory_invitation_accept": Route(
        managers_of_owner, "territory_invitation", POST
    ),
    "organisations:territory_invitation_decline": Route(
        managers_of_owner, "territory_invitation", FORM
    ),
    # A territory's coordination.
    "organisations:territory_detail": COORDINATION,
    "organisations:join_request_accept": Route(coordinator_of_territory, "join_request", POST),
    "organisations:join_request_decline": Route(coordinator_of_territory, "join_request", FORM),
    "organisations:territory_invite_organisation": Route(
        coordinator_of_territory, "territory", FORM
    ),
    "organisations:territory_create_organisation": Route(
        coordinator_of_territory, "territory", FORM
    ),
    # --- places ---
    # Public: search, places, open data.
    **dict.fromkeys(
        [
            "places:search",
            "places:commune_suggestions",
            "places:search_geojson",
            "places:export",
        ],
        Route(public),
    ),
    "places:place_detail": Route(public, "place"),
    "places:place_print": Route(public, "place"),
    "places:export_download": Route(public, "export"),
    # Any member of the owning structure edits them, and the territory's coordinators.
    "places:manage": Route(logged_in),  # one's own structure's or territory's list
    # For the current structure or the coordinated territory (staff name one in the address).
    "places:place_create": Route(with_a_structure | coordinator_of_a_territory, methods=FORM),
    "places:place_edit": Route(members_of_owner | coordinator_of_territory, "place", FORM),
    "places:place_history": Route(members_of_owner | coordinator_of_territory, "place"),
    "places:import": Route(coordinator_of_a_territory | staff_only, methods=FORM),
    "places:merges": Route(coordinator_of_a_territory | staff_only),
    "places:import_detail": Route(coordinator_of_territory, "import_run"),
    "places:merge_undo": Route(coordinator_of_territory, "merge", POST),
    "places:territory_neighbourhoods": COORDINATION,
    # --- people: only the structures that follow the person; lists show the current
    # structure's. ---
    "people:person_list": Route(with_a_structure),
    "people:person_create": Route(with_a_structure, methods=FORM),
    "people:person_detail": PERSON,
    "people:person_edit": PERSON_FORM,
    "people:consent_withdraw": PERSON_POST,
    "people:person_delete": PERSON_POST,
    # --- assessments: like the person's file; a draft only to the structure filling it in. ---
    "assessments:assessment_start": PERSON_FORM,
    "assessments:consent_evaluation": PERSON_FORM,
    **dict.fromkeys(
        ["assessments:assessment_detail", "assessments:assessment_result"],
        Route(members_of_owner, "assessment", personal=True),
    ),
    **dict.fromkeys(
        ["assessments:screening_question", "assessments:screening_review"],
        Route(members_of_owner, "screening_draft", FORM, personal=True),
    ),
    **dict.fromkeys(
        ["assessments:in_depth_item", "assessments:in_depth_conclusion"],
        Route(members_of_owner, "in_depth_draft", FORM, personal=True),
    ),
    **dict.fromkeys(
        ["assessments:assessment_wording", "assessments:assessment_abandon"],
        Route(members_of_owner, "screening_draft", POST, personal=True),
    ),
    # Anonymous statistics for the territory's coordinators; the referential for staff.
    "assessments:assessment_stats": COORDINATION,
    "assessments:assessment_stats_csv": COORDINATION,
    "assessments:referential_list": Route(staff_only, methods=FORM),
    "assessments:referential_download": Route(staff_only, "referential"),
    # --- referrals: the sending and receiving structures only; the receiver answers, the
    # sender cancels. Sending starts from a person the current structure follows, or
    # redirects. ---
    "referrals:referral_list": Route(with_a_structure),
    "referrals:referral_start": Route(with_a_structure, methods=FORM),
    "referrals:referral_need": Route(
        members_of_owner, "person", FORM, personal=True, also=REDIRECTION
    ),
    "referrals:referral_matches": Route(
        members_of_owner, "person", personal=True, also=REDIRECTION
    ),
    "referrals:referral_confirm": Route(
        members_of_owner,
        "person_and_place",
        FORM,
        personal=True,
        also=(("referred_person_and_place", members_of_owner),),
    ),
    # To a published workshop of the territory (docs/workshops.md, « Referring a person to
    # another structure's workshop »): never one of another territory.
    "referrals:workshop_choose": Route(members_of_owner, "person", personal=True, also=REDIRECTION),
    "referrals:workshop_confirm": Route(
        members_of_owner,
        "person_and_workshop",
        FORM,
        personal=True,
        also=(
            ("referred_person_and_workshop", members_of_owner),
            ("person_and_workshop_elsewhere", nobody),
        ),
    ),
    **dict.fromkeys(
        ["referrals:referral_detail", "referrals:referral_print"],
        Route(members_of_owner, "referral_sent", personal=True, also=BOTH_SIDES),
    ),
    "referrals:referral_cancel": Route(
        members_of_owner, "referral_sent", POST, personal=True, also=SENDER_ONLY
    ),
    **dict.fromkeys(
        [
            "referrals:referral_accept",
            "referrals:referral_decline",
            "referrals:referral_came",
            "referrals:referral_no_show",
            "referrals:referral_done",
        ],
        Route(members_of_owner, "referral_received", POST, personal=True, also=RECEIVER_ONLY),
    ),
    "referrals:referral_redirect": Route(
        members_of_owner, "referral_received", personal=True, also=RECEIVER_ONLY
    ),
    "referrals:referral_stats": COORDINATION,
    "referrals:referral_stats_csv": COORDINATION,
    # --- coverage: the territory's coordination. ---
    "coverage:overview": COORDINATION,
    "coverage:compare": COORDINATION,
    "coverage:parameters": Route(coordinator_of_territory, "territory", FORM),
    "coverage:calibration": Route(coordinator_of_territory, "territory", FORM),
    "coverage:calibration_withdraw": Route(coordinator_of_territory, "territory", POST),
    "coverage:run_start": Route(coordinator_of_territory, "territory", POST),
    **dict.fromkeys(
        [
            "coverage:run_detail",
            "coverage:run_csv",
            "coverage:run_map",
            "coverage:suggestions",
            "coverage:scenario",
        ],
        Route(coordinator_of_territory, "coverage_run"),
    ),
    # --- workshops (docs/workshops.md) ---
    # The current structure's sessions, and planning new ones: any member of a structure.
    "workshops:session_list": Route(with_a_structure),
    "workshops:session_create": Route(with_a_structure, methods=FORM),
    "workshops:series_create": Route(with_a_structure, methods=FORM),
    # A session's or a cycle's page: who sees it (with only the participants they enrolled).
    "workshops:session_detail": Route(WORKSHOP_SEEN_BY, "session", also=DRAFT_HIDDEN),
    "workshops:cycle_detail": Route(WORKSHOP_SEEN_BY, "cycle"),
    # Running it is the organiser's (any member); who sees it but does not organise gets 403.
    **dict.fromkeys(
        ["workshops:session_move", "workshops:session_cancel"],
        Route(members_of_owner, "session", FORM),
    ),
    **dict.fromkeys(
        ["workshops:session_capacity", "workshops:session_enrol_anonymous"],
        Route(members_of_owner, "session", POST),
    ),
    **dict.fromkeys(
        ["workshops:cycle_capacity", "workshops:cycle_enrol_anonymous"],
        Route(members_of_owner, "cycle", POST),
    ),
    # The roll call and the sign-in sheet list the participants: a 403 to who sees the
    # session hides nothing.
    "workshops:roll_call": Route(
        members_of_owner, "session", FORM, personal=True, answers_403_to=WORKSHOP_SEEN_BY
    ),
    "workshops:sign_in_sheet": Route(
        members_of_owner, "session", personal=True, answers_403_to=WORKSHOP_SEEN_BY
    ),
    # The territory's structures enrol the people they follow in published workshops
    # (can_enrol_in); coordinators and staff see them but enrol nobody.
    "workshops:session_enrol": Route(structures_of_territory, "session", FORM, also=DRAFT_HIDDEN),
    "workshops:cycle_enrol": Route(structures_of_territory, "cycle", FORM),
    # « Inscrire à un atelier » from a person's page (?personne=): the structures that follow
    # them; without a current structure, 403 before the person is looked up.
    "workshops:enrol_for_person": Route(
        members_of_owner, "person_in_query", personal=True, answers_403_to=without_a_structure
    ),
    # An enrolment: the organiser and the prescriber (in the owner's cycle by the owner, the
    # owner's person in the partner's session, the partner's person in the owner's session).
    "workshops:enrolment_detail": Route(
        members_of_owner, "enrolment", personal=True, also=ENROLMENT_SIDES
    ),
    **dict.fromkeys(
        ["workshops:enrolment_cancel", "workshops:enrolment_charter"],
        Route(members_of_owner, "enrolment", POST, personal=True, also=ENROLMENT_SIDES),
    ),
    # The territory's catalogue and completion rule.
    "workshops:catalogue": Route(coordinator_of_territory, "territory", FORM),
    "workshops:structure_report": Route(with_a_structure),
    "workshops:territory_report": COORDINATION,
    # Public: the coming workshops of a territory, and the iCalendar feeds.
    "workshops:public_list": Route(public, "territory"),
    "workshops:territory_ics": Route(public, "territory"),
    "workshops:place_ics": Route(public, "place"),
    # Participants' satisfaction: the organiser opens the link and hands the tablet round (who
    # sees the session gets 403); the form behind the link is public, its token the key.
    **dict.fromkeys(
        ["workshops:session_satisfaction", "workshops:satisfaction_tablet"],
        Route(members_of_owner, "session", FORM),
    ),
    "workshops:satisfaction_form": Route(public, "satisfaction_link", FORM),
    # --- activities (docs/activities.md) ---
    # Any member records for their current structure; with ?personne=, only for a person the
    # structure follows (a coordinator or staff member without a structure: 403 first).
    "activities:activity_record": Route(
        with_a_structure,
        methods=FORM,
        personal=True,
        answers_403_to=without_a_structure,
        also=(("person_in_query", members_of_owner),),
    ),
    "activities:activity_list": Route(
        with_a_structure, personal=True, answers_403_to=without_a_structure
    ),
    # Importing La Coop's export: a structure's managers.
    "activities:activity_import": Route(
        Rule("managers", lambda p, o: p.structure is not None and p.manager),
        methods=FORM,
        answers_403_to=without_a_structure,
    ),
    # Correcting or deleting a record: its writer (here the manager) or a manager, 7 days.
    **dict.fromkeys(
        ["activities:activity_edit", "activities:activity_delete"],
        Route(managers_of_owner, "activity_record", FORM),
    ),
    # The current structure's statistics, and the territory's for its coordinators.
    **dict.fromkeys(
        [
            "activities:structure_stats",
            "activities:structure_stats_csv",
            "activities:structure_stats_xlsx",
        ],
        Route(with_a_structure),
    ),
    **dict.fromkeys(
        [
            "activities:territory_stats",
            "activities:territory_stats_csv",
            "activities:territory_stats_xlsx",
        ],
        COORDINATION,
    ),
    # --- events (docs/events.md) ---
    # The current structure's events (organised or as a partner), or a coordinator's territory.
    "events:event_list": Route(with_a_structure | coordinator_of_a_territory),
    "events:event_create": Route(with_a_structure, methods=FORM),
    # An event: its organiser, its partner structures, the territory's coordinators and staff
    # (events.permissions.can_view_event); « partner_event » is one the owner is a partner of.
    "events:event_detail": Route(EVENT_SEEN_BY, "event", also=(("partner_event", EVENT_SEEN_BY),)),
    # Changing it is the organiser's (any member); partners and coordinators get 403.
    **dict.fromkeys(
        ["events:event_edit", "events:event_cancel", "events:event_attendance"],
        Route(members_of_owner, "event", FORM, also=(("partner_event", nobody),)),
    ),
    "events:territory_summary": COORDINATION,
    # --- steering (docs/steering.md): tests/permission_matrix/steering.py ---
    **steering.ROUTES,
    # --- equipment: the pipeline of a computer programme (docs/equipment.md). Its partner
    # structures run it; the territory's coordinators and staff read it (403 on writes). ---
    "equipment:programme_list": Route(logged_in),  # one's own programmes, maybe none
    **dict.fromkeys(
        [
            "equipment:programme_home",
            "equipment:donor_list",
            "equipment:collection_list",
            "equipment:device_list",
            "equipment:exchange_list",
            "equipment:stock_stats",
            "equipment:stock_stats_csv",
        ],
        Route(members_of_owner | coordinator_of_territory, "equipment_programme"),
    ),
    **dict.fromkeys(
        ["equipment:donor_create", "equipment:collection_create", "equipment:exchange_create"],
        Route(members_of_owner, "equipment_programme", FORM),
    ),
    "equipment:donor_detail": Route(members_of_owner | coordinator_of_territory, "donor"),
    **dict.fromkeys(
        ["equipment:donor_edit", "equipment:contact_create"],
        Route(members_of_owner, "donor", FORM),
    ),
    "equipment:contact_edit": Route(members_of_owner, "donor_contact", FORM),
    **dict.fromkeys(
        ["equipment:collection_detail", "equipment:collection_receipt"],
        Route(members_of_owner | coordinator_of_territory, "collection"),
    ),
    "equipment:device_register": Route(members_of_owner, "collection", FORM),
    "equipment:device_detail": Route(members_of_owner | coordinator_of_territory, "device"),
    "equipment:device_move": Route(members_of_owner, "device", POST),
    "equipment:exchange_device_register": Route(members_of_owner, "exchange_received", FORM),
    # --- pool (docs/pool.md) ---
    # The territory's catalogue, and the current structure's items and borrowings.
    "pool:catalogue": Route(with_a_structure | coordinator_of_a_territory),
    **dict.fromkeys(["pool:my_items", "pool:my_bookings"], Route(with_a_structure)),
    "pool:item_create": Route(with_a_structure, methods=FORM),
    # An item: seen like a published workshop; borrowed by the territory's structures; edited
    # and withdrawn by its owner (who sees it but does not own it gets 403).
    **dict.fromkeys(["pool:item_detail", "pool:item_photo"], Route(WORKSHOP_SEEN_BY, "pool_item")),
    "pool:booking_request": Route(structures_of_territory, "pool_item", FORM),
    "pool:item_edit": Route(members_of_owner, "pool_item", FORM),
    "pool:item_withdraw": Route(members_of_owner, "pool_item", POST),
    # A booking: the two structures of the loan and the territory's coordination (read only);
    # the lender answers, hands over and takes back; either side cancels.
    "pool:territory_bookings": COORDINATION,
    "pool:booking_detail": Route(
        members_of_owner | coordinator_of_territory,
        "pool_booking",
        also=(("pool_booking_received", members_of_owner | coordinator_of_territory),),
    ),
    **dict.fromkeys(
        [
            "pool:booking_approve",
            "pool:booking_decline",
            "pool:booking_check_out",
            "pool:booking_return",
        ],
        Route(nobody, "pool_booking", POST, also=(("pool_booking_received", members_of_owner),)),
    ),
    "pool:booking_cancel": Route(
        members_of_owner, "pool_booking", POST, also=(("pool_booking_received", members_of_owner),)
    ),
    # --- equipment: the gift of a computer (docs/equipment.md) ---
    # The waiting list and « Inscrire une personne » are the partners' (here the lead alone);
    # coordinators and staff read the programme but not its people: 403, before any name.
    **dict.fromkeys(
        ["equipment:allocation_list", "equipment:allocation_request"],
        Route(
            members_of_owner,
            "computer_programme",
            FORM,
            personal=True,
            answers_403_to=coordinator_of_territory,
        ),
    ),
    "equipment:allocation_reserve_next": Route(members_of_owner, "computer_programme", POST),
    # An allocation names a person: only the structure that asked for it, while it follows
    # the person (equipment.permissions.can_see_allocation); 404 for everyone else.
    **dict.fromkeys(
        ["equipment:allocation_detail", "equipment:allocation_contract"],
        Route(members_of_owner, "allocation", personal=True),
    ),
    "equipment:allocation_sign": Route(members_of_owner, "allocation", FORM, personal=True),
    **dict.fromkeys(
        [
            "equipment:allocation_reserve",
            "equipment:allocation_release",
            "equipment:allocation_cancel",
            "equipment:allocation_hand_over",
            "equipment:allocation_appointment",
            "equipment:allocation_install",
        ],
        Route(members_of_owner, "allocation", POST, personal=True),
    ),
}

# What structure B reaches of A's by design: A's published workshops, to see them and enrol the
# people B follows (workshops.permissions.can_view_workshop, can_enrol_in).
SHARED_WITH_THE_TERRITORY = steering.SHARED | {
    ("workshops:session_detail", "session"),
    ("workshops:cycle_detail", "cycle"),
    ("workshops:session_enrol", "session"),
    ("workshops:cycle_enrol", "cycle"),
    # The equipment pool's catalogue: A's items, to see them and ask to borrow them.
    ("pool:item_detail", "pool_item"),
    ("pool:item_photo", "pool_item"),
    ("pool:booking_request", "pool_item"),
}
