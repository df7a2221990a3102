"""The API's documentation, served from our own files: Swagger UI (npm ``swagger-ui-dist``,
copied to static by ``make vendor``) started by ui/js/api-docs.js, so that the site's
Content-Security-Policy (scripts from 'self' only, no inline script) lets it run without the
internet; and the same in plain HTML, read from the OpenAPI schema, for any browser.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import DocsBase

if TYPE_CHECKING:
    from ninja import NinjaAPI

METHODS = ("get", "post", "put", "patch", "delete")


class OwnSwagger(DocsBase):
    """ninja's docs page (``/api/v1/docs``), with our layout and our static files."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        context = {"api": api, "openapi_url": self.get_openapi_url(api, kwargs)}
        return render(request, "api/docs.html", context)


@dataclass
class Parameter:
    name: str
    where: str  # « adresse », « paramètre »
    required: bool
    kind: str  # « nombre », « texte »…, with the allowed values
    description: str


@dataclass
class Operation:
    method: str
    path: str
    summary: str
    description: str
    parameters: list[Parameter] = field(default_factory=list)
    responses: list[tuple[str, str]] = field(default_factory=list)


KINDS = {
    "string": "texte",
    "integer": "nombre entier",
    "number": "nombre",
    "boolean": "true ou false",
    "array": "liste",
    "object": "objet",
}
FORMATS = {"date-time": "date et heure ISO 8601", "date": "date ISO 8601", "uuid": "UUID"}
PLACES = {"path": "dans l'adresse", "query": "paramètre", "header": "en-tête"}


def _kind(schema: dict[str, Any], components: dict[str, Any]) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        kinds = [_kind(option, components) for option in schema["anyOf"]]
        return " ou ".join(kind for kind in kinds if kind != "null") or "valeur"
    if schema.get("type") == "null":
        return "null"
    if schema.get("type") == "array":
        return "liste de " + _kind(schema.get("items", {}), components)
    kind = FORMATS.get(schema.get("format", ""), KINDS.get(schema.get("type", ""), "valeur"))
    if schema.get("enum"):
        kind += " parmi : " + ", ".join(str(value) for value in schema["enum"])
    return kind


def operations(schema: dict[str, Any]) -> list[Operation]:
    """Every operation of an OpenAPI schema, in the schema's order, in plain French."""
    components = schema.get("components", {}).get("schemas", {})
    found = []
    for path, item in schema.get("paths", {}).items():
        for method in METHODS:
            if method not in item:
                continue
            spec = item[method]
            operation = Operation(
                method=method.upper(),
                path=path,
                summary=spec.get("summary", ""),
                description=spec.get("description", ""),
            )
            for parameter in spec.get("parameters", []):
                operation.parameters.append(
                    Parameter(
                        name=parameter["name"],
                        where=PLACES.get(parameter.get("in", ""), parameter.get("in", "")),
                        required=parameter.get("required", False),
                        kind=_kind(parameter.get("schema", {}), components),
                        description=parameter.get("description", "")
                        or parameter.get("schema", {}).get("description", ""),
                    )
                )
            for code, response in spec.get("responses", {}).items():
                operation.responses.append((str(code), response.get("description", "")))
            found.append(operation)
    return found


def docs_text_view(api: NinjaAPI):
    @login_not_required
    def docs_text(request: HttpRequest) -> HttpResponse:
        """The API documentation without JavaScript: every address, its parameters, its
        answers."""
        schema = api.get_openapi_schema()
        context = {"api": api, "schema": schema, "operations": operations(schema)}
        return render(request, "api/docs_text.html", context)

    return docs_text
