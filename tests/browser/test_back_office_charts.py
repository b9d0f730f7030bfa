"""The back office's charts in a real browser: drawn under the site's CSP (no violation),
fitting a phone's width, at desktop and phone sizes (screenshots in test-artifacts/)."""

import re
from datetime import UTC, datetime

from playwright.sync_api import expect

from models.care.clients import ClientContact
from models.care.trips import Feedback
from tests.factories import PASSWORD, make_client, make_trip, make_user

PHONE = {"width": 375, "height": 800}


def _a_year_of_work(session) -> None:
    """Two managers with some sales, ratings and calls across 2025-26."""
    admin = make_user(session, "admin@example.com", role="admin", name="Adam Admin")
    mia = make_user(session, "mia@example.com", name="Mia Manager")
    leo = make_user(session, "leo@example.com", name="Leo <Lion> Manager")
    admin.created_at = mia.created_at = datetime(2025, 1, 10, tzinfo=UTC)
    leo.created_at = datetime(2025, 9, 2, tzinfo=UTC)
    for number, month in enumerate((4, 5, 7, 8, 10, 11, 12, 1, 2, 3)):
        year = 2026 if month <= 3 else 2025
        for seller in (mia, leo) if month >= 9 or month <= 3 else (mia,):
            for n in range(1 + number % 4):
                client = make_client(session, name=f"Client {month}-{n}", manager=seller)
                session.add(
                    ClientContact(
                        client=client,
                        manager_id=seller.id,
                        at=datetime(year, month, 2, 10, tzinfo=UTC),
                        kind="call",
                        outcome="warm",
                    )
                )
                trip = make_trip(
                    session, client, manager=seller, created_at=datetime(year, month, 9, tzinfo=UTC)
                )
                session.add(
                    Feedback(
                        trip=trip,
                        manager_rating=3 + n % 3,
                        trip_rating=4,
                        submitted_at=datetime(year, month, 20, tzinfo=UTC),
                    )
                )
    session.commit()


def test_the_charts_draw_under_the_csp_at_desktop_and_phone_widths(
    web, browser, session, artifacts
):
    _a_year_of_work(session)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    violations = []
    page.on("console", lambda message: violations.append(message.text))
    page.goto(f"{web}/manager/login")
    page.fill("#email", "admin@example.com")
    page.fill("#password", PASSWORD)
    page.click("form.login-form button[type=submit]")
    page.wait_for_url(re.compile(r"/manager$"))

    page.goto(f"{web}/manager/kpi?month=2026-03")
    charts = page.locator("figure.kpi-chart svg")
    expect(charts).to_have_count(2)
    expect(page.locator("figure.kpi-chart figcaption").nth(0)).to_have_text("Leo <Lion> Manager")
    # Mia's March: a drawn bar (not zero height) under the label of its total.
    mia = _id(page, "Mia")
    march = page.locator(f"#kpi-chart-{mia} g[data-month='2026-03'] rect")
    assert sum(march.nth(n).bounding_box()["height"] for n in range(3)) > 10
    page.screenshot(path=str(artifacts / "kpi-charts-desktop.png"), full_page=True)
    page.goto(f"{web}/manager/planner?target_share=0.05")
    expect(page.locator("figure.plan-chart svg")).to_be_visible()
    page.screenshot(path=str(artifacts / "planner-chart-desktop.png"), full_page=True)

    page.set_viewport_size(PHONE)
    for url, name in (("/manager/kpi?month=2026-03", "kpi"), ("/manager/planner", "planner")):
        page.goto(f"{web}{url}")
        for box in (svg.bounding_box() for svg in page.locator("svg.chart").all()):
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
            assert box["width"] > PHONE["width"] * 0.7  # scaled to the phone, not shrunk away
        page.screenshot(path=str(artifacts / f"{name}-chart-phone.png"), full_page=True)
    assert not [text for text in violations if "Content Security Policy" in text]
    context.close()


def _id(page, name: str) -> str:
    """A manager's chart id number, by the name in its caption."""
    figure = page.locator("figure.kpi-chart", has_text=name)
    return figure.get_attribute("id").removeprefix("kpi-chart-")
