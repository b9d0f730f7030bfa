"""Mediterra Voyages: one French table of offers, European numbers, a numbered pager."""

import re
from decimal import Decimal

from parsel import Selector

from sandbox.operators.mediterra import PAGE_SIZE, _pager, _party, _price
from sandbox.profiles import MEDITERRA


def offers_page(sandbox, page: int = 1):
    return sandbox.client.get("/mediterra/offres", params={"page": page})


def rows(html: str) -> list[Selector]:
    return Selector(text=html).css("table.offres tbody tr.offre")


def test_the_page_announces_the_total_and_lists_one_row_per_offer(sandbox):
    page = offers_page(sandbox)
    assert page.status_code == 200
    html = Selector(text=page.text)
    assert html.css(".bandeau .nombre::text").get() == "300"
    assert "séjours trouvés" in html.css(".bandeau").get()
    assert len(rows(page.text)) == PAGE_SIZE == 25
    assert html.css("tr.offre td.ref a::attr(href)").get() == "/mediterra/offre/MV0000000"


def test_rows_are_written_the_french_way(sandbox):
    meals, words = set(MEDITERRA.meal_names.values()), set()
    for row in rows(offers_page(sandbox, 2).text):
        assert re.fullmatch(r"★{2,5}", row.css("td.categorie::text").get())
        assert re.fullmatch(r"\d\d/\d\d/20\d\d", row.css("td.date::text").get())
        assert re.fullmatch(r"\d+ nuits", row.css("td.duree::text").get())
        assert re.fullmatch(r"\d adultes?(, \d enfants?)?", row.css("td.voyageurs::text").get())
        assert re.fullmatch(r"\d{1,3}(\.\d{3})*,\d\d\u00a0€", row.css("td.prix::text").get())
        assert row.css("td.pension::text").get() in meals
        assert row.css("td.depart::attr(data-iata)").get() in {
            "MOW",
            "LED",
            "KZN",
            "SVX",
            "OVB",
            "KRR",
        }
        words.add(row.css("td.dispo::text").get())
    assert words <= {"Disponible", "Sur demande", "Arrêt des ventes", "Complet"}
    assert "Disponible" in words


def test_numbers_and_party_formats():
    assert _price(Decimal("1234")) == "1.234,00\u00a0€"
    assert _price(Decimal("95")) == "95,00\u00a0€"
    assert _price(Decimal("1234567.5")) == "1.234.567,50\u00a0€"
    assert _party(1, 0) == "1 adulte"
    assert _party(2, 1) == "2 adultes, 1 enfant"
    assert _party(3, 2) == "3 adultes, 2 enfants"


def test_pager_numbers_pages_around_the_current_one():
    assert _pager(1, 1) == [1]
    assert _pager(1, 12) == [1, 2, 3, None, 12]
    assert _pager(6, 12) == [1, None, 4, 5, 6, 7, 8, None, 12]
    assert _pager(12, 12) == [1, None, 10, 11, 12]


def test_next_link_carries_the_page_and_disappears_on_the_last_page(sandbox):
    first = Selector(text=offers_page(sandbox, 1).text)
    assert first.css("a.suivant::text").get() == "Suivant ›"
    assert first.css("a.suivant::attr(href)").get() == "?page=2"
    assert not first.css("a.precedent")
    assert first.css(".pagination li.actif strong::text").get() == "1"
    last = Selector(text=offers_page(sandbox, 12).text)
    assert not last.css("a.suivant") and last.css("a.precedent::attr(href)").get() == "?page=11"
    assert len(rows(last.get())) == 300 - 11 * PAGE_SIZE
    assert offers_page(sandbox, 13).status_code == 404


def test_deep_links_show_the_offer(sandbox):
    page = sandbox.client.get("/mediterra/offre/MV0000001")
    assert page.status_code == 200
    assert 'data-ref="MV0000001"' in page.text and "nuits" in page.text
    assert sandbox.client.get("/mediterra/offre/MV9999999").status_code == 404
    assert sandbox.client.get("/mediterra/offre/SC-0000001").status_code == 404


def test_missing_fields_leave_cells_empty(sandbox):
    sandbox.configure("mediterra", fault="missing_fields")
    table = {row.css("td.ref a::text").get(): row for row in rows(offers_page(sandbox).text)}
    # Offer 7 lacks its price, offer 17 its hotel name (see sandbox/catalog.py).
    assert table["MV0000007"].css("td.prix::text").get() is None
    assert table["MV0000007"].css("td.hotel .nom")
    assert not table["MV0000017"].css("td.hotel .nom")
    assert table["MV0000017"].css("td.hotel .code::text").get()
