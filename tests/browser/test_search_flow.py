"""A visitor's path in a real browser: search, open a hotel, follow the operator's link.

Runs on a catalogue filled by a real crawl of a sandbox operator, on each test database.
"""

import re
from datetime import timedelta

from playwright.sync_api import expect

from models.agency_time import agency_today
from tests.factories import (
    make_country,
    make_departure_city,
    make_hotel,
    make_offer,
    make_operator,
    make_resort,
)


def test_search_open_a_hotel_and_reach_the_operator(crawl, sandbox, web, page, artifacts):
    result = crawl("suncoast")
    assert result.returncode == 0, result.stderr[-2000:]

    page.goto(f"{web}/")
    page.fill("input[name=date_from]", (agency_today() + timedelta(days=1)).isoformat())
    page.fill("input[name=date_to]", (agency_today() + timedelta(days=80)).isoformat())
    page.click("form.search-form button[type=submit]")

    expect(page.locator("#results-heading")).to_contain_text(re.compile(r"\d+ hotels? found"))
    first = page.locator(".hotel-list .hotel").first
    expect(first).to_contain_text("SunCoast Tours")
    # The whole page, clipped to the window's width: Chromium counts the price calendar's
    # own scrolling row in the page's full width, which would leave a wide blank band.
    width, height = page.evaluate(
        "[document.documentElement.clientWidth, document.documentElement.scrollHeight]"
    )
    clip = {"x": 0, "y": 0, "width": width, "height": height}
    page.screenshot(path=str(artifacts / "search-results.png"), full_page=True, clip=clip)

    hotel_link = first.locator(".hotel-name a")
    hotel_name = hotel_link.inner_text()
    hotel_link.click()

    page.wait_for_url(re.compile(r"/hotels/\d+\?.*date_from="))
    expect(page.locator("h1")).to_contain_text(hotel_name)
    expect(page.locator("#offers-heading")).to_contain_text(re.compile(r"\d+ offers? from 1"))
    row = page.locator("tr.offer-row").first
    expect(row).to_contain_text("SunCoast Tours")
    expect(row).to_contain_text(re.compile(r"checked (just now|\d+ min ago)"))

    with page.context.expect_page() as opened:
        row.get_by_role("link", name=re.compile("View at SunCoast Tours")).click()
    operator_page = opened.value
    operator_page.wait_for_load_state()
    assert operator_page.url.startswith(f"{sandbox.url}/suncoast/tour/")
    expect(operator_page).to_have_title(re.compile("SunCoast Tours"))
    expect(operator_page.locator("p.price")).to_contain_text("EUR")


def test_pages_fit_a_phone_and_work_with_the_keyboard(browser, session, web):
    country = make_country(session, "TR", "Turkey")
    hotel = make_hotel(session, make_resort(session, country, "Antalya"), "Antalya Palace", 5)
    city = make_departure_city(session)
    for code, name in [("suncoast", "SunCoast Tours"), ("bluesky", "BlueSky Travel")]:
        make_offer(
            session,
            operator=make_operator(session, code, name),
            hotel=hotel,
            departure_city=city,
            departure_date=agency_today() + timedelta(days=5),
        )
    session.commit()
    phone = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = phone.new_page()
    try:
        for path in [f"/hotels/{hotel.id}", "/deals", "/hotels/0"]:
            page.goto(f"{web}{path}")
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{path} scrolls sideways on a phone ({overflow}px)"

        page.goto(f"{web}/hotels/{hotel.id}")
        # On a phone each offer is a card whose cells carry their column's name.
        label = page.evaluate(
            "getComputedStyle(document.querySelector('tr.offer-row td'), '::before').content"
        )
        assert label == '"Operator"'
        # Keyboard: Tab reaches the operator links, and the focused one is outlined.
        for _ in range(30):
            page.keyboard.press("Tab")
            focused = page.evaluate("document.activeElement.textContent")
            if "View at" in focused:
                break
        else:
            raise AssertionError("Tab never reached an operator link")
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline == "solid"
    finally:
        phone.close()


def test_the_offers_table_fits_a_laptop_and_its_badges_a_phone(browser, session, web, artifacts):
    """At 1366x900 every column of the comparison, the links to book included, is inside
    the page's box; on a phone the "On request" badge stays inside its card."""
    country = make_country(session, "TR", "Turkey")
    hotel = make_hotel(session, make_resort(session, country, "Antalya"), "Antalya Palace", 5)
    city = make_departure_city(session)
    for code, name in [("suncoast", "SunCoast Tours International"), ("bluesky", "BlueSky")]:
        offer = make_offer(
            session,
            operator=make_operator(session, code, name),
            hotel=hotel,
            departure_city=city,
            departure_date=agency_today() + timedelta(days=5),
            room_type="Deluxe Family Suite with Sea View and Balcony",
            children=2,
        )
        offer.availability = "on_request"
    session.commit()
    sizes = {"laptop": {"width": 1366, "height": 900}, "phone": {"width": 375, "height": 740}}
    for name, viewport in sizes.items():
        context = browser.new_context(viewport=viewport, locale="en-US")
        page = context.new_page()
        try:
            page.goto(f"{web}/hotels/{hotel.id}?adults=2&children_ages=7&children_ages=9")
            widest = page.evaluate(
                """() => {
                    const box = document.querySelector('main').getBoundingClientRect();
                    let worst = 0;
                    for (const element of document.querySelectorAll(
                        '.offers-table, .offers-table a, .offers-table .badge')) {
                        const edge = element.getBoundingClientRect().right;
                        worst = Math.max(worst, edge - box.right);
                    }
                    return worst;
                }"""
            )
            page.screenshot(path=artifacts / f"hotel-offers-{name}.png", full_page=True)
            assert widest <= 1, f"{name}: the offers table sticks out {widest:.0f}px"
            requests = page.get_by_role("link", name=re.compile("Request this tour"))
            assert requests.count() == 2
            for index in range(2):
                box = requests.nth(index).bounding_box()
                assert box["x"] + box["width"] <= viewport["width"], name
        finally:
            context.close()
