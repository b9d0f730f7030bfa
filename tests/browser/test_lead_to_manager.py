"""A lead's whole way in a real browser: a visitor requests a tour from a hotel page and
sees the operator's answer arrive on the confirmation page, then a manager logs in to
the back office, opens the lead and moves it to "contacted"."""

import re
from datetime import timedelta

from playwright.sync_api import expect

from models.agency_time import agency_today
from tests.factories import PASSWORD, make_user


def test_a_visitor_requests_a_tour_and_a_manager_contacts_them(
    crawl, sandbox, web, page, session, artifacts
):
    result = crawl("suncoast")
    assert result.returncode == 0, result.stderr[-2000:]
    make_user(session, "mia@example.com", role="manager", name="Mia Manager")
    session.commit()

    # The visitor: search, open a hotel, request one of its tours.
    page.goto(f"{web}/")
    page.fill("input[name=date_from]", (agency_today() + timedelta(days=1)).isoformat())
    page.fill("input[name=date_to]", (agency_today() + timedelta(days=80)).isoformat())
    page.click("form.search-form button[type=submit]")
    page.locator(".hotel-list .hotel .hotel-name a").first.click()
    page.wait_for_url(re.compile(r"/hotels/\d+"))
    hotel_name = page.locator("h1").inner_text()
    page.locator("tr.offer-row a.request-tour").first.click()

    page.wait_for_url(re.compile(r"/leads/new"))
    page.fill("#name", "Clara Visitor")
    page.fill("#phone", "+49 30 9876543")
    page.fill("#wishes", "Two rooms next to each other, please.")
    page.check("#consent")
    page.screenshot(path=str(artifacts / "lead-form.png"), full_page=True)
    page.click("form.lead-form button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Thank you, your request is saved")
    # The operator is asked in the background; the page shows its answer by itself.
    answer = re.compile(r"still available|price has changed|no longer sells|did not answer")
    expect(page.locator("#recheck")).to_contain_text(answer, timeout=60_000)
    page.screenshot(path=str(artifacts / "lead-sent.png"), full_page=True)

    # The manager: a back-office page asks for the log-in first, then comes back.
    page.goto(f"{web}/manager/leads")
    page.wait_for_url(re.compile(r"/manager/login\?next="))
    page.fill("#email", "mia@example.com")
    page.fill("#password", PASSWORD)
    page.screenshot(path=str(artifacts / "manager-login.png"))
    page.click("form.login-form button[type=submit]")
    page.wait_for_url(re.compile(r"/manager/leads$"))
    row = page.locator("table.leads-table tbody tr").first
    expect(row).to_contain_text("Clara Visitor")
    page.screenshot(path=str(artifacts / "manager-leads.png"), full_page=True)
    row.locator("a").first.click()

    page.wait_for_url(re.compile(r"/manager/leads/\d+$"))
    main = page.locator("main")
    expect(main).to_contain_text(hotel_name.split("★")[0].strip())
    expect(main).to_contain_text("Two rooms next to each other, please.")
    expect(main).to_contain_text(re.compile(r"Still available|new price|Gone|did not answer"))
    page.check("input[name=to_status][value=contacted]")
    page.click("form[action$='/status'] button[type=submit]")

    expect(page.locator(".notice")).to_contain_text("The status is changed.")
    expect(page.locator(".lead-summary")).to_contain_text("contacted")
    expect(page.locator(".lead-history")).to_contain_text("Mia Manager · status new → contacted")
    page.screenshot(path=str(artifacts / "manager-lead.png"), full_page=True)

    # Logging out really ends the session: the back office asks for the log-in again.
    page.click("nav.manager-nav button[type=submit]")
    page.wait_for_url(re.compile(r"/manager/login\?logged_out=1"))
    page.goto(f"{web}/manager/leads")
    page.wait_for_url(re.compile(r"/manager/login\?next="))
