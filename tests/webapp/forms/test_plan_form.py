"""The planner's form: five typed figures read into the plan's inputs, every bad one named
with its reason."""

import pytest

from webapp.forms.plan_form import PlanInputError, default_plan_values, parse_plan_input


@pytest.mark.parametrize(
    ("field", "typed", "reason"),
    [
        ("population", "-5", "must be at least 1"),
        ("population", "1.5", "enter a whole number"),
        ("population", "", "enter a number"),
        ("buying_share", "150", "must be at most 100"),
        ("buying_share", "abc", "'abc' is not a number"),
        ("buying_share", "NaN", "is not a number"),
        ("average_price", "0", "must be more than 0"),
        ("target_share", "1e400", "must be at most 100"),
        ("purchases_per_client", "0.5", "must be at least 1"),
    ],
)
def test_bad_inputs_give_a_reason_per_field(field, typed, reason):
    with pytest.raises(PlanInputError) as refused:
        parse_plan_input({**default_plan_values(), field: typed})
    assert list(refused.value.errors) == [field]
    assert reason in refused.value.errors[field]


def test_every_bad_field_is_named_at_once():
    with pytest.raises(PlanInputError) as refused:
        parse_plan_input({"population": "x", "buying_share": "-1"})
    assert set(refused.value.errors) == {
        "population",
        "buying_share",
        "average_price",
        "target_share",
        "purchases_per_client",
    }
