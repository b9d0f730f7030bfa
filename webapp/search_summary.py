"""A search in a few words a visitor reads at a glance, for every page that shows one."""

from datetime import date

from models.queries.search import SearchFilters
from webapp.templating import format_amount, meal_label


def _plural(count: int, word: str, plural: str) -> str:
    return f"{count} {word if count == 1 else plural}"


def party_label(filters: SearchFilters) -> str:
    """ "2 adults + 1 child + 1 infant"."""
    party = _plural(filters.adults, "adult", "adults")
    if filters.children:
        party += " + " + _plural(filters.children, "child", "children")
    if filters.infants:
        party += " + " + _plural(filters.infants, "infant", "infants")
    return party


def _nights(filters: SearchFilters) -> str | None:
    low, high = filters.nights_min, filters.nights_max
    if low and high:
        return f"{low} nights" if low == high else f"{low}–{high} nights"
    if low:
        return f"at least {low} nights"
    if high:
        return f"at most {high} nights"
    return None


def search_summary_parts(filters: SearchFilters, today: date, *, place: bool = True) -> list[str]:
    """The search's pieces; `place=False` leaves out where and which hotel (a hotel page)."""
    start, end = filters.departure_window(today)
    parts = [f"for {party_label(filters)}", f"departing {_day(max(start, today))} – {_day(end)}"]
    if filters.departure_city:
        parts.append(f"from {filters.departure_city}")
    if place and filters.country:
        parts.append(f"in {filters.country}")
    if place and filters.resorts:
        parts.append(f"in {len(filters.resorts)} chosen resort(s)")
    if nights := _nights(filters):
        parts.append(nights)
    if place and filters.stars_min:
        parts.append(f"{filters.stars_min}* or better")
    if filters.meal_min:
        parts.append(f"{meal_label(filters.meal_min).lower()} or better")
    if filters.price_min is not None:
        parts.append(f"from {format_amount(filters.price_min)} {filters.currency}")
    if filters.price_max is not None:
        parts.append(f"up to {format_amount(filters.price_max)} {filters.currency}")
    if filters.operators:
        parts.append("at " + ", ".join(filters.operators))
    if place and filters.hotel_name:
        parts.append(f"hotel name containing “{filters.hotel_name}”")
    return parts


def describe_search(filters: SearchFilters, today: date) -> str:
    return ", ".join(search_summary_parts(filters, today))


def _day(value: date) -> str:
    return f"{value.day} {value.strftime('%b %Y')}"
