"""Browser tests: the real web app on a free port, driven by Debian's headless Chromium.

Playwright drives `/usr/bin/chromium` (installed by `make`'s set-up; Playwright's own
browser download is not used). Without it the tests are skipped, except in CI, where
they fail: a missing browser must not pass for a green run.
"""

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tourscope.foundation.settings import PROJECT_ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = PROJECT_ROOT / "test-artifacts"


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium, for one test module at a time.

    Playwright's sync API keeps an asyncio loop running in the main thread while it is
    open; closed at the end of the module, it is gone before other tests call asyncio.run().
    """
    if not CHROMIUM.exists():
        reason = f"browser tests need Debian's chromium at {CHROMIUM} (make installs it)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh browser tab (its own cookies and storage), desktop-sized, of an English
    reader (Accept-Language: en-US): these tests read the English site."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def web(db_url) -> Iterator[str]:
    """The real web app served by uvicorn on a free loopback port, with the lead re-check
    worker beside it (as `tourscope demo` runs them); yields the site's base URL.

    The app reads the test database (`db_url` made it the configured one) per request.
    """
    from sandbox.server import BackgroundServer
    from tourscope.workers.rechecks import run_worker
    from webapp.main import create_app

    server = BackgroundServer(create_app()).start()
    stop = threading.Event()
    rechecker = threading.Thread(target=run_worker, kwargs={"interval": 0.5, "stop": stop})
    rechecker.start()
    yield server.url
    stop.set()
    rechecker.join()
    server.stop()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where tests leave screenshots (gitignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
