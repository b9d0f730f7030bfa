"""Admins merge, undo, split and rename canonical hotels from the crawl health page."""

from models import Hotel, HotelAlias, HotelMerge, Offer
from tests.models.hotel_world import split_hotel  # noqa: F401 (a fixture)
from tests.webapp.manager.conftest import HTML, post_form
from tests.webapp.pages import main_text

SEARCH = "/?hotel_name=club+dun"


def test_confirming_a_match_merges_both_hotels_whole_so_the_search_lists_it_once(
    as_admin,
    split_hotel,  # noqa: F811
    session,
):
    before = main_text(as_admin.get(SEARCH, headers=HTML).text)
    assert "2 hotels found" in before and "Club Dunes Clb" in before

    url = f"/manager/crawls/reviews/{split_hotel['review']}/confirm"
    assert post_form(as_admin, url, {}, page="/manager/crawls").status_code == 303

    session.expire_all()
    aliases = session.query(HotelAlias).all()
    assert {alias.hotel_id for alias in aliases} == {split_hotel["duns"]}
    assert {offer.hotel_id for offer in session.query(Offer)} == {split_hotel["duns"]}
    after = main_text(as_admin.get(SEARCH, headers=HTML).text)
    assert "1 hotel found" in after
    assert "Club Dunes Clb" not in after


def test_the_review_queue_shows_every_alias_of_both_hotels(as_admin, split_hotel):  # noqa: F811
    text = main_text(as_admin.get("/manager/crawls", headers=HTML).text)
    for expected in (
        "Club Duns 4* SunCoast Tours · code SC-1 · 1 active offer",
        "Club Dunes Clb 4* (Samo Travel) Samo Travel · code SAMO-1 · 2 active offers",
        "CLUB DUNES CLB FeedLine Holidays · code FL-9 · 1 active offer",
    ):
        assert expected in text, expected


def test_a_merge_is_undone_and_the_old_hotel_address_redirects_meanwhile(
    as_admin,
    split_hotel,  # noqa: F811
    session,
):
    confirm = f"/manager/crawls/reviews/{split_hotel['review']}/confirm"
    post_form(as_admin, confirm, {}, page="/manager/crawls")
    old = as_admin.get(f"/hotels/{split_hotel['dunes']}?adults=2", headers=HTML)
    assert (old.status_code, old.headers["location"]) == (
        301,
        f"/hotels/{split_hotel['duns']}?adults=2",
    )
    page = main_text(as_admin.get("/manager/crawls", headers=HTML).text)
    assert "Recent merges Merged Into" in page and "Undo" in page

    merge = session.query(HotelMerge).one()
    undo = post_form(
        as_admin, f"/manager/crawls/merges/{merge.id}/undo", {}, page="/manager/crawls"
    )
    assert (undo.status_code, undo.headers["location"]) == (
        303,
        "/manager/crawls?done=undone#hotels",
    )
    session.expire_all()
    assert (
        session.get(HotelAlias, split_hotel["aliases"]["feedline"]).hotel_id
        == (split_hotel["dunes"])
    )
    assert as_admin.get(f"/hotels/{split_hotel['dunes']}", headers=HTML).status_code == 200
    again = post_form(
        as_admin, f"/manager/crawls/merges/{merge.id}/undo", {}, page="/manager/crawls"
    )
    assert again.status_code == 409 and "already undone" in again.text


def test_an_admin_renames_a_hotel_and_the_name_is_validated(as_admin, split_hotel, session):  # noqa: F811
    url = f"/manager/hotels/{split_hotel['duns']}/name"
    for bad, reason in (("   ", "name"), ("x" * 201, "200")):
        response = post_form(as_admin, url, {"name": bad}, page="/manager/crawls")
        assert response.status_code == 422 and reason in response.text
    response = post_form(as_admin, url, {"name": "  Club Dunes  "}, page="/manager/crawls")
    assert response.status_code == 303
    session.expire_all()
    hotel = session.get(Hotel, split_hotel["duns"])
    assert (hotel.name, hotel.name_set_by_admin) == ("Club Dunes", True)


def test_an_admin_splits_one_alias_off_a_hotel(as_admin, split_hotel, session):  # noqa: F811
    card = main_text(
        as_admin.get(f"/manager/crawls?hotel={split_hotel['dunes']}", headers=HTML).text
    )
    assert "CLUB DUNES CLB" in card
    alias_id = split_hotel["aliases"]["feedline"]
    url = f"/manager/crawls/aliases/{alias_id}/split"
    assert post_form(as_admin, url, {}, page="/manager/crawls").status_code == 303
    session.expire_all()
    assert session.get(HotelAlias, alias_id).hotel_id not in (
        split_hotel["dunes"],
        split_hotel["duns"],
    )


def test_managers_cannot_rename_undo_or_split(as_manager, split_hotel, session):  # noqa: F811
    urls = (
        f"/manager/hotels/{split_hotel['duns']}/name",
        "/manager/crawls/merges/1/undo",
        f"/manager/crawls/aliases/{split_hotel['aliases']['feedline']}/split",
    )
    for url in urls:
        assert post_form(as_manager, url, {"name": "X"}).status_code == 403
    session.expire_all()
    assert session.get(Hotel, split_hotel["duns"]).name == "Club Duns"


def test_hotel_forms_need_a_csrf_token(as_admin, split_hotel):  # noqa: F811
    url = f"/manager/hotels/{split_hotel['duns']}/name"
    assert as_admin.post(url, data={"name": "X"}, headers=HTML).status_code == 403
