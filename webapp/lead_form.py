"""The lead form: its fields, their limits, and the validation of what a visitor sends.

Every field has a size limit; a rejected submission is shown back with what the visitor
typed and one message per field. The honeypot is an input people never see (hidden by
CSS, skipped by the tab key): a robot that fills it is refused without a word.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from models.contact import is_email, is_phone
from models.leads.intake import LeadContact
from models.leads.scoring import scoring_rules
from tourscope.foundation.i18n import N_
from tourscope.foundation.i18n import gettext as _
from tourscope.foundation.i18n import lazy_gettext as _l
from webapp.deps import parse_id

HONEYPOT = "website"
# The raw request is refused above this size: no field needs more.
MAX_BODY_BYTES = 64 * 1024
MAX_FIELDS = 40
LIMITS = {
    "name": 100,
    "phone": 40,
    "email": 254,
    "contact_time": 20,
    "wishes": 2000,
    "search_query": 2000,
    "offer_id": 12,
}
# Kept on the lead in English (the back office translates them where it shows them).
CONTACT_TIMES = {
    "": N_("Any time"),
    "morning": N_("Morning (9:00–12:00)"),
    "afternoon": N_("Afternoon (12:00–17:00)"),
    "evening": N_("Evening (17:00–21:00)"),
}
LABELS = {
    "name": _l("Your name"),
    "phone": _l("Phone"),
    "email": _l("E-mail"),
    "contact": _l("Phone or e-mail"),
    "contact_time": _l("When to call"),
    "wishes": _l("Your wishes"),
    "extras": _l("Extra services"),
    "consent": _l("Consent"),
    "form": _l("The form"),
}


@dataclass
class LeadFormInput:
    """The form as typed (strings, kept for showing back) and its validation result."""

    values: dict[str, str] = field(default_factory=dict)
    extras: list[str] = field(default_factory=list)
    consent: bool = False
    honeypot: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    def contact(self) -> LeadContact:
        """The validated contact; only after `validate` found no error."""
        values = self.values
        return LeadContact(
            name=values["name"],
            phone=values["phone"] or None,
            email=values["email"].lower() or None,
            contact_time=CONTACT_TIMES.get(values["contact_time"])
            if values["contact_time"]
            else None,
            wishes=values["wishes"] or None,
            extras=self.extras,
            consent=self.consent,
        )


def read_form(form) -> LeadFormInput:
    """What the visitor sent, trimmed, as typed; `form` is Starlette's FormData."""
    values = {
        name: str(form.get(name) or "").strip()
        for name in ("name", "phone", "email", "contact_time", "wishes", "offer_id", "search_query")
    }
    return LeadFormInput(
        values=values,
        extras=[str(code) for code in form.getlist("extras")][:50],
        consent=form.get("consent") in {"yes", "on", "true", "1"},
        honeypot=str(form.get(HONEYPOT) or ""),
    )


def validate(data: LeadFormInput) -> dict[str, str]:
    """One readable message per field in error (also stored on `data.errors`)."""
    values, errors = data.values, {}
    for name, limit in LIMITS.items():
        if len(values.get(name, "")) > limit:
            errors[name] = _("Use at most %(limit)d characters (you typed %(typed)d).") % {
                "limit": limit,
                "typed": len(values[name]),
            }
    if "name" not in errors:
        if not values["name"]:
            errors["name"] = _("Tell us your name, so the manager knows whom to ask for.")
        elif not values["name"].isprintable():
            errors["name"] = _("Use letters, spaces and punctuation only.")
    phone, email = values["phone"], values["email"]
    if "phone" not in errors and phone and not is_phone(phone):
        errors["phone"] = _("Enter a phone number with 7 to 15 digits, such as +44 20 7946 0958.")
    if "email" not in errors and email and not is_email(email):
        errors["email"] = _("Enter an e-mail address such as name@example.com.")
    if not phone and not email:
        errors["contact"] = _(
            "Give a phone number or an e-mail address (or both), so we can reach you."
        )
    if values["contact_time"] not in CONTACT_TIMES and "contact_time" not in errors:
        errors["contact_time"] = _("Pick one of the listed times.")
    if "wishes" not in errors and values["wishes"] and not _printable_text(values["wishes"]):
        errors["wishes"] = _("Use letters, digits, punctuation and line breaks only.")
    known = scoring_rules().extras
    if any(code not in known for code in data.extras) or len(set(data.extras)) > len(known):
        errors["extras"] = _("Pick among the listed services.")
    data.extras = list(dict.fromkeys(code for code in data.extras if code in known))
    if not data.consent:
        errors["consent"] = _(
            "Tick the box to let a manager contact you: we call only with your consent."
        )
    offer_id = values["offer_id"]
    if offer_id and "offer_id" not in errors and parse_id(offer_id) is None:
        errors["offer_id"] = _("The offer is not one of ours; go back to the hotel page.")
    data.errors = errors
    return errors


def _printable_text(text: str) -> bool:
    return all(ch.isprintable() or ch in "\r\n\t" for ch in text)
