"""The site in Russian and in English in a real browser: a search, a hotel page, the lead
form and the back office, each read by a browser that asks for the language, with a
screenshot of each page in each language (test-artifacts/<language>-<page>.png)."""

import re

from playwright.sync_api import expect

from tests.factories import PASSWORD, make_user
from tourscope.foundation.i18n import gettext, ngettext, use_locale


def say(language: str, message: str, **values) -> str:
    with use_locale(language):
        return gettext(message) % values if values else gettext(message)


def counted(language: str, singular: str, plural: str, text: str) -> str:
    """`text`'s number said the language's way ("1 отель", "5 отелей")."""
    number = int(re.search(r"\d+", text).group())
    with use_locale(language):
        return ngettext(singular, plural, number) % {"num": number}


def test_the_site_and_the_back_office_in_each_language(crawl, browser, session, web, artifacts):
    result = crawl("suncoast")  # a real catalogue: places with their Russian names
    assert result.returncode == 0, result.stderr[-2000:]
    make_user(session, "mia@example.com", name="Mia Manager")
    session.commit()
    # English and Russian differ in every string checked below, so a page left in the
    # wrong language fails.
    assert say("ru", "Dashboard") != say("en", "Dashboard")

    for browser_locale, language in [("ru-RU", "ru"), ("en-US", "en")]:
        context = browser.new_context(
            viewport={"width": 1280, "height": 900}, locale=browser_locale
        )
        page = context.new_page()
        try:
            _walk(page, web, artifacts, language)
        finally:
            context.close()


def _walk(page, web: str, artifacts, language: str) -> None:
    page.goto(f"{web}/?country=TR")
    assert page.locator("html").get_attribute("lang") == language
    heading = page.locator("#results-heading")
    expect(heading).to_have_text(
        counted(language, "%(num)d hotel found", "%(num)d hotels found", heading.inner_text())
    )
    page.screenshot(path=str(artifacts / f"{language}-search.png"), full_page=True)

    page.locator(".hotel-list .hotel .hotel-name a").first.click()
    page.wait_for_url(re.compile(r"/hotels/\d+"))
    offers = page.locator("#offers-heading")
    expect(offers).to_contain_text(
        counted(language, "%(num)d offer", "%(num)d offers", offers.inner_text())
    )
    page.screenshot(path=str(artifacts / f"{language}-hotel.png"), full_page=True)

    page.locator("tr.offer-row a.request-tour").first.click()
    page.wait_for_url(re.compile(r"/leads/new"))
    expect(page.locator("label[for=name]")).to_contain_text(say(language, "Your name"))
    page.screenshot(path=str(artifacts / f"{language}-lead-form.png"), full_page=True)

    page.goto(f"{web}/manager/login")
    expect(page.locator("h1")).to_have_text(say(language, "Back office log-in"))
    page.fill("#email", "mia@example.com")
    page.fill("#password", PASSWORD)
    page.click("form.login-form button[type=submit]")
    page.wait_for_url(re.compile(r"/manager$"))
    expect(page.locator("h1")).to_have_text(say(language, "Dashboard"))
    page.screenshot(path=str(artifacts / f"{language}-back-office.png"), full_page=True)
    page.click("nav.manager-nav button[type=submit]")  # log out: the next reader logs in
