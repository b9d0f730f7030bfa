"""The demo operators: deterministic, realistic, and controllable."""

from datetime import date

import httpx

from sandbox.app import OPERATORS
from sandbox.catalog import OperatorCatalog
from sandbox.world import COUNTRIES, World

ANCHOR = date(2026, 12, 1)


def test_world_is_deterministic_for_a_seed():
    first, second = World(seed=7, anchor=ANCHOR), World(seed=7, anchor=ANCHOR)
    assert first.hotels == second.hotels
    assert World(seed=8, anchor=ANCHOR).hotels != first.hotels


def test_world_has_real_countries_resorts_and_plausible_hotels():
    world = World(seed=42, anchor=ANCHOR)
    assert len(world.hotels) == 400
    assert len({h.country_code for h in world.hotels}) == len(COUNTRIES) == 12
    resorts = {resort for _, _, resorts in COUNTRIES for resort in resorts}
    assert all(h.resort in resorts and 2 <= h.stars <= 5 for h in world.hotels)
    assert len({(h.resort, h.name) for h in world.hotels}) == 400


def test_offers_are_stable_per_key_and_move_with_the_epoch():
    world = World(seed=42, anchor=ANCHOR)
    profile = OPERATORS["suncoast"].PROFILE
    today, again = OperatorCatalog(world, profile, 500), OperatorCatalog(world, profile, 500)
    assert list(today.offers()) == list(again.offers())
    tomorrow = OperatorCatalog(world, profile, 500, epoch=1)
    moved = [o for o in tomorrow.offers() if o.price != today.find(o.key).price]
    assert len(moved) > 400
    assert 5 < 500 - len(list(tomorrow.offers())) < 50  # some tours sold out
    offer = today.offer(0)
    assert offer.departure_date > ANCHOR and 3 <= offer.nights <= 21 and offer.price > 0


def test_html_operator_pages_and_controls(sandbox):
    page = sandbox.client.get("/suncoast/search", params={"page": 1})
    assert page.status_code == 200
    assert "Found 300 tours" in page.text and page.text.count('class="tour"') == 50
    assert 'rel="next" href="/suncoast/search?page=2"' in page.text
    last = sandbox.client.get("/suncoast/search", params={"page": 6}).text
    assert 'rel="next"' not in last
    sandbox.configure("suncoast", fault="down")
    assert sandbox.client.get("/suncoast/search").status_code == 503
    assert sandbox.client.put("/_sandbox/operators/nope", json={}).status_code == 404


def test_ground_truth_is_served_apart_from_the_operator_pages(sandbox):
    truth = sandbox.client.get("/_sandbox/truth/suncoast").json()
    assert len(truth) > 200 and all(isinstance(v, int) for v in truth.values())
    robots = httpx.get(f"{sandbox.url}/robots.txt").text
    assert "Disallow: /_sandbox/" in robots
