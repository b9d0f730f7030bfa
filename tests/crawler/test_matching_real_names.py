"""Hotel identity on real names: real hotels as real operators spell them, in any script,
meet; sister hotels of one chain in one resort stay apart."""

import pytest

from crawler.matching import HotelIndex
from crawler.parsing.hotel_names import core_name, read_hotel_name
from crawler.parsing.resorts import place_phrases
from tourscope.evaluation import REAL_PRECISION_TARGET, load_real_hotels, match_real_hotels

HOTELS = load_real_hotels()


def test_the_real_set_is_real_sized_and_varied():
    spellings = [name for hotel in HOTELS for name in hotel.names]
    cyrillic = [name for name in spellings if any("\u0400" <= c <= "\u04ff" for c in name)]
    assert len(HOTELS) >= 150 and len({hotel.country for hotel in HOTELS}) >= 8
    assert len(cyrillic) >= 50


def test_no_spelling_reduces_to_an_empty_name():
    for hotel in HOTELS:
        places = place_phrases(hotel.country)
        for name in hotel.names:
            assert read_hotel_name(name, places).readable, name
            assert core_name(name).strip(), name


@pytest.mark.parametrize(
    "country, resort, known, spelling",
    [
        ("EG", "Hurghada", "Sunrise Crystal Bay", "SUNRISE CRYSTAL BAY RESORT - GRAND SELECT 5*"),
        ("EG", "Sharm El Sheikh", "Rixos Sharm El Sheikh", "Rixos Sharm"),
        ("TR", "Antalya", "Delphin Palace", "Delphin Palace Lara"),
        ("TN", "Djerba", "Djerba Beach (Sentido)", "Sentido Djerba Beach"),
        ("TH", "Phuket", "Katathani", "Katathani Beach Resort"),
        ("ES", "Costa del Sol", "Iberostar Royal Andalus", "Iberostar Selection Royal Andalus"),
        ("TR", "Belek", "Gloria Serenity Resort", "Глория Серенити Резорт"),
        (
            "TR",
            "Belek",
            "Cornelia Diamond Golf Resort & Spa",
            "Корнелия Даймонд Гольф Резорт энд Спа",
        ),
        ("TR", "Belek", "Papillon Ayscha", "Папиллон Айша"),
        ("TR", "Belek", "Limak Arcadia Sport Resort", "Лимак Аркадия Спорт Резорт Белек"),
        ("EG", "Hurghada", "Sunrise Aqua Joy Resort", "SUNRISE AQUAJOY RESORT"),
    ],
)
def test_spellings_that_stayed_apart_now_meet(country, resort, known, spelling):
    index = HotelIndex(places={1: place_phrases(country)})
    index.add(1, resort_id=1, name=known, stars=5)
    assert index.match(spelling, stars=5, resort_id=1).hotel_id == 1


@pytest.mark.parametrize(
    "country, first, second",
    [
        ("TR", "Rixos Premium Belek", "Rixos Park Belek"),
        ("TR", "Titanic Beach Lara", "Titanic Mardan Palace"),
        ("TR", "Titanic Beach Lara", "Titanic Deluxe Lara"),
        ("EG", "Jaz Aquamarine", "Jaz Aquaviva"),
        ("TR", "Глория Серенити Резорт", "Корнелия Даймонд Гольф Резорт энд Спа"),
        ("TR", "Папиллон Айша", "Лимак Аркадия Спорт Резорт Белек"),
        ("TR", "Granada Luxury Beach", "Granada Luxury Resort & Spa"),
    ],
)
def test_sister_hotels_and_strangers_stay_apart(country, first, second):
    index = HotelIndex(places={1: place_phrases(country)})
    index.add(1, resort_id=1, name=first, stars=5)
    assert index.match(second, stars=5, resort_id=1).hotel_id is None


@pytest.mark.parametrize("reverse", [False, True], ids=["first spellings first", "last first"])
def test_real_names_keep_their_measured_level_in_either_arrival_order(reverse):
    """Precision meets its target (0.99); recall is held at the level reached (0.90 in
    both orders; the target, 0.95, is not met yet: see README, Hotel matching)."""
    score, missed = match_real_hotels(HOTELS, reverse=reverse)
    report = "\n".join(f"{m.kind}: {m.first} / {m.second}" for m in missed[:30])
    assert score.precision >= REAL_PRECISION_TARGET, report
    assert score.recall >= 0.90, report
