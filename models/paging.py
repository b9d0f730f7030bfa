"""Page numbers of every paged list: search results, leads, clients."""

import math


def page_window(total: int, asked: int, page_size: int) -> tuple[int, int, int]:
    """(page, pages, offset) for `total` rows: the asked page, or the last one when it asks
    for more than there are; an empty list still has its one (empty) page."""
    pages = max(1, math.ceil(total / page_size))
    page = min(max(asked, 1), pages)
    return page, pages, (page - 1) * page_size
