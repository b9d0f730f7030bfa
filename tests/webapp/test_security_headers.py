"""Security headers on every answer: pages, the API, errors and static files."""

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.webapp.pages import ENGLISH
from webapp.main import create_app
from webapp.templating import WEBAPP_DIR

EXPECTED = {
    "x-frame-options": "DENY",
    "referrer-policy": "strict-origin-when-cross-origin",
    "x-content-type-options": "nosniff",
}


@pytest.mark.parametrize(
    "url", ["/", "/api/countries", "/nope", "/hotels/abc", "/static/style.css", "/manager/login"]
)
def test_every_answer_carries_the_security_headers(client, url):
    response = client.get(url)
    for name, value in EXPECTED.items():
        assert response.headers[name] == value, (url, name)
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
    assert "strict-transport-security" not in response.headers  # not in development


def test_production_adds_hsts(db_url, monkeypatch):
    from tourscope.foundation.settings import get_settings

    monkeypatch.setenv("TOURSCOPE_ENVIRONMENT", "production")
    monkeypatch.setenv("TOURSCOPE_SECRET_KEY", "p" * 40)
    get_settings.cache_clear()
    with TestClient(create_app(), headers=ENGLISH) as client:
        response = client.get("/nope")
    assert response.headers["strict-transport-security"].startswith("max-age=31536000")


BLOCKED_INLINE = (r"<script(?![^>]*\bsrc=)", r"\son\w+=", r"\sstyle=", r"javascript:", "<style")


def test_no_template_has_inline_script_or_style_the_policy_would_block():
    """The policy allows our own files only: an inline <script>, an on* handler, a style
    attribute or a javascript: link would silently stop working in browsers."""
    offenders = []
    for path in (WEBAPP_DIR / "templates").rglob("*.html"):
        text = path.read_text()
        for pattern in (
            r"<script(?![^>]*\bsrc=)",
            r"\son\w+=",
            r"\sstyle=",
            r"javascript:",
            "<style",
        ):
            if re.search(pattern, text, flags=re.I):
                offenders.append(f"{Path(path).name}: {pattern}")
    assert offenders == []
