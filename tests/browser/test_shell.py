"""The front end's shell: served by the Flask app under its login, calls carrying the
session and the CSRF token, Chinese throughout, nothing from another origin."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

pytestmark = pytest.mark.browser


def test_login_lands_on_the_designer_with_the_tenant_shown(login) -> None:
    person = login("yilan_admin")
    page = person.page
    assert "依兰县" in page.inner_text("[data-testid=current-tenant]")
    page.wait_for_selector("text=事项工作台")
    person.shot("shell")
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    page.reload()
    page.wait_for_selector("[data-testid=current-tenant]")
    assert requested and all(url.startswith(person.app.url) for url in requested)
    assert not person.failed_responses
    assert not person.console_errors


def test_graphql_from_the_page_needs_the_csrf_token(login) -> None:
    person = login("yilan_admin")
    ok = person.graphql("{ me { username tenant { code } } }")
    assert ok["status"] == 200
    assert ok["body"]["data"]["me"] == {"username": "yilan_admin", "tenant": {"code": "230123"}}
    without = person.page.evaluate(
        """async () => { const r = await fetch('/graphql', {method: 'POST',
            credentials: 'same-origin', headers: {'Content-Type': 'application/json'},
            body: JSON.stringify({query: '{ me { username } }'})});
            return {status: r.status, body: await r.json()}; }"""
    )
    assert without["status"] == 403
    assert without["body"]["errors"][0]["extensions"]["code"] == "CSRF_FAILED"


def test_the_designer_needs_a_login(web_app) -> None:
    opener = urllib.request.build_opener(urllib.request.HTTPRedirectHandler())
    with opener.open(f"{web_app.url}/designer/matters", timeout=10) as response:
        assert "/login/" in response.url
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(
            urllib.request.Request(
                f"{web_app.url}/graphql",
                data=json.dumps({"query": "{ me { username } }"}).encode(),
                headers={"Content-Type": "application/json"},
            ),
            timeout=10,
        )
    assert refused.value.code == 401
