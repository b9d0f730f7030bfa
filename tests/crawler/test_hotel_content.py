"""Hotel content through real crawls of the sandbox over loopback: what each operator says
of its hotels is kept as it said it (validated), merged on the canonical hotel, read only
when new or stale, and never wiped by a crawl that fails or carries none."""

from sqlalchemy import select

from models import CrawlRun, Hotel, HotelAlias, Operator, OperatorHotelContent
from models.catalog.hotel_content import AGREE_KM, distance_km
from sandbox.hotel_content import description_en, description_ru, facts
from sandbox.operators import aerotour, suncoast, tourvisor
from tests.crawler.conftest import catalog

TOURVISOR_SIZE = 6000  # the demo sweep finds a few dozen hotels in a catalogue this size
SHARED_SIZE = 1000


def stored_content(session, operator_code: str) -> dict[str, OperatorHotelContent]:
    session.expire_all()
    rows = session.scalars(
        select(OperatorHotelContent)
        .join(Operator, Operator.id == OperatorHotelContent.operator_id)
        .where(Operator.code == operator_code)
    )
    return {row.operator_hotel_code: row for row in rows}


def last_run(session) -> CrawlRun:
    session.expire_all()
    return session.scalars(select(CrawlRun).order_by(CrawlRun.id.desc())).first()


def hotels_content(session) -> dict[int, tuple]:
    session.expire_all()
    return {
        hotel.id: (hotel.description, hotel.photos, hotel.latitude, hotel.longitude, hotel.address)
        for hotel in session.scalars(select(Hotel))
    }


def test_tourvisor_hotel_information_is_kept_as_the_replica_publishes_it(crawl, sandbox, session):
    sandbox.configure("tourvisor", size=TOURVISOR_SIZE)
    result = crawl("tourvisor_demo")
    assert result.returncode == 0, result.stdout + result.stderr

    stored = stored_content(session, "tourvisor_demo")
    codes = set(session.scalars(select(HotelAlias.operator_hotel_code)))
    assert len(stored) > 20 and set(stored) == codes  # every hotel found, asked once
    world = catalog(sandbox, tourvisor.PROFILE, size=TOURVISOR_SIZE)
    for code, content in stored.items():
        hotel = world.hotel_by_code(code)
        known = facts(hotel)
        assert content.description == "\n\n".join(description_ru(hotel))  # text, no <p>
        assert len(content.photos) == len(known.photos)
        assert all(url.startswith(f"{sandbox.url}/tourvisor/hotel_pics/") for url in content.photos)
        expected = (known.latitude, known.longitude) if tourvisor.located(hotel) else (None, None)
        assert (content.latitude, content.longitude) == expected, code
        assert content.phone == known.phone
    run = last_run(session)
    assert run.stats["tourscope/hotel_content/requests"] == len(stored)
    assert run.stats["tourscope/hotel_content/stored"] == len(stored)
    # The photos come from the operator's (here the sandbox's) own host.
    photo = sandbox.client.get(next(iter(stored.values())).photos[0])
    assert photo.status_code == 200 and photo.headers["content-type"] == "image/svg+xml"

    # The canonical hotels show it: Tourvisor is their only operator here.
    session.expire_all()
    for hotel in session.scalars(select(Hotel)):
        [alias] = hotel.aliases
        content = stored[alias.operator_hotel_code]
        assert hotel.description == content.description
        assert [photo["url"] for photo in hotel.photos] == content.photos
        assert (hotel.latitude, hotel.phone) == (content.latitude, content.phone)

    # The next crawl asks about no hotel again: what Tourvisor said is fresh.
    assert crawl("tourvisor_demo").returncode == 0
    again = last_run(session).stats
    assert "tourscope/hotel_content/requests" not in again
    assert again["tourscope/hotel_content/fresh"] == len(stored)


def test_hotel_pages_are_read_for_new_or_stale_hotels_within_the_budget(crawl, sandbox, session):
    budget = {"TOURSCOPE_HOTEL_CONTENT_REQUESTS": "25"}
    assert crawl("suncoast", env=budget).returncode == 0
    first = {code: row.checked_at for code, row in stored_content(session, "suncoast").items()}
    stats = last_run(session).stats
    assert len(first) == 25 == stats["tourscope/hotel_content/requests"]
    assert stats["tourscope/hotel_content/over_budget"] > 0  # the others wait for later

    world = catalog(sandbox, suncoast.PROFILE)
    for code, content in stored_content(session, "suncoast").items():
        hotel = world.hotel_by_code(code)
        known = facts(hotel)
        assert content.description == "\n\n".join(description_en(hotel))
        assert content.photos == [
            f"{sandbox.url}/suncoast/photos/{code}/{n}.svg"
            for n in range(1, suncoast.shown_photos(hotel) + 1)
        ]
        assert (content.address, content.phone) == (known.address, known.phone)
        if hotel.id % 9:  # SunCoast placed it on its map
            assert (content.latitude, content.longitude) == (
                round(known.latitude, 4),
                round(known.longitude, 4),
            )
        else:
            assert content.latitude is None

    # The next crawl reads 25 other hotels and leaves the first 25 alone.
    assert crawl("suncoast", env=budget).returncode == 0
    second = {code: row.checked_at for code, row in stored_content(session, "suncoast").items()}
    assert len(second) == 50 and {code: second[code] for code in first} == first
    assert last_run(session).stats["tourscope/hotel_content/fresh"] == 25

    # Once what SunCoast said is old, its hotels are asked again.
    stale = {**budget, "TOURSCOPE_HOTEL_CONTENT_MAX_AGE_DAYS": "0.000001"}
    assert crawl("suncoast", env=stale).returncode == 0
    third = {code: row.checked_at for code, row in stored_content(session, "suncoast").items()}
    assert sum(third[code] > second[code] for code in second) == 25


def test_operators_disagreeing_on_a_location_are_outvoted_and_zero_zero_is_dropped(
    crawl, sandbox, session, tmp_path
):
    # Catalogues big enough to share hotels AeroTour slipped on; SunCoast's hotel pages all read.
    for operator in ("suncoast", "aerotour"):
        sandbox.configure(operator, size=SHARED_SIZE)
    everything = {"TOURSCOPE_HOTEL_CONTENT_REQUESTS": "1000"}
    assert crawl("suncoast", env=everything).returncode == 0
    assert crawl("aerotour").returncode == 0

    world = catalog(sandbox, aerotour.PROFILE, size=SHARED_SIZE)
    listed = {offer.hotel_code: offer.hotel for offer in world.offers()}
    stored = stored_content(session, "aerotour")
    assert set(stored) == set(listed)
    never_placed = {code for code, hotel in listed.items() if hotel.id % 7 == 0}
    assert never_placed and all(stored[code].latitude is None for code in never_placed)
    # Each 0, 0 is dropped with its reason in the crawl's log and its stats.
    log = "\n".join(path.read_text("utf-8") for path in (tmp_path / "log").glob("crawl-*.log"))
    for code in never_placed:
        assert (
            f"Dropped the coordinates of hotel {code} of aerotour: coordinates 0, 0 are zero" in log
        )
    dropped = last_run(session).stats["tourscope/hotel_content/rejected/coordinates_zero"]
    assert dropped == len(never_placed)

    # Where AeroTour swapped latitude and longitude and SunCoast placed the hotel right,
    # SunCoast's point wins (it lies near the resort's other hotels); every hotel stands
    # within a kilometre of where it really is, unless a swapped point is all there is.
    aerotour_id = session.scalar(select(Operator.id).where(Operator.code == "aerotour"))
    suncoast_world = catalog(sandbox, suncoast.PROFILE, size=SHARED_SIZE)
    session.expire_all()
    outvoted = 0
    for hotel in session.scalars(select(Hotel).where(Hotel.latitude.is_not(None))):
        aliases = {alias.operator.code: alias.operator_hotel_code for alias in hotel.aliases}
        sources = hotel.content_sources["location"]
        swapped = "aerotour" in aliases and listed[aliases["aerotour"]].id % 23 == 0
        if swapped and sources == [aerotour_id]:
            continue
        outvoted += swapped
        world_hotel = (
            suncoast_world.hotel_by_code(aliases["suncoast"])
            if "suncoast" in aliases
            else listed[aliases["aerotour"]]
        )
        known = facts(world_hotel)
        where = (hotel.latitude, hotel.longitude)
        assert distance_km(where, (known.latitude, known.longitude)) < AGREE_KM, hotel.name
    assert outvoted >= 1


def test_a_failed_crawl_or_one_without_content_keeps_the_stored_content(crawl, sandbox, session):
    budget = {"TOURSCOPE_HOTEL_CONTENT_REQUESTS": "20"}
    assert crawl("suncoast", env=budget).returncode == 0
    before, kept = hotels_content(session), stored_content(session, "suncoast")
    assert sum(1 for content in before.values() if content[0]) == 20

    # Stale content and pages cut off half-way: the crawl fails and keeps nothing it read.
    stale = {**budget, "TOURSCOPE_HOTEL_CONTENT_MAX_AGE_DAYS": "0.000001"}
    sandbox.configure("suncoast", fault="truncated")
    assert crawl("suncoast", env=stale).returncode == 1
    assert last_run(session).status == "failed"
    assert hotels_content(session) == before
    after = stored_content(session, "suncoast")
    assert {c: (r.photos, r.checked_at) for c, r in after.items()} == {
        c: (r.photos, r.checked_at) for c, r in kept.items()
    }

    # A good crawl that asks for no content (no requests to spare) changes none either.
    sandbox.configure("suncoast")
    no_requests = {**stale, "TOURSCOPE_HOTEL_CONTENT_REQUESTS": "0"}
    assert crawl("suncoast", env=no_requests).returncode == 0
    assert last_run(session).status == "succeeded"
    assert hotels_content(session) == before


def test_tez_tours_row_picture_is_its_photo_of_the_hotel(crawl, sandbox, session):
    result = crawl("teztour_demo")
    assert result.returncode == 0, result.stdout + result.stderr

    stored = stored_content(session, "teztour_demo")
    assert stored and set(stored) == set(session.scalars(select(HotelAlias.operator_hotel_code)))
    for code, content in stored.items():
        assert content.photos == [f"{sandbox.url}/teztour/s/hotel/{code}/main_small.svg"]
        assert (content.description, content.latitude) == (None, None)  # TEZ gives neither
    picture = sandbox.client.get(next(iter(stored.values())).photos[0])
    assert picture.status_code == 200 and picture.headers["content-type"] == "image/svg+xml"
    # The pictures cost no request of the 50 a minute TEZ allows.
    assert "tourscope/hotel_content/requests" not in last_run(session).stats
