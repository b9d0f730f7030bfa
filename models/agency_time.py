"""The agency's calendar: its local dates and days, from and to aware UTC instants.

Letters fall due, calls count for a day, and KPI months begin by the agency's clocks
(settings `agency_timezone`), not by UTC's: at 22:30 UTC it is already tomorrow in Moscow.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pydantic import ValidationInfo

from models.base import utcnow
from tourscope.foundation.settings import get_settings


def agency_today(now: datetime | None = None, zone: ZoneInfo | None = None) -> date:
    """The agency's local date at `now` (default: this instant)."""
    return (now or utcnow()).astimezone(zone or get_settings().agency_zone).date()


def validation_today(info: ValidationInfo) -> date:
    """The day a form or query is validated against: the agency's today, unless the caller
    validates as of another day (`context={"today": day}`, as the demo seeds its past)."""
    context = info.context or {}
    return context.get("today") or agency_today()


def agency_midnight(day: date) -> datetime:
    """The UTC instant when `day` begins on the agency's clocks."""
    return datetime.combine(day, time(), get_settings().agency_zone).astimezone(UTC)


def agency_day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC instants of the agency's local midnight starting `day` and the next one.

    Built with the zone's own offsets, so a day of a daylight-saving change is 23 or 25
    hours long, as it is on the agency's clocks.
    """
    return agency_midnight(day), agency_midnight(day + timedelta(days=1))
