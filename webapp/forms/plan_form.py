"""The strategic planner's form: five figures typed by the owner, read into the plan's
inputs (`models.care.planner.PlanInput`), each problem one reason beside its field.

A figure may be typed with spaces or a decimal comma ("200 000", "1,3"), as people write
numbers in Russian.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from models.care.planner import REVENUE_CURRENCY, PlanInput


@dataclass(frozen=True)
class PlanField:
    label: str
    default: str
    minimum: Decimal
    maximum: Decimal
    whole: bool = False  # a whole number (people)
    above_minimum: bool = False  # the minimum itself is not allowed


PLAN_FIELDS: dict[str, PlanField] = {
    # The defaults are the owner's own figures for the agency's town.
    "population": PlanField(
        "Population of the catchment area", "200000", Decimal(1), Decimal(10**9), whole=True
    ),
    "buying_share": PlanField(
        "Share of people who buy a tour a year, %",
        "25",
        Decimal(0),
        Decimal(100),
        above_minimum=True,
    ),
    "average_price": PlanField(
        f"Average tour price, {REVENUE_CURRENCY}",
        "500",
        Decimal(0),
        Decimal(10**7),
        above_minimum=True,
    ),
    "target_share": PlanField(
        "Target market share, %", "10", Decimal(0), Decimal(100), above_minimum=True
    ),
    "purchases_per_client": PlanField(
        "Purchases per client a year", "1.3", Decimal(1), Decimal(50)
    ),
}


class PlanInputError(ValueError):
    """Planner inputs that are not numbers in range: one reason per field."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__(
            "; ".join(f"{PLAN_FIELDS[name].label}: {text}" for name, text in errors.items())
        )


def default_plan_values() -> dict[str, str]:
    return {name: field.default for name, field in PLAN_FIELDS.items()}


def _number(text: str, field: PlanField) -> tuple[Decimal | None, str | None]:
    cleaned = text.replace(" ", "").replace("\u00a0", "").replace("_", "")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")  # a decimal comma
    if not cleaned:
        return None, "enter a number"
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None, f"{text[:30]!r} is not a number"
    if not value.is_finite():
        return None, f"{text[:30]!r} is not a number"
    if field.whole and value != value.to_integral_value():
        return None, "enter a whole number"
    if value < field.minimum or (field.above_minimum and value == field.minimum):
        bound = "more than" if field.above_minimum else "at least"
        return None, f"must be {bound} {field.minimum}"
    if value > field.maximum:
        return None, f"must be at most {field.maximum}"
    return value, None


def parse_plan_input(values: dict[str, str]) -> PlanInput:
    """The planner's inputs from the form's text; PlanInputError with every reason."""
    parsed: dict[str, Decimal] = {}
    errors: dict[str, str] = {}
    for name, field in PLAN_FIELDS.items():
        value, error = _number(values.get(name, ""), field)
        if error:
            errors[name] = error
        else:
            parsed[name] = value
    if errors:
        raise PlanInputError(errors)
    return PlanInput(
        population=int(parsed["population"]),
        buying_share=parsed["buying_share"],
        average_price=parsed["average_price"],
        target_share=parsed["target_share"],
        purchases_per_client=parsed["purchases_per_client"],
    )
