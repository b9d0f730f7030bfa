"""The catalogs: every string the product shows has its Russian, and none is stale.

The sources are extracted afresh (as `make translations-extract` does) and compared with
the Russian catalog: a string added to a template or a message without a translation, or
a catalog not updated since, fails here with the strings named.
"""

import io
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from tourscope.foundation.i18n import TRANSLATIONS_DIR, use_locale
from tourscope.foundation.settings import PROJECT_ROOT

KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "lazy_gettext": None,
    "_l": None,
    "N_": None,
}


def source_messages() -> set[str]:
    """Every msgid in the sources, by babel.cfg's mapping (plural ones by their singular)."""
    mapping = Path(PROJECT_ROOT / "babel.cfg").read_text()
    method_map, options_map = parse_mapping_cfg(io.StringIO(mapping))
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        PROJECT_ROOT, method_map, options_map, keywords=KEYWORDS
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def catalog(locale: str):
    path = TRANSLATIONS_DIR / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as source:
        return read_po(source, locale=locale)


def test_every_shown_string_has_a_russian_translation():
    russian = catalog("ru")
    entries = {
        (message.id[0] if isinstance(message.id, tuple) else message.id): message
        for message in russian
        if message.id
    }
    sources = source_messages()

    missing = sorted(sources - entries.keys())
    assert not missing, f"not in the Russian catalog (make translations-update): {missing}"
    untranslated = sorted(
        key
        for key in sources
        if not all(
            entries[key].string if isinstance(entries[key].string, tuple) else [entries[key].string]
        )
        or entries[key].fuzzy
    )
    assert not untranslated, f"without a Russian translation: {untranslated}"
    stale = sorted(entries.keys() - sources)
    assert not stale, f"in the catalog but in no source (make translations-update): {stale}"


def test_russian_plurals_have_their_three_forms():
    from tourscope.foundation.i18n import ngettext

    with use_locale("ru"):
        nights = [
            ngettext("%(num)d night", "%(num)d nights", n) % {"num": n} for n in (1, 2, 5, 21)
        ]
    assert nights == ["1 ночь", "2 ночи", "5 ночей", "21 ночь"]
