"""The interactive docs in a real browser: headless Chromium (Debian's package, `make
browser`) driven by Playwright opens /api/docs on the app served on the loopback, with
every other request refused, and must list every operation and run one authorized call."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import make_server

from datacapt.api.docs import CONTENT_SECURITY_POLICY
from datacapt.testing.client import tenant_host

playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed (the dev extra: make install)"
)

# Debian's wrapper script sets flags for desktops; the binary itself is what a test runs.
CHROMIUM_CANDIDATES = ("/usr/lib/chromium/chromium", "chromium", "chromium-browser")


def _chromium() -> str:
    for candidate in CHROMIUM_CANDIDATES:
        found = shutil.which(candidate) or (candidate if Path(candidate).is_file() else None)
        if found:
            return found
    pytest.skip("Chromium is not installed and could not be here: `make browser` installs it")


@pytest.fixture
def served(app: Any) -> Iterator[str]:
    """The app on a real HTTP server on 127.0.0.1, in a thread: its base port."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield str(server.server_port)
    finally:
        server.shutdown()
        thread.join(timeout=10)


# Each listed operation's method and path, as Swagger UI shows them.
_METHODS_AND_PATHS = """blocks => blocks.map(block => [
    block.querySelector(".opblock-summary-method")?.innerText ?? null,
    block.querySelector(".opblock-summary-path")?.getAttribute("data-path") ?? null,
])"""


def _operations(spec: dict[str, Any]) -> set[tuple[str, str]]:
    return {
        (method.upper(), path)
        for path, item in spec["paths"].items()
        for method in item
        if method in {"get", "put", "post", "delete", "patch"}
    }


def test_docs_render_offline_and_try_it_out_answers(
    app, served, tenant, client_as, make_study, client
):
    chromium = _chromium()
    manager = client_as(tenant, "administrator")
    study = make_study(manager, "LYO")
    host = tenant_host(app, tenant)
    base = f"http://{host}:{served}"
    spec = client.get("/api/openapi.json").json

    refused: list[str] = []
    console_errors: list[str] = []
    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium,
            # The tenant's host name leads to the loopback; no other name resolves.
            args=[f"--host-resolver-rules=MAP {host} 127.0.0.1, MAP * ~NOTFOUND"],
        )
        try:
            page = browser.new_page()

            def only_the_platform(route: Any) -> None:
                if urlsplit(route.request.url).netloc == f"{host}:{served}":
                    route.continue_()
                else:
                    refused.append(route.request.url)
                    route.abort()

            page.route("**/*", only_the_platform)
            page.on(
                "console", lambda m: console_errors.append(m.text) if m.type == "error" else None
            )
            answer = page.goto(f"{base}/api/docs")
            assert answer is not None
            assert answer.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
            # Each module's operations are listed under its tag, collapsed: the page opens
            # at once however large the API (Swagger UI slows to a halt when more than
            # about a hundred operations are open). Open each tag in turn, and close it.
            page.wait_for_selector(".opblock-tag", timeout=30_000)
            tags = page.locator(".opblock-tag")
            listed = set()
            for index in range(tags.count()):
                tags.nth(index).click()
                page.wait_for_selector(".opblock", timeout=30_000)
                # One round trip to the browser per tag, not three per operation.
                shown = page.eval_on_selector_all(".opblock", _METHODS_AND_PATHS)
                assert all(method and path for method, path in shown), shown
                listed.update((method.strip(), path) for method, path in shown)
                tags.nth(index).click()
                page.wait_for_selector(".opblock", state="detached", timeout=30_000)
            assert listed == _operations(spec)

            page.click(".auth-wrapper button.authorize")
            schemes = page.locator(".auth-container")
            names = {schemes.nth(i).locator("h4").inner_text() for i in range(schemes.count())}
            assert any("bearer" in n for n in names) and any("api_key" in n for n in names)
            bearer = schemes.filter(has_text="bearer").first
            bearer.locator("input").fill(manager.token)
            bearer.locator("button.authorize").click()
            page.click(".modal-ux button.close-modal")

            (tag,) = spec["paths"]["/api/study-centers/"]["get"]["tags"]
            page.locator(f'.opblock-tag[data-tag="{tag}"]').click()
            operation = page.locator(
                ".opblock-get", has=page.locator('[data-path="/api/study-centers/"]')
            )
            operation.locator(".opblock-summary").click()
            operation.locator("button.try-out__btn").click()
            operation.locator('tr[data-param-name="Study-Uuid"] input').fill(
                study.headers["Study-Uuid"]
            )
            operation.locator("button.execute").click()
            status = operation.locator(
                ".live-responses-table tr.response .response-col_status"
            ).first
            status.wait_for(timeout=15_000)
            assert status.inner_text().strip() == "200"
            body = operation.locator(".live-responses-table .microlight").first.inner_text()
            assert "LYO" in body
        finally:
            browser.close()
    assert refused == []
    # A script or style the policy refused would be reported here.
    assert console_errors == []
