"""The API documentation: Swagger UI from our own static files (npm, ``make vendor``) under
the site's CSP, and the same in plain HTML for a browser without JavaScript."""

from __future__ import annotations

import re
from pathlib import Path

from django.contrib.staticfiles import finders
from django.urls import reverse

from aiguillage.api.docs import operations
from aiguillage.api.v1 import api


def test_the_docs_page_runs_only_our_own_scripts(client, db):
    response = client.get("/api/v1/docs")
    page = response.content.decode()
    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, flags=re.S)
    sources = [re.search(r'src="([^"]+)"', attributes).group(1) for attributes, _ in scripts]
    assert sources == [
        "/static/vendor/swagger-ui/swagger-ui-bundle.js",
        "/static/ui/js/api-docs.js",
    ]
    assert all(body.strip() == "" for _, body in scripts)  # no inline script
    assert "cdn" not in page.lower()
    assert '<link rel="stylesheet" href="/static/vendor/swagger-ui/swagger-ui.css">' in page


def test_the_swagger_ui_files_are_installed_by_make_vendor():
    for name in ("vendor/swagger-ui/swagger-ui-bundle.js", "vendor/swagger-ui/swagger-ui.css"):
        found = finders.find(name)
        assert found, f"{name} is missing: run `make vendor`"
        assert Path(found).stat().st_size > 10_000, name
    assert "SwaggerUIBundle" in Path(finders.find("ui/js/api-docs.js")).read_text()


def test_the_text_docs_list_every_address_with_its_parameters(client, db):
    schema = api.get_openapi_schema()
    page = client.get(reverse("api:docs-text")).content.decode()
    assert "<script" not in page.split("<footer")[0]
    for path, item in schema["paths"].items():
        for method, spec in item.items():
            assert f"<code>{method.upper()} {path}</code>" in page
            for parameter in spec.get("parameters", []):
                assert f"<code>{parameter['name']}</code>" in page
            for code in spec["responses"]:
                assert f"<strong>{code}</strong>" in page


def test_the_text_docs_say_what_a_parameter_accepts():
    schema = api.get_openapi_schema()
    places = next(op for op in operations(schema) if op.path == "/api/v1/lieux")
    latitude = next(p for p in places.parameters if p.name == "latitude")
    assert (latitude.where, latitude.required, latitude.kind) == ("paramètre", False, "nombre")
    assert latitude.description == "Latitude WGS84 du point de recherche"
    services = next(p for p in places.parameters if p.name == "services")
    assert services.kind.startswith("liste de texte parmi : ")


def test_every_page_links_to_both_docs(client, db):
    footer = client.get("/").content.decode().split('<footer class="site-footer">')[1]
    assert 'href="/api/v1/docs"' in footer
    assert 'href="/api/v1/docs/texte"' in footer
    docs = client.get("/api/v1/docs").content.decode()
    assert 'href="/api/v1/docs/texte">La même documentation en texte simple</a>' in docs
