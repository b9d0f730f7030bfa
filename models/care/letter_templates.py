"""Pre-trip letters' templates: per key and language, the admin's edit or the default file,
rendered in a sandbox with limits.

A letter's template (subject and body, Jinja) exists in each language: the admin's edit
if there is one (`LetterTemplate`, per key and language), else the default file
tourscope/config/letters/<language>/<key>.txt (first line "Subject: ...", then the body).
Admins write these templates, so they are rendered in a sandbox with a time and a size
limit, and every variable must exist (StrictUndefined): a template that names an unknown
variable is refused when saved, not discovered in a client's mail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from string import Formatter
from typing import Any

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError, meta
from jinja2.filters import do_center, do_format, do_indent
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.accounts.users import User
from models.base import utcnow
from models.care.bounded_render import (
    OutputTooLong,
    RenderTimedOut,
    render_streamed,
    run_with_deadline,
)
from models.care.letter_checklists import sample_context
from models.care.trips import LetterTemplate
from tourscope.foundation.i18n import LOCALES, N_, SOURCE_LOCALE
from tourscope.foundation.settings import CONFIG_DIR, get_settings

TEMPLATES_DIR = CONFIG_DIR / "letters"  # one folder per language
# The file used for an offset that has no default of its own (a key added in settings).
FALLBACK_KEY = "default"
MAX_SUBJECT_LENGTH = 300
MAX_BODY_LENGTH = 20_000  # of the template as typed, and of the letter it renders
# The variables a template may use, as the template editor documents them (in the
# admin's language: N_ marks them for the catalog).
VARIABLES = {
    "client": N_(
        "name, first_name, email, adults, children (each: name, age at departure), "
        "preferences (by kind: country, resort, hotel_style, meal, dietary, habit, pet, need), "
        "pets (each: animal, name)"
    ),
    "trip": N_(
        "hotel, operator, destination, departure, return (dates as text), nights (a number), "
        'nights_text ("7 nights"), party ("2 adults + 1 child"), price (the number as text), '
        'currency, total (price with currency: "€2,400"), extras (as text)'
    ),
    "manager": N_("name, email"),
    "days_to_departure": N_("days from today to the departure date (a number)"),
    "days_to_departure_text": N_('the same in words: "14 days"'),
    "letter": N_('key ("2w") and label ("2-week letter")'),
    "checklist": N_("the items to prepare, built from the client's needs (a list of text)"),
}


class LetterError(ValueError):
    """The letter or template cannot be sent or saved so; the message says why."""


class LetterTextError(LetterError):
    """The subject or body the manager typed cannot be sent; they may correct it.
    `field` ("subject" or "body") names the one to correct."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class TemplateText:
    key: str
    language: str
    subject: str
    body: str
    edited: bool  # the admin's version (else the default file)


# --- templates ---------------------------------------------------------------------------

# The longest text or list a template may build by multiplying (`"-" * 40`), and the largest
# power: enough for a ruler line, never enough to exhaust the server's memory.
MAX_REPEAT = 1000
MAX_POWER_BITS = 256


class LetterEnvironment(SandboxedEnvironment):
    """The sandbox, also refusing the two operators that can build huge values."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context, operator: str, left: Any, right: Any) -> Any:
        if (
            operator == "**"
            and isinstance(left, int | float)
            and isinstance(right, int | float)
            and max(abs(int(left)).bit_length(), 1) * abs(right) > MAX_POWER_BITS
        ):
            raise SecurityError("numbers this large are not allowed")
        if operator == "*":
            sizes = [
                (len(value), count)
                for value, count in ((left, right), (right, left))
                if isinstance(value, str | list | tuple) and isinstance(count, int)
            ]
            if any(size * count > MAX_REPEAT for size, count in sizes):
                raise SecurityError(f"texts longer than {MAX_REPEAT} characters are not allowed")
        return super().call_binop(context, operator, left, right)

    def wrap_str_format(self, value: Any) -> Any:
        # "{:>100000000}".format(x): a field width pads in one C call, past any time limit.
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None

        def bounded(*args: Any, **kwargs: Any) -> str:
            _refuse_wide_fields(value.__self__)
            return wrapped(*args, **kwargs)

        return bounded


# A width or precision in a format: "%100000000s", "{:>100000000}".
_PERCENT_FIELD = re.compile(r"%[-+ #0]*(\d*)(?:\.(\d*))?")
_NUMBER = re.compile(r"\d+")


def _refuse_wide_fields(text: str) -> None:
    """SecurityError when a format in `text` pads or cuts a field wider than MAX_REPEAT."""
    numbers = [n for match in _PERCENT_FIELD.finditer(text) for n in match.groups() if n]
    try:
        specs = [spec for _l, _f, spec, _c in Formatter().parse(text) if spec]
    except ValueError:  # not a {}-format: str.format refuses it on its own
        specs = []
    numbers += [n for spec in specs for n in _NUMBER.findall(spec)]
    if any(int(number) > MAX_REPEAT for number in numbers):
        raise SecurityError(f"texts longer than {MAX_REPEAT} characters are not allowed")


def _bounded_width(width: Any) -> None:
    if isinstance(width, int) and width > MAX_REPEAT:
        raise SecurityError(f"texts longer than {MAX_REPEAT} characters are not allowed")


def _center(value: str, width: int = 80) -> str:
    _bounded_width(width)
    return do_center(value, width)


def _indent(value: str, width: int | str = 4, first: bool = False, blank: bool = False) -> str:
    _bounded_width(width)
    if isinstance(width, str):
        _bounded_width(len(width))
    return do_indent(value, width, first, blank)


def _format(value: str, *args: Any, **kwargs: Any) -> str:
    _refuse_wide_fields(value)
    return do_format(value, *args, **kwargs)


_environment = LetterEnvironment(
    undefined=StrictUndefined, autoescape=False, trim_blocks=True, lstrip_blocks=True
)
# The padding filters build their text in one call, which no time limit interrupts.
_environment.filters.update(center=_center, indent=_indent, format=_format)


def _default_file(key: str, language: str) -> Path:
    """The language's file of `key`, else its fallback file; a language without letter
    files yet (just added) borrows the source language's."""
    for folder in (TEMPLATES_DIR / language, TEMPLATES_DIR / SOURCE_LOCALE):
        for name in (key, FALLBACK_KEY):
            path = folder / f"{name}.txt"
            if path.is_file():
                return path
    raise FileNotFoundError(f"no letter file for {key!r} in {TEMPLATES_DIR}")


def default_template(key: str, language: str) -> TemplateText:
    """The default file of a key in a language: "Subject: ..." then the body."""
    text = _default_file(key, language).read_text(encoding="utf-8")
    first, _newline, body = text.partition("\n")
    subject = first.removeprefix("Subject:").strip()
    return TemplateText(key, language, subject, body.lstrip("\n"), edited=False)


def template_keys(session: Session) -> list[str]:
    """The keys an admin may edit: the configured offsets, then any other edited key."""
    keys = list(get_settings().reminder_offsets)
    edited = session.scalars(
        select(LetterTemplate.key).distinct().order_by(LetterTemplate.key)
    ).all()
    return keys + [key for key in edited if key not in keys]


def _edited_row(session: Session, key: str, language: str) -> LetterTemplate | None:
    return session.scalars(
        select(LetterTemplate).where(LetterTemplate.key == key, LetterTemplate.language == language)
    ).one_or_none()


def template_for(session: Session, key: str, language: str) -> TemplateText:
    """The template used for `key` in `language`: the admin's edit, else the default file."""
    row = _edited_row(session, key, language)
    if row is None:
        return default_template(key, language)
    return TemplateText(key, language, row.subject, row.body, edited=True)


def _parse(source: str, what: str):
    try:
        return _environment.parse(source)
    except TemplateSyntaxError as error:
        raise LetterError(
            f"the {what} has a template syntax error on line {error.lineno}: {error.message}"
        ) from None


# A letter renders in well under a second; a template still rendering after this long (a
# loop of loops) is refused, and so is one whose text passes MAX_BODY_LENGTH on the way.
RENDER_SECONDS = 2.0


def render_template(subject: str, body: str, context: dict[str, Any]) -> tuple[str, str]:
    """(subject, body) rendered in the sandbox, in a worker thread with a time and a size
    limit (models/care/bounded_render.py); LetterError saying what failed."""

    def render_both() -> tuple[str, str]:
        return (
            render_streamed(_environment.from_string(subject), context, MAX_BODY_LENGTH),
            render_streamed(_environment.from_string(body), context, MAX_BODY_LENGTH),
        )

    try:
        rendered_subject, rendered_body = run_with_deadline(render_both, RENDER_SECONDS)
    except RenderTimedOut:
        raise LetterError(
            f"the template takes longer than {RENDER_SECONDS:g} seconds to render"
        ) from None
    except (OutputTooLong, MemoryError):
        raise LetterError(
            f"the letter comes out longer than {MAX_BODY_LENGTH} characters"
        ) from None
    except TemplateSyntaxError as error:
        raise LetterError(
            f"template syntax error on line {error.lineno}: {error.message}"
        ) from None
    except UndefinedError as error:
        raise LetterError(f"the template uses something that does not exist: {error}") from None
    except SecurityError as error:
        raise LetterError(f"the template tries something not allowed: {error}") from None
    except (TemplateError, ArithmeticError, TypeError, ValueError, LookupError) as error:
        raise LetterError(f"the template fails: {error}") from None
    rendered_subject = " ".join(rendered_subject.split())[:MAX_SUBJECT_LENGTH]
    if not rendered_subject:
        raise LetterError("the subject comes out empty")
    if len(rendered_body) > MAX_BODY_LENGTH:
        raise LetterError(f"the letter comes out longer than {MAX_BODY_LENGTH} characters")
    return rendered_subject, rendered_body.strip() + "\n"


def validate_template(subject: str, body: str, language: str) -> None:
    """LetterError with one readable sentence for a template that would fail: empty or too
    long, a syntax error, an unknown variable, or a failure on the sample client's data
    (written to in `language`)."""
    if not subject.strip():
        raise LetterError("the subject is empty")
    if len(subject) > MAX_SUBJECT_LENGTH:
        raise LetterError(f"the subject must be at most {MAX_SUBJECT_LENGTH} characters")
    if not body.strip():
        raise LetterError("the body is empty")
    if len(body) > MAX_BODY_LENGTH:
        raise LetterError(f"the body must be at most {MAX_BODY_LENGTH} characters")
    allowed = set(VARIABLES) | set(_environment.globals)
    for source, what in ((subject, "subject"), (body, "body")):
        unknown = sorted(meta.find_undeclared_variables(_parse(source, what)) - allowed)
        if unknown:
            raise LetterError(f"unknown template variable {unknown[0]!r} in the {what}")
    render_template(subject, body, sample_context(language=language))


def save_template(
    session: Session, key: str, subject: str, body: str, actor: User, *, language: str
) -> LetterTemplate:
    """Store the admin's version of a template in one language, once it renders; the old
    one is kept when the new one is refused, and the other languages' are untouched."""
    if key not in template_keys(session):
        raise LetterError(f"there is no letter {key[:20]!r}")
    if language not in LOCALES:
        raise LetterError(f"there are no letters in {language[:10]!r}")
    validate_template(subject, body, language)
    row = _edited_row(session, key, language)
    if row is None:
        row = LetterTemplate(key=key, language=language)
        session.add(row)
    row.subject = subject.strip()
    row.body = body
    row.updated_at = utcnow()
    row.updated_by = actor
    session.flush()
    return row


def reset_template(session: Session, key: str, *, language: str) -> bool:
    """Back to the language's default file; False when that template was not edited."""
    row = _edited_row(session, key, language)
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True
