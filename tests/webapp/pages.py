"""Helpers for page tests: read a page the way a visitor does."""

import re
from html import unescape

# The tests written before the site spoke Russian read its English pages; the Russian
# ones ask with `russian_client` or a header of their own (tests/webapp/test_i18n.py).
ENGLISH = {"Accept-Language": "en"}


def visible_text(html: str) -> str:
    """The page's text with tags removed and whitespace collapsed, as a reader sees it."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def main_text(html: str) -> str:
    """The visible text of the page's <main>, without the header and footer."""
    match = re.search(r"<main\b.*?</main>", html, flags=re.S)
    assert match, "the page has no <main>"
    return visible_text(match.group(0))
