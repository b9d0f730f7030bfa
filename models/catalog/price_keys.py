"""An offer's price and id packed in one orderable BIGINT: its cheapest key.

The cheapest offer of a group is the one with the lowest (price, id). Packing both in
one BIGINT, the price in cents above the id's 31 bits, lets a plain min() find it (in a
hash aggregation, with no sort of the offers) and lets the minimum of several days'
minimums be the minimum over all their offers. Prices are capped at 40 million for the
packing only, so the BIGINT never overflows; below the cap the order is exact.

The key also carries the price exactly: every stored price is under the cap (the crawl
drops absurd prices, crawler/pipelines/validate.py) and has whole cents, so the cheapest
price of a group is its minimum key's upper part (`price_cents_of`, `price_of`). One
BIGINT minimum costs a fraction of a NUMERIC one: a typical search and the price
calendar take no minimum of the price itself.

Each offer stores its key (`Offer.cheapest_key`, a generated column, migration 0021):
computing it from the numeric price for every offer a search reads cost a third of a
typical search's time in the database.
"""

from decimal import Decimal

from sqlalchemy import BigInteger, Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

ID_BITS = 2**31
PRICE_CAP = 40_000_000


class cheapest_key(FunctionElement):
    """(price, offer id) packed as one orderable BIGINT."""

    type = BigInteger()
    inherit_cache = True
    name = "cheapest_key"


class offer_id_of(FunctionElement):
    """The offer id packed in a `cheapest_key`."""

    type = Integer()
    inherit_cache = True
    name = "offer_id_of"


class price_cents_of(FunctionElement):
    """The price packed in a `cheapest_key`, in cents (orders as the price does)."""

    type = BigInteger()
    inherit_cache = True
    name = "price_cents_of"


def price_of(key: int) -> Decimal:
    """The price packed in a `cheapest_key` read from the database."""
    return Decimal(key // ID_BITS).scaleb(-2)


@compiles(cheapest_key)
def _compile_cheapest_key(element, compiler, **kw) -> str:
    price, offer_id = (compiler.process(c, **kw) for c in element.clauses)
    return f"(CAST(LEAST({price}, {PRICE_CAP}) * 100 AS BIGINT) * {ID_BITS} + {offer_id})"


@compiles(cheapest_key, "sqlite")
def _compile_cheapest_key_sqlite(element, compiler, **kw) -> str:
    price, offer_id = (compiler.process(c, **kw) for c in element.clauses)
    return f"(CAST(round(min({price}, {PRICE_CAP}) * 100) AS INTEGER) * {ID_BITS} + {offer_id})"


@compiles(offer_id_of)
def _compile_offer_id_of(element, compiler, **kw) -> str:
    (key,) = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(mod({key}, {ID_BITS}) AS INTEGER)"


@compiles(offer_id_of, "sqlite")
def _compile_offer_id_of_sqlite(element, compiler, **kw) -> str:
    (key,) = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(({key}) % {ID_BITS} AS INTEGER)"


@compiles(price_cents_of)
def _compile_price_cents_of(element, compiler, **kw) -> str:
    # Both engines divide integers to an integer; the offer id is the remainder.
    (key,) = (compiler.process(c, **kw) for c in element.clauses)
    return f"(({key}) / {ID_BITS})"
