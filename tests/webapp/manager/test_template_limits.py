"""Letter-template editing cannot freeze the site: a template that renders too long or
too much is refused with the reason and not saved, and the server answers meanwhile."""

import threading
import time

import pytest
from sqlalchemy import func, select

from models.care.trips import LetterTemplate
from tests.webapp.manager.conftest import post_form
from tests.webapp.pages import main_text

URL = "/manager/templates/2w"
# The outside test's template: 41 s on the event loop, and saved.
LOOPS = "{% for a in range(100000) %}{% for b in range(2000) %}{% endfor %}{% endfor %}ok"


def test_a_template_that_renders_too_long_is_refused_and_not_saved(as_admin, session):
    started = time.monotonic()
    response = post_form(as_admin, URL, {"subject": "Hi", "body": LOOPS}, page=URL)
    assert time.monotonic() - started < 10
    assert response.status_code == 422
    assert "the template takes longer than 2 seconds to render" in main_text(response.text)
    assert session.scalar(select(func.count()).select_from(LetterTemplate)) == 0
    # The interrupted render does not go on in the background.
    time.sleep(0.5)
    assert not [t for t in threading.enumerate() if t.name == "bounded-render"]


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        # The outside test's template (100 MB in 7 s): padding is refused before it runs,
        # since it builds its text in one call that no time limit can interrupt.
        ("{{ 'a'|center(100000000) }}", "texts longer than 1000 characters are not allowed"),
        ("{% for i in range(30000) %}ab{% endfor %}", "the letter comes out longer than 20000"),
    ],
)
def test_a_template_that_renders_too_much_is_refused_and_not_saved(as_admin, session, body, reason):
    response = post_form(as_admin, URL, {"subject": "Hi", "body": body}, page=URL)
    assert response.status_code == 422
    assert reason in main_text(response.text)
    assert session.scalar(select(func.count()).select_from(LetterTemplate)) == 0


def test_the_site_answers_while_a_slow_template_is_refused(as_admin):
    """The render ran on the event loop: /api/countries took 23 s instead of 0.05 s."""
    refused = {}
    saving = threading.Thread(
        target=lambda: refused.update(
            response=post_form(as_admin, URL, {"subject": "Hi", "body": LOOPS}, page=URL)
        )
    )
    saving.start()
    time.sleep(0.5)  # the render is under way
    started = time.monotonic()
    assert as_admin.get("/healthz").status_code == 200
    assert time.monotonic() - started < 1.0
    saving.join(30)
    assert refused["response"].status_code == 422


def test_a_slow_draft_preview_is_refused_and_the_site_answers_meanwhile(as_admin, session):
    """'Preview without saving' renders the draft too: with the same limit, off the loop."""
    previewed = {}
    form = {"subject": "Hi", "body": LOOPS, "intent": "preview"}
    previewing = threading.Thread(
        target=lambda: previewed.update(response=post_form(as_admin, URL, form, page=URL))
    )
    previewing.start()
    time.sleep(0.5)
    started = time.monotonic()
    assert as_admin.get("/healthz").status_code == 200
    assert time.monotonic() - started < 1.0
    previewing.join(30)
    text = main_text(previewed["response"].text)
    assert "the template takes longer than 2 seconds to render" in text
    assert session.scalar(select(func.count()).select_from(LetterTemplate)) == 0
