"""Page numbers of every paged list (search results, leads, clients), and one page of an
ORM query with the count of all its rows."""

import math
from typing import Any

from sqlalchemy import Select, func
from sqlalchemy.orm import Session
from sqlalchemy.orm.interfaces import ORMOption


def page_window(total: int, asked: int, page_size: int) -> tuple[int, int, int]:
    """(page, pages, offset) for `total` rows: the asked page, or the last one when it asks
    for more than there are; an empty list still has its one (empty) page."""
    pages = max(1, math.ceil(total / page_size))
    page = min(max(asked, 1), pages)
    return page, pages, (page - 1) * page_size


def fetch_page(
    session: Session, query: Select, asked: int, page_size: int, *loads: ORMOption
) -> tuple[list[Any], int, int, int]:
    """(rows, total, page, pages): the asked page of `query` (filtered and ordered), its
    rows loaded with `loads`, and the count of every row it matches."""
    count = query.with_only_columns(func.count(), maintain_column_froms=True).order_by(None)
    total = session.scalar(count) or 0
    page, pages, offset = page_window(total, asked, page_size)
    rows = list(session.scalars(query.options(*loads).limit(page_size).offset(offset)))
    return rows, total, page, pages
