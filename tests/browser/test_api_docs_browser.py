"""The interactive API documentation renders in Chromium under the site's CSP, offline."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_docs_render_from_our_own_files(page: Page, live_server, problems):
    page.goto(live_server.url + "/api/v1/docs")
    operations = page.locator(".opblock-summary-path")
    expect(operations.filter(has_text="/api/v1/ateliers")).to_be_visible()
    expect(operations.filter(has_text="/api/v1/lieux/{public_id}")).to_be_visible()
    screenshot(page, "api-docs")
    problems.assert_none()  # no CSP refusal, no script error, nothing missing
