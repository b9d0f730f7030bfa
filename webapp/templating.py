"""The Jinja environment: autoescaped templates and the filters they use."""

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from urllib.parse import urlsplit

from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from models import MealPlan

WEBAPP_DIR = Path(__file__).resolve().parent
STATIC_DIR = WEBAPP_DIR / "static"

MEAL_LABELS = {
    MealPlan.RO: "Room only",
    MealPlan.BB: "Bed & breakfast",
    MealPlan.HB: "Half board",
    MealPlan.FB: "Full board",
    MealPlan.AI: "All inclusive",
    MealPlan.UAI: "Ultra all inclusive",
}


def format_amount(amount: Decimal) -> str:
    """`1234.5` -> `1 234.50`, `1234.00` -> `1 234`: space-grouped, cents only when present."""
    amount = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    return text.replace(",", " ")


def meal_label(code: str) -> str:
    try:
        return MEAL_LABELS[MealPlan(code)]
    except ValueError:
        return code


def external_url(url: str) -> str | None:
    """The URL when it is a plain http(s) link; anything else (javascript:...) is not linked."""
    return url if urlsplit(url).scheme in {"http", "https"} else None


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
    return env


templates = Jinja2Templates(env=_environment())
