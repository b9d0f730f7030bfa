"""The Jinja environment: autoescaped templates and the filters they use."""

from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from urllib.parse import urlsplit

from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from models import MealPlan
from tourscope.settings import get_settings
from webapp import csrf

WEBAPP_DIR = Path(__file__).resolve().parent
STATIC_DIR = WEBAPP_DIR / "static"


def format_amount(amount: Decimal) -> str:
    """`1234.5` -> `1 234.50`, `1234.00` -> `1 234`: space-grouped, cents only when present."""
    amount = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    return text.replace(",", " ")


def agency_time(when: datetime | str) -> str:
    """A moment as the agency's clocks show it, with the zone: "26 Nov 2026 22:05 MSK".

    Managers plan their day by the agency's clock (settings `agency_timezone`), so the
    back office shows its times that way, not in UTC.
    """
    if isinstance(when, str):  # an ISO timestamp kept in a JSON snapshot
        when = datetime.fromisoformat(when)
    local = when.astimezone(get_settings().agency_zone)
    return f"{local:%d %b %Y %H:%M} {local.tzname()}"


def meal_label(code: str) -> str:
    try:
        return MealPlan(code).label
    except ValueError:
        return code


def external_url(url: str) -> str | None:
    """The URL when it is a plain http(s) link; anything else (javascript:...) is not linked."""
    return url if urlsplit(url).scheme in {"http", "https"} else None


def coordinates(location) -> str:
    """A hotel's location as people read it: `36.88410° N, 30.70560° E`."""
    latitude, longitude = location.latitude, location.longitude
    north = "N" if latitude >= 0 else "S"
    east = "E" if longitude >= 0 else "W"
    return f"{abs(latitude):.5f}° {north}, {abs(longitude):.5f}° {east}"


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
        return "checked just now"
    if minutes < 60:
        return f"checked {minutes} min ago"
    hours = minutes // 60
    if hours < 48:
        return f"checked {hours} h ago"
    return f"checked {hours // 24} days ago"


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
    )
    env.filters["amount"] = format_amount
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
