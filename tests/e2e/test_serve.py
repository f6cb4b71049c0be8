"""``tongban serve --demo tenants`` as a real process: health, login over HTTP, the catalog."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tongban.services.cases.simulation import SAMPLE_COUNT

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "tenants"
PASSWORD = "e2e-demo-password"
START_TIMEOUT = 120.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    def __init__(self, process: subprocess.Popen[bytes], url: str, log: Path) -> None:
        self.process, self.url, self.log = process, url, log

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    if not (DEMO / "100000" / "tenant.yaml").is_file():
        pytest.skip("no demo tree at tenants/")
    port = free_port()
    env = {
        **os.environ,
        "TONGBAN_DATABASE_URL": f"sqlite:///{tmp_path / 'tongban.db'}",
        "TONGBAN_VAR_DIR": str(tmp_path / "var"),
        "TONGBAN_DEMO_PASSWORD": PASSWORD,
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("PORT", None)
    script = Path(sys.executable).with_name("tongban")  # the console script `make run` uses
    program = [str(script)] if script.is_file() else [sys.executable, "-m", "tongban.cli"]
    command = [*program, "serve", "--demo", str(DEMO), "--port", str(port)]
    log = tmp_path / "server.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT
        )
    try:
        yield Server(process, f"http://127.0.0.1:{port}", log)
    finally:
        _stop(process)


def wait_for_health(server: Server) -> dict[str, object]:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"server exited with {server.process.returncode}:\n{server.output()}")
        try:
            with urllib.request.urlopen(f"{server.url}/health", timeout=2) as response:
                return dict(json.loads(response.read()))
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.25)
    pytest.fail(f"no /health within {START_TIMEOUT}s:\n{server.output()}")


def browser() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )


def get(opener: urllib.request.OpenerDirector, url: str) -> tuple[int, str, str]:
    with opener.open(url, timeout=15) as response:
        return response.status, response.geturl(), response.read().decode("utf-8")


def log_in(opener: urllib.request.OpenerDirector, base: str, username: str) -> str:
    _, _, form = get(opener, f"{base}/login/")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form)
    assert token, "the login form carries a CSRF token"
    data = urllib.parse.urlencode(
        {"username": username, "password": PASSWORD, "csrf_token": token.group(1)}
    ).encode()
    with opener.open(f"{base}/login/", data=data, timeout=15) as response:
        return response.read().decode("utf-8")


def test_serve_with_the_demo_tree(server: Server) -> None:
    health = wait_for_health(server)
    assert health["status"] == "ok" and health["database"] is True

    banner = server.output()
    assert f"{server.url}/" in banner and PASSWORD in banner
    assert f"sample cases in every state: {SAMPLE_COUNT}" in banner  # all, in one transaction
    clerk = re.search(r"^\s+(\S+)\s+县级窗口人员", banner, re.MULTILINE)
    assert clerk, banner

    opener = browser()
    status, url, _ = get(opener, f"{server.url}/catalog/")
    assert status == 200 and "/login/" in url  # redirected to the login form

    home = log_in(opener, server.url, clerk.group(1))
    assert "所属单位" in home
    status, _, catalog = get(opener, f"{server.url}/catalog/")
    assert status == 200 and "事项目录" in catalog and "实施清单事项" in catalog
    link = re.search(r'href="(/catalog/implementation/[^"]+)"', catalog)
    assert link, "the county clerk's catalog lists implementations"
    status, _, page = get(opener, server.url + link.group(1))
    assert status == 200 and "办事指南" in page and "<svg" in page

    admin = browser()
    assert "平台管理员" in log_in(admin, server.url, "admin")
    _, _, tree = get(admin, f"{server.url}/tenants/")
    assert "单位树" in tree


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        children = (task / "children").read_text().split()
        found.update(int(child) for child in children)
    return found


def test_sigterm_stops_the_embedded_worker_too(server: Server) -> None:
    """The worker dies with serve (PR_SET_PDEATHSIG, adapters/tasks/embedded.py): nothing is
    left running when a service manager or a test harness stops the server."""
    wait_for_health(server)
    workers = _children(server.process.pid)
    assert workers, "serve starts the embedded Celery worker as a child"
    server.process.send_signal(signal.SIGTERM)
    server.process.wait(timeout=60)
    deadline = time.monotonic() + 30
    while any(Path(f"/proc/{pid}").exists() for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = [pid for pid in workers if Path(f"/proc/{pid}").exists()]
    assert not left, f"still running after serve ended: {left}"
