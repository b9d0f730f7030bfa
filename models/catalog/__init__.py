"""The catalogue: what operators sell and what visitors read.

Operators, places and canonical hotels (`hotels.py`), their identity across operators
(`hotel_merges.py`, `match_reviews.py`, `display_names.py`, `hotel_content.py`), offers and
the crawl's write path into them (`offers.py`, `ingest.py`, `min_prices.py`,
`generation.py`), money (`currency.py`, `exchange_rates.py`), and the public reads: search,
the price calendar, deals, the hotel page, price history and the reference lists.
"""
