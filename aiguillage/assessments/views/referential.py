"""The referential's versions, for the platform team: download one, publish a new one.

A stored version never changes; publishing starts from a copy (the form is pre-filled
with the chosen version) and gets a new, higher number.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from aiguillage.assessments import actions
from aiguillage.assessments.forms import MAX_REFERENTIAL_BYTES, ReferentialForm
from aiguillage.assessments.models import ReferentialVersion
from aiguillage.assessments.permissions import require_referential_manager
from aiguillage.uploads import accepts_uploads


def _next_version(version: str) -> str:
    major, minor, patch = (int(part) for part in version.split("."))
    return f"{major}.{minor}.{patch + 1}"


def _copy_of(version: ReferentialVersion) -> str:
    """The document of ``version`` with the next number: what a new version starts from."""
    document = dict(version.document)
    document["version"] = _next_version(version.version)
    return json.dumps(document, ensure_ascii=False, indent=2)


@accepts_uploads(MAX_REFERENTIAL_BYTES + 1_000_000)
def referential_list(request: HttpRequest) -> HttpResponse:
    require_referential_manager(request.user)
    actions.current_referential()  # the bundled version, if the database has none yet
    versions = list(ReferentialVersion.objects.annotate(used=Count("assessments")))
    source = next((v for v in versions if v.version == request.GET.get("depuis")), None)
    source = source or (versions[0] if versions else None)
    form = ReferentialForm(
        request.POST or None,
        request.FILES if request.method == "POST" else None,
        initial={"document": _copy_of(source) if source else ""},
    )
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            version = actions.publish_referential(
                actor=request.user,
                document=form.cleaned_data["parsed"],
                note=form.cleaned_data["note"],
            )
        except actions.AssessmentError as error:
            errors = error.errors
        else:
            messages.success(
                request,
                f"La version {version.version} est publiée : les nouveaux diagnostics l'utilisent.",
            )
            return redirect("assessments:referential_list")
    return render(
        request,
        "assessments/referential_list.html",
        {"versions": versions, "form": form, "errors": errors, "source": source},
        status=400 if errors or form.errors else 200,
    )


def referential_download(request: HttpRequest, version: str) -> HttpResponse:
    require_referential_manager(request.user)
    stored = ReferentialVersion.objects.filter(version=version).first()
    if stored is None:
        raise Http404("Version introuvable")
    response = HttpResponse(
        json.dumps(stored.document, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="referentiel-{stored.version}.json"'
    return response
