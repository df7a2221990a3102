"""Playwright (sync API) driving Debian's Chromium against pytest-django's live server.

Every request that does not go to the live server is aborted: map tiles and any
other network access never leave the machine. axe-core is served by the test
itself at a same-origin address, so the page's strict CSP stays on during tests.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Browser, BrowserContext, Page, Route, sync_playwright

# Playwright's sync API runs an event loop in this thread; the ORM calls of the
# fixtures and of the live server's thread are still synchronous and safe.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
AXE_PATH = Path(settings.BASE_DIR) / "var/vendor/vendor/axe.min.js"
AXE_URL_PATH = "/__tests__/axe.min.js"
SCREENSHOTS = Path(settings.BASE_DIR) / "var/screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@dataclass
class PageProblems:
    """What went wrong in the page: script errors, CSP refusals, failed same-origin loads."""

    messages: list[str] = field(default_factory=list)

    def assert_none(self) -> None:
        assert self.messages == [], "\n".join(self.messages)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_context(browser: Browser, live_server) -> Iterator:
    """A factory of browser contexts that only reach the live server."""
    contexts: list[BrowserContext] = []

    def route(route: Route) -> None:
        url = route.request.url
        if not url.startswith(live_server.url):
            route.abort()
        elif url.startswith(live_server.url + AXE_URL_PATH):
            route.fulfill(path=AXE_PATH, content_type="application/javascript")
        else:
            route.continue_()

    def make(**options) -> BrowserContext:
        options.setdefault("viewport", DESKTOP)
        options.setdefault("locale", "fr-FR")
        options.setdefault("timezone_id", "Europe/Paris")
        context = browser.new_context(**options)
        context.route("**/*", route)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


def watch(page: Page, live_server) -> PageProblems:
    problems = PageProblems()

    def on_console(message) -> None:
        # Aborted requests to other hosts (map tiles) are expected; same-origin
        # failures are caught below with their address.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.messages.append(f"console: {message.text}")

    def on_response(response) -> None:
        if response.url.startswith(live_server.url) and response.status >= 400:
            problems.messages.append(f"HTTP {response.status}: {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.messages.append(f"script: {error}"))
    page.on("response", on_response)
    return problems


@pytest.fixture
def page(open_context) -> Page:
    return open_context().new_page()


@pytest.fixture
def problems(page: Page, live_server) -> PageProblems:
    """Problems of ``page``, to assert none at the end of a journey."""
    return watch(page, live_server)


def axe_violations(page: Page, live_server) -> list[dict]:
    """Serious and critical axe-core violations of the page as it is now."""
    page.add_script_tag(url=live_server.url + AXE_URL_PATH)
    results = page.evaluate("async () => await axe.run(document)")
    return [v for v in results["violations"] if v["impact"] in {"serious", "critical"}]


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['impact']}: {violation['id']} — {violation['help']}")
        lines.extend(
            f"    {node['target']}: {node['failureSummary']}" for node in violation["nodes"]
        )
    return "\n".join(lines)


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def pdf_page_count(pdf: bytes) -> int:
    """Pages of a PDF: « /Type /Page » objects (« /Pages » is the tree, not a page)."""
    return len(re.findall(rb"/Type\s*/Page\b", pdf))
