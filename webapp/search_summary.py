"""A search in a few words a visitor reads at a glance, for every page that shows one."""

from datetime import date

from models.catalog.search_filters import SearchFilters
from tourscope.foundation.formatting import format_day, format_money
from tourscope.foundation.i18n import gettext as _
from tourscope.foundation.i18n import ngettext
from webapp.templating import meal_label


def party_label(filters: SearchFilters) -> str:
    """ "2 adults + 1 child + 1 infant" / "2 взрослых + 1 ребёнок + 1 младенец"."""
    party = ngettext("%(num)d adult", "%(num)d adults", filters.adults) % {"num": filters.adults}
    if filters.children:
        count = filters.children
        party += " + " + ngettext("%(num)d child", "%(num)d children", count) % {"num": count}
    if filters.infants:
        count = filters.infants
        party += " + " + ngettext("%(num)d infant", "%(num)d infants", count) % {"num": count}
    return party


def _nights(filters: SearchFilters) -> str | None:
    low, high = filters.nights_min, filters.nights_max
    if low and high:
        if low == high:
            return ngettext("%(num)d night", "%(num)d nights", low) % {"num": low}
        return ngettext("%(low)d–%(num)d night", "%(low)d–%(num)d nights", high) % {
            "low": low,
            "num": high,
        }
    if low:
        return ngettext("at least %(num)d night", "at least %(num)d nights", low) % {"num": low}
    if high:
        return ngettext("at most %(num)d night", "at most %(num)d nights", high) % {"num": high}
    return None


def search_summary_parts(
    filters: SearchFilters, today: date, *, place: bool = True, country_name: str | None = None
) -> list[str]:
    """The search's pieces; `place=False` leaves out where and which hotel (a hotel page);
    `country_name` names the searched country in the reader's language (else its code)."""
    start, end = filters.departure_window(today)
    parts = [
        _("for %(party)s") % {"party": party_label(filters)},
        _("departing %(start)s – %(end)s")
        % {"start": format_day(max(start, today)), "end": format_day(end)},
    ]
    if filters.departure_city:
        parts.append(_("from %(city)s") % {"city": filters.departure_city})
    if place and filters.country:
        parts.append(_("in %(country)s") % {"country": country_name or filters.country})
    if place and filters.resorts:
        count = len(filters.resorts)
        parts.append(
            ngettext("in %(num)d chosen resort", "in %(num)d chosen resorts", count)
            % {"num": count}
        )
    if nights := _nights(filters):
        parts.append(nights)
    if place and filters.stars_min:
        parts.append(_("%(stars)d* or better") % {"stars": filters.stars_min})
    if filters.meal_min:
        parts.append(_("%(meal)s or better") % {"meal": meal_label(filters.meal_min).lower()})
    if filters.price_min is not None:
        price = format_money(filters.price_min, filters.currency)
        parts.append(_("from %(price)s") % {"price": price})
    if filters.price_max is not None:
        price = format_money(filters.price_max, filters.currency)
        parts.append(_("up to %(price)s") % {"price": price})
    if filters.operators:
        parts.append(_("at %(operator)s") % {"operator": ", ".join(filters.operators)})
    if place and filters.hotel_name:
        parts.append(_("hotel name containing “%(name)s”") % {"name": filters.hotel_name})
    return parts


def describe_search(filters: SearchFilters, today: date, *, country_name: str | None = None) -> str:
    return ", ".join(search_summary_parts(filters, today, country_name=country_name))
