"""The admins' crawl health page and their verdicts on hotel match reviews."""

from models import HotelAlias, HotelMatchReview, Offer
from tests.models.crawls.test_health import world  # noqa: F401 (a fixture)
from tests.webapp.manager.conftest import HTML, post_form
from tests.webapp.pages import main_text


def test_the_page_shows_runs_drops_failures_freshness_and_reviews(as_admin, world):  # noqa: F811
    page = as_admin.get("/manager/crawls", headers=HTML)
    assert page.status_code == 200
    text = main_text(page.text)
    for expected in (
        "SunCoast Tours (suncoast)",
        "BlueSky Travel (bluesky) last run failed",
        "only 40% of the 100 offers announced",
        "price_missing: 9",
        "past_date: 3",
        "3 active offers",
        "1 active offer · newest seen",
        "Hotel matches waiting for review (1)",
        "ANTALIA PALAS HOTEL",
        "code AP-77",
        "Antalia Palas",
        "Antalya Palace",
    ):
        assert expected in text, expected
    # The last five runs of an operator, not more.
    assert page.text.count('<tr class="run run-succeeded">') == 5


def test_confirming_moves_the_offers(as_admin, world, session):  # noqa: F811
    url = f"/manager/crawls/reviews/{world['review']}/confirm"
    response = post_form(as_admin, url, {}, page="/manager/crawls")
    assert (response.status_code, response.headers["location"]) == (
        303,
        "/manager/crawls?done=confirmed",
    )
    session.expire_all()
    assert session.get(HotelAlias, world["alias"]).hotel_id == world["palace"].id
    assert {session.get(Offer, i).hotel_id for i in world["moved"]} == {world["palace"].id}
    page = as_admin.get("/manager/crawls?done=confirmed", headers=HTML)
    assert "The match is confirmed" in page.text
    assert "No hotel matches are waiting for review." in page.text
    again = post_form(as_admin, url, {}, page="/manager/crawls")
    assert again.status_code == 409 and "already confirmed" in again.text


def test_splitting_keeps_the_hotels_apart(as_admin, world, session):  # noqa: F811
    url = f"/manager/crawls/reviews/{world['review']}/split"
    assert post_form(as_admin, url, {}, page="/manager/crawls").status_code == 303
    session.expire_all()
    review = session.get(HotelMatchReview, world["review"])
    assert review.status == "split" and review.resolved_at is not None
    assert session.get(HotelAlias, world["alias"]).hotel_id == world["doubtful"]


def test_a_manager_cannot_see_or_resolve(as_manager, world, session):  # noqa: F811
    assert as_manager.get("/manager/crawls", headers=HTML).status_code == 403
    url = f"/manager/crawls/reviews/{world['review']}/confirm"
    assert post_form(as_manager, url, {}).status_code == 403
    session.expire_all()
    assert session.get(HotelMatchReview, world["review"]).status == "pending"
    # ...and managers have no link to it.
    assert "Crawl health" not in main_text(as_manager.get("/manager", headers=HTML).text)


def test_verdicts_need_a_csrf_token(as_admin, world):  # noqa: F811
    url = f"/manager/crawls/reviews/{world['review']}/split"
    assert as_admin.post(url, headers=HTML).status_code == 403


def test_a_protocol_operators_unmapped_reference_values_are_listed(as_admin, crawl):
    result = crawl("tourvisor_demo")
    assert result.returncode == 0, result.stdout + result.stderr
    text = main_text(as_admin.get("/manager/crawls", headers=HTML).text)
    assert "Tourvisor (demo replica) (tourvisor_demo)" in text
    # Tourvisor's "no flight" departure and a city we have no code for are kept and shown.
    assert "reference values of this operator map to nothing of ours" in text
    assert "departure 99: Без перелёта" in text
