"""A canonical hotel is shown under the cleanest of its operators' spellings."""

import pytest

from models import Hotel
from models.catalog.display_names import display_name, refresh_display_names
from tests.factories import make_alias
from tests.models.hotel_world import split_hotel  # noqa: F401 (a fixture)


@pytest.mark.parametrize(
    ("spellings", "expected"),
    [
        # Abbreviations lose to a full spelling, whatever their length.
        (["Golden Sands Res.&Spa 4*", "Golden Sands Resort & Spa"], "Golden Sands Resort & Spa"),
        (["Club Dunes Clb 4* (Samo Travel)", "Club Duns"], "Club Duns"),
        (["Sea Bch Htl", "Sea Beach Hotel"], "Sea Beach Hotel"),
        # Stars and a resort in brackets are never part of the name.
        (["Rixos Premium 5* (Belek)"], "Rixos Premium"),
        (["Kaya Palazzo *****", "Kaya Palazzo 5 stars"], "Kaya Palazzo"),
        # Natural case beats capitals; capitals alone are title-cased.
        (["GOLDEN SANDS RESORT AND SPA", "Golden Sands"], "Golden Sands"),
        (["GOLDEN SANDS RESORT AND SPA", "HOTEL GOLDEN SANDS"], "Golden Sands Resort and Spa"),
        (["ST. GEORGE'S HOTEL"], "St. George's Hotel"),
        (["blue-lagoon"], "Blue-Lagoon"),
        # Latin before Cyrillic, even when the Cyrillic spelling is longer.
        (["Клаб Дюнс Резорт энд Спа", "Club Dunes"], "Club Dunes"),
        (["Клаб Дюнс 4*"], "Клаб Дюнс"),
        # Among equals, the longest (the most informative), then alphabetically.
        (["Titanic", "Titanic Deluxe Golf Belek"], "Titanic Deluxe Golf Belek"),
        (["Aqua B", "Aqua A"], "Aqua A"),
        # Everything abbreviated: the best of them, still without stars.
        (["Sea Gdn Htl 3*", "SEA GDN HTL"], "Sea Gdn Htl"),
        ([], ""),
        (["  ", "****"], ""),
    ],
)
def test_display_name(spellings, expected):
    assert display_name(spellings) == expected


def test_a_display_name_fits_the_column():
    assert len(display_name(["Grand " + "Palace " * 40])) == 200


def test_refreshing_uses_the_aliases_unless_an_admin_named_the_hotel(session, split_hotel):  # noqa: F811
    duns, dunes = session.get(Hotel, split_hotel["duns"]), session.get(Hotel, split_hotel["dunes"])
    make_alias(session, split_hotel["operators"]["feedline"], duns, "FL-2", "Club Duns Resort")
    dunes.name_set_by_admin = True
    dunes.name = "Club Dunes (admin)"
    assert refresh_display_names(session, [duns.id, dunes.id, 999]) == 1
    session.commit()
    assert (duns.name, dunes.name) == ("Club Duns Resort", "Club Dunes (admin)")
    assert refresh_display_names(session, []) == 0
