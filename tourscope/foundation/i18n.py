"""The product's languages: gettext catalogs (Babel) and the locale of the work at hand.

One catalog domain, `messages`, in tourscope/translations/<locale>/LC_MESSAGES/, holds the
web pages, the back office and the letters' checklists. The `.po` files are the source:
a catalog is read from its `.mo` when that is at least as new as the `.po` (a packaged
release), else compiled from the `.po` in memory, so a fresh clone needs no build step and
an edited `.po` is never shadowed by an old `.mo`.

The locale is a context variable: the web app sets it per request (webapp/locale.py), a
letter sets it to its client's language (`use_locale`); `gettext` and the formatting
functions (tourscope/foundation/formatting.py) read it. Unset, it is the setting `default_locale`.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import LazyProxy, NullTranslations, Translations

from tourscope.foundation.settings import get_settings

TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"
DOMAIN = "messages"
# The languages the product speaks, each named in itself (the language switcher's labels).
LOCALES = {"ru": "Русский", "en": "English"}
# The language the source strings are written in: it needs no catalog to be complete.
SOURCE_LOCALE = "en"

_current: ContextVar[str | None] = ContextVar("tourscope_locale", default=None)


def current_locale() -> str:
    return _current.get() or get_settings().default_locale


def set_locale(locale: str):
    """Make `locale` current for this context; returns the token to `reset_locale` with."""
    if locale not in LOCALES:
        raise ValueError(f"unsupported locale {locale!r}")
    return _current.set(locale)


def reset_locale(token) -> None:
    _current.reset(token)


@contextmanager
def use_locale(locale: str) -> Iterator[None]:
    """Work in `locale` for a while (a letter in its client's language)."""
    token = set_locale(locale)
    try:
        yield
    finally:
        reset_locale(token)


@cache
def translations(locale: str) -> NullTranslations:
    """The catalog of `locale`, loaded once per process."""
    folder = TRANSLATIONS_DIR / locale / "LC_MESSAGES"
    po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    if not po.is_file():
        return NullTranslations()
    if mo.is_file() and mo.stat().st_mtime >= po.stat().st_mtime:
        return Translations(mo.open("rb"), domain=DOMAIN)
    with po.open("rb") as source:
        catalog = read_po(source, locale=locale)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def gettext(message: str) -> str:
    return translations(current_locale()).ugettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form for `count` in the current language (Russian has three: 1 ночь, 2 ночи,
    5 ночей); the caller formats the number in."""
    return translations(current_locale()).ungettext(singular, plural, count)


def lazy_gettext(message: str) -> LazyProxy:
    """A message translated when it is shown, not when the module is imported: for
    labels and errors kept in module-level tables."""
    return LazyProxy(gettext, message, enable_cache=False)


_ = gettext


def N_(message: str) -> str:
    """Marks a string for the catalog, left untranslated here: translated where it is
    shown, in the reader's language (the meal plans' labels, kept in models)."""
    return message


def extract_yaml_labels(fileobj, keywords, comment_tags, options):
    """A Babel extractor (babel.cfg) for configuration files written in English: every
    value of a `label` key is a message shown to users (tourscope/config/lead_scoring.yaml's
    extras), translated with `gettext` where it is shown."""
    import yaml

    def walk(node):
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == "label" and isinstance(value, yaml.ScalarNode):
                    yield value.start_mark.line + 1, "gettext", value.value, []
                else:
                    yield from walk(value)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                yield from walk(item)

    root = yaml.compose(fileobj.read().decode(options.get("encoding", "utf-8")))
    if root is not None:
        yield from walk(root)
