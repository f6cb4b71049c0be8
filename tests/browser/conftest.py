"""The front end in a real browser: Python Playwright driving Debian chromium.

One ``tongban serve --demo tenants`` per test session (SQLite in a temporary folder, CSRF on,
as `make run` serves it), one chromium per session, a fresh context (cookies) per login.
Screenshots go to ``var/screenshots/<test>/`` (kept as test artifacts; docs/testing.md).

Without chromium or without a front-end build (``make frontend``) the tests skip, saying
why; with ``TONGBAN_REQUIRE_SERVICES=1`` (CI) they fail instead.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from tests.e2e.test_serve import free_port

from tongban.adapters.web.frontend import dist_dir

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "tenants"
PASSWORD = "browser-demo-password"
CHROMIUM = Path(os.environ.get("TONGBAN_CHROMIUM", "/usr/lib/chromium/chromium"))
SCREENSHOTS = ROOT / "var" / "screenshots"
START_TIMEOUT = 180.0
REQUIRE = os.environ.get("TONGBAN_REQUIRE_SERVICES") == "1"


def _missing(reason: str) -> None:
    if REQUIRE:
        pytest.fail(f"{reason} (TONGBAN_REQUIRE_SERVICES=1)")
    pytest.skip(reason)


@dataclass
class WebApp:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


@pytest.fixture(scope="session")
def web_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebApp]:
    if not (dist_dir() / ".vite" / "manifest.json").is_file():
        _missing("the front end is not built: run `make frontend`")
    folder = tmp_path_factory.mktemp("browser-app")
    port = free_port()
    env = {
        **os.environ,
        "TONGBAN_DATABASE_URL": f"sqlite:///{folder / 'tongban.db'}",
        "TONGBAN_VAR_DIR": str(folder / "var"),
        "TONGBAN_DEMO_PASSWORD": PASSWORD,
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("PORT", None)
    script = Path(sys.executable).with_name("tongban")
    program = [str(script)] if script.is_file() else [sys.executable, "-m", "tongban.cli"]
    log = folder / "server.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [*program, "serve", "--demo", str(DEMO), "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    app = WebApp(f"http://127.0.0.1:{port}", process, log)
    deadline = time.monotonic() + START_TIMEOUT
    try:
        while True:
            if process.poll() is not None:
                pytest.fail(f"tongban serve exited {process.returncode}:\n{app.output()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{app.url}/health", timeout=2) as response:
                    if json.loads(response.read()).get("status") == "ok":
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(
                    f"tongban serve not healthy in {START_TIMEOUT}s:\n{app.output()[-3000:]}"
                )
            time.sleep(0.5)
        yield app
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    if not CHROMIUM.is_file():
        _missing(f"no chromium at {CHROMIUM}: `make install` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield browser
        browser.close()


@dataclass
class Person:
    """One logged-in browser context: its page, and where its screenshots go."""

    username: str
    page: object
    app: WebApp
    shots: Path
    console_errors: list[str] = field(default_factory=list)
    failed_responses: list[str] = field(default_factory=list)

    def goto(self, path: str) -> None:
        self.page.goto(f"{self.app.url}{path}")  # type: ignore[attr-defined]

    def shot(self, name: str) -> Path:
        self.shots.mkdir(parents=True, exist_ok=True)
        target = self.shots / f"{self.username}-{name}.png"
        self.page.screenshot(path=str(target), full_page=True)  # type: ignore[attr-defined]
        return target

    def graphql(self, query: str, variables: dict[str, object] | None = None) -> dict:
        """A call from this person's page, with the page's session and CSRF token, exactly as
        the front end makes it."""
        return self.page.evaluate(  # type: ignore[attr-defined, no-any-return]
            """async ([query, variables]) => {
                const boot = JSON.parse(document.getElementById('tongban-boot').textContent);
                const r = await fetch('/graphql', {method: 'POST', credentials: 'same-origin',
                  headers: {'Content-Type': 'application/json', 'X-CSRFToken': boot.csrfToken},
                  body: JSON.stringify({query, variables})});
                return {status: r.status, body: await r.json()};
            }""",
            [query, variables or {}],
        )


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name)[:80]


@pytest.fixture
def login(web_app: WebApp, chromium: object, request: pytest.FixtureRequest) -> Iterator[object]:
    """``login("yilan_admin")`` → a Person on /designer/, logged in through the real form."""
    contexts: list[object] = []
    shots = SCREENSHOTS / _slug(request.node.name)
    if shots.exists():
        shutil.rmtree(shots)

    def log_in(username: str, viewport: dict[str, int] | None = None) -> Person:
        context = chromium.new_context(  # type: ignore[attr-defined]
            viewport=viewport or {"width": 1280, "height": 800}, locale="zh-CN"
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        person = Person(username, page, web_app, shots)
        page.on(
            "console",
            lambda message: person.console_errors.append(message.text)
            if message.type == "error"
            else None,
        )
        page.on(
            "response",
            lambda response: person.failed_responses.append(f"{response.status} {response.url}")
            if response.status >= 400
            else None,
        )
        page.goto(f"{web_app.url}/login/?next=/designer/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.click("input[type=submit], button[type=submit]")
        page.wait_for_url(re.compile(r".*/designer/.*"))
        page.wait_for_selector("[data-testid=current-tenant]")
        return person

    yield log_in
    for context in contexts:
        context.close()  # type: ignore[attr-defined]
