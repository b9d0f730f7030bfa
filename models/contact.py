"""What an e-mail address and a phone number must look like, wherever one is typed.

Accounts, client records, lead forms and price alerts all take contact data; one rule for
each keeps an address the lead form accepts from being refused when the manager copies it
into the client's record.
"""

from __future__ import annotations

import re

MAX_EMAIL = 254  # the longest address SMTP carries (RFC 5321)
# Not RFC 5322 in full: a local part and a domain with a dot and a 2+ letter ending, and
# none of the characters that would split or quote an address in a mail header.
_EMAIL = re.compile(r"[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;.]{2,}")
_PHONE = re.compile(r"\+?[\d\s().\-/]+")
MAX_PHONE_DIGITS = 15  # E.164
WEB_PHONE_DIGITS = 7  # a visitor's number, callable from the agency: area code and number
LOCAL_PHONE_DIGITS = 5  # a client's landline in a small town, typed by the manager


def is_email(text: str) -> bool:
    """Whether `text` (trimmed) is a plausible e-mail address."""
    return len(text) <= MAX_EMAIL and _EMAIL.fullmatch(text) is not None


def is_phone(text: str, min_digits: int = WEB_PHONE_DIGITS) -> bool:
    """Whether `text` (trimmed) is a phone number: digits with the usual separators, an
    optional leading +, and `min_digits` to 15 digits."""
    digits = sum(char.isdigit() for char in text)
    return _PHONE.fullmatch(text) is not None and min_digits <= digits <= MAX_PHONE_DIGITS
