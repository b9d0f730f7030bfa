"""The client profile form: what it posts read into `ClientDetails`, each refusal worded
beside its field, and a client's record as the form's fields to edit it.

The form posts the children as `child_name`/`child_birth` pairs and each preference kind
as ticked `pref_<kind>` values plus a free-text `pref_<kind>_other`; the profile's rules
(models/care/client_editing.py) know nothing of those names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from models.care.client_editing import PREFERENCE_NAMES, ClientDetails, preference_text
from models.care.clients import Client, PreferenceKind
from tourscope.foundation.settings import get_settings
from webapp.error_text import BACK_OFFICE_FORM, readable_error

FIELD_LABELS = {
    "name": "Name",
    "email": "E-mail",
    "phone": "Phone",
    "preferred_channel": "Preferred channel",
    "contact_time": "Contact time",
    "adults": "Adults",
    "children": "Children",
    "budget_band": "Budget",
    "notes": "Notes",
    "manager_id": "Manager",
    "language": "Language",
    "preferences": "Preferences",
    **{f"pref_{kind.value}": label for kind, label in PREFERENCE_NAMES.items()},
}
# The party's adults are a whole number with a default: whatever is wrong with the typed
# number (not one, too few, too many), the manager reads the one rule.
ADULTS_REASON = "a party has 1 to 20 adults"


def read_client_form(
    fields: Mapping[str, Sequence[str]], today: date | None = None
) -> ClientDetails:
    """The profile as an HTML form posts it (each name with its list of values): the
    children as `child_name`/`child_birth` pairs, each preference kind as ticked
    `pref_<kind>` values plus `pref_<kind>_other`, comma-separated ("dog: Rex" for a
    pet). Raises pydantic's ValidationError; `form_errors` words it."""

    def one(name: str) -> str:
        values = fields.get(name) or [""]
        return values[0]

    children = []
    names, births = list(fields.get("child_name", [])), list(fields.get("child_birth", []))
    for index in range(max(len(names), len(births))):
        name = names[index].strip() if index < len(names) else ""
        birth = births[index].strip() if index < len(births) else ""
        if name or birth:
            children.append({"name": name, **({"birth_date": birth} if birth else {})})
    preferences: dict[str, list[dict[str, str | None]]] = {}
    for kind in PreferenceKind:
        ticked = fields.get(f"pref_{kind}", [])
        typed = [*ticked, *split_values(one(f"pref_{kind}_other"))]
        entries = [_entry(kind, text) for text in typed if text.strip()]
        if entries:
            preferences[kind.value] = entries
    data = {
        name: one(name)
        for name in (
            "name",
            "email",
            "phone",
            "preferred_channel",
            "contact_time",
            "adults",
            "budget_band",
            "notes",
            "manager_id",
            "language",
        )
    }
    data["adults"] = data["adults"] or "2"
    data["do_not_call"] = one("do_not_call") in ("on", "1", "true", "yes")
    return ClientDetails.model_validate(
        {**data, "children": children, "preferences": preferences},
        context={"today": today},
    )


def split_values(text: str) -> list[str]:
    """ "Turkey, Egypt" or one value a line, as a list of values."""
    return [part.strip() for part in re.split(r"[,;\n]", text) if part.strip()]


def _entry(kind: PreferenceKind, text: str) -> dict[str, str | None]:
    if kind is PreferenceKind.PET and ":" in text:
        animal, name = text.split(":", 1)
        return {"value": animal.strip(), "detail": name.strip() or None}
    return {"value": text.strip(), "detail": None}


def _error_text(error: ErrorDetails) -> tuple[str, str]:
    """(form field, "Label: reason") for one pydantic error, in the manager's words."""
    loc = [str(part) for part in error["loc"]]
    field = loc[0] if loc else ""
    reason = ADULTS_REASON if field == "adults" else readable_error(error, BACK_OFFICE_FORM)
    label = FIELD_LABELS.get(field, field)
    if field == "children" and len(loc) > 2 and loc[1].isdigit():
        label = f"Child {int(loc[1]) + 1}"
        if error["type"] != "value_error":
            label += " name" if loc[2] == "name" else " birth date"
    elif field == "preferences" and len(loc) > 1:
        field = f"pref_{loc[1]}"
        label = FIELD_LABELS.get(field, field)
    return field, f"{label}: {reason}"


def form_errors(error: ValidationError) -> dict[str, str]:
    """One readable message per form field (the first problem found in it)."""
    messages: dict[str, str] = {}
    for item in error.errors():
        field, text = _error_text(item)
        messages.setdefault(field, text)
    return messages


def client_fields(
    client: Client, offered: Mapping[PreferenceKind, Sequence[str]] | None = None
) -> dict[str, list[str]]:
    """The client as the HTML form posts it, to fill the edit form: a preference among
    the `offered` values of its kind is ticked, any other is in the kind's free text."""
    fields: dict[str, list[str]] = {
        "name": [client.name],
        "email": [client.email or ""],
        "phone": [client.phone or ""],
        "preferred_channel": [client.preferred_channel or ""],
        "contact_time": [client.contact_time or ""],
        "adults": [str(client.adults)],
        "budget_band": [client.budget_band or ""],
        "notes": [client.notes or ""],
        "manager_id": [str(client.manager_id or "")],
        "language": [client.language or get_settings().default_locale],
        "do_not_call": ["on"] if client.do_not_call else [],
        "child_name": [child.name or "" for child in client.children],
        "child_birth": [child.birth_date.isoformat() for child in client.children],
    }
    for kind in PreferenceKind:
        ticks = {value.casefold(): value for value in (offered or {}).get(kind, ())}
        ticked, other = [], []
        for preference in client.preferences:
            if preference.kind != kind:
                continue
            if not preference.detail and preference.value.casefold() in ticks:
                ticked.append(ticks[preference.value.casefold()])
            else:
                other.append(preference_text(preference))
        fields[f"pref_{kind}"] = ticked
        fields[f"pref_{kind}_other"] = [", ".join(other)]
    return fields
