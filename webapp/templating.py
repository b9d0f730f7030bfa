"""The Jinja environment: autoescaped, translated templates and the filters they use."""

from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from models import MealPlan
from tourscope.foundation.formatting import (
    format_calendar_day,
    format_day,
    format_moment,
    format_money,
    format_month,
    format_number,
    format_short_month,
    format_weekday,
)
from tourscope.foundation.i18n import current_locale, gettext, ngettext
from tourscope.foundation.settings import get_settings
from webapp import csrf
from webapp.locale import language_links

WEBAPP_DIR = Path(__file__).resolve().parent
STATIC_DIR = WEBAPP_DIR / "static"


def agency_time(when: datetime | str) -> str:
    """A moment as the agency's clocks show it, with the zone: "26 Nov 2026 22:05 MSK".

    Managers plan their day by the agency's clock (settings `agency_timezone`), so the
    back office shows its times that way, not in UTC.
    """
    if isinstance(when, str):  # an ISO timestamp kept in a JSON snapshot
        when = datetime.fromisoformat(when)
    return format_moment(when, get_settings().agency_zone)


def meal_label(code: str) -> str:
    """A board code in the reader's language ("AI" -> "Всё включено")."""
    try:
        return gettext(MealPlan(code).label)
    except ValueError:
        return code


def external_url(url: str) -> str | None:
    """The URL when it is a plain http(s) link; anything else (javascript:...) is not linked."""
    return url if urlsplit(url).scheme in {"http", "https"} else None


def coordinates(location) -> str:
    """A hotel's location as people read it: `36.88410° N, 30.70560° E`."""
    latitude, longitude = location.latitude, location.longitude
    north = gettext("%(degrees)s° N") if latitude >= 0 else gettext("%(degrees)s° S")
    east = gettext("%(degrees)s° E") if longitude >= 0 else gettext("%(degrees)s° W")
    return ", ".join(
        (north % {"degrees": f"{abs(latitude):.5f}"}, east % {"degrees": f"{abs(longitude):.5f}"})
    )


def openstreetmap_url(location) -> str:
    """OpenStreetMap's page with a marker at the hotel: a plain link, no map on our page."""
    latitude, longitude = f"{location.latitude:.6f}", f"{location.longitude:.6f}"
    return (
        f"https://www.openstreetmap.org/?mlat={latitude}&mlon={longitude}"
        f"#map=16/{latitude}/{longitude}"
    )


def checked_ago(when: datetime, now: datetime | None = None) -> str:
    """How fresh a price is, as a visitor reads it: `checked 2 h ago`."""
    seconds = ((now or datetime.now(UTC)) - when).total_seconds()
    minutes = int(seconds // 60)
    if minutes < 1:
        return gettext("checked just now")
    if minutes < 60:
        return gettext("checked %(minutes)d min ago") % {"minutes": minutes}
    hours = minutes // 60
    if hours < 48:
        return gettext("checked %(hours)d h ago") % {"hours": hours}
    days = hours // 24
    return ngettext("checked %(days)d day ago", "checked %(days)d days ago", days) % {"days": days}


def csrf_field(request) -> Markup:
    return Markup('<input type="hidden" name="{}" value="{}">').format(
        csrf.FIELD, csrf.token_for(request)
    )


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(WEBAPP_DIR / "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    # `_()`, `ngettext()` and `{% trans %}` in every template, in the request's locale
    # (webapp/locale.py sets it); newstyle: autoescaped, with %(name)s placeholders.
    env.install_gettext_callables(gettext, ngettext, newstyle=True)
    env.policies["ext.i18n.trimmed"] = True  # `{% trans %}` blocks wrap like prose
    env.filters["money"] = format_money
    env.filters["number"] = format_number
    env.filters["day"] = format_day
    env.filters["month"] = format_month
    env.filters["short_month"] = format_short_month
    env.filters["weekday"] = format_weekday
    env.filters["calendar_day"] = format_calendar_day
    env.globals["current_locale"] = current_locale
    env.globals["language_links"] = language_links
    env.filters["meal_label"] = meal_label
    env.filters["external_url"] = external_url
    env.filters["checked_ago"] = checked_ago
    env.filters["coordinates"] = coordinates
    env.filters["openstreetmap_url"] = openstreetmap_url
    env.tests["http_url"] = lambda url: external_url(url) is not None
    env.filters["agency_time"] = agency_time
    # `{{ csrf_field(request) }}` in every POST form (webapp/csrf.py).
    env.globals["csrf_field"] = csrf_field
    return env


templates = Jinja2Templates(env=_environment())
