"""`/docs` works offline: Swagger UI and everything it loads come from our own origin."""

import re
from urllib.parse import urlsplit


def test_the_docs_page_loads_only_same_origin_assets_and_they_answer(client):
    page = client.get("/docs")
    assert page.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert any(url.endswith("swagger-ui-bundle.js") for url in assets)
    assert any(url.endswith("swagger-ui.css") for url in assets)
    for url in assets:
        parts = urlsplit(url)
        assert not parts.scheme and not parts.netloc, f"{url} is not on our origin"
        response = client.get(url)
        assert response.status_code == 200, url
    # No inline script: the Content-Security-Policy allows our own files only.
    assert not re.search(r"<script(?![^>]*\bsrc=)", page.text)
    schema_url = re.search(r'data-openapi-url="([^"]+)"', page.text).group(1)
    assert client.get(schema_url).json()["info"]["title"] == "Tourscope"


def test_no_page_refers_to_a_cdn(client):
    assert client.get("/redoc").status_code == 404  # ReDoc would need a CDN: it is off
    for url in ("/docs", "/"):
        assert "cdn." not in client.get(url).text
