"""The one signer of the links we e-mail: an HMAC-SHA256 keyed per use.

Each use (feedback links, price-alert confirmations, unsubscribe links...) names its own
purpose; the key is derived from the secret key and that purpose, so a signature made for
one use is never valid for another (nor a CSRF token or session id). Signatures are
URL-safe base64 without padding.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from tourscope.foundation.settings import get_settings


def sign(purpose: bytes, message: str) -> str:
    """The signature of `message` for `purpose`."""
    secret = get_settings().secret_key.get_secret_value().encode()
    key = hmac.new(secret, purpose, hashlib.sha256).digest()
    digest = hmac.new(key, message.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def signature_holds(purpose: bytes, message: str, signature: str) -> bool:
    """Whether `signature` is the signature of `message` for `purpose` (constant time)."""
    return hmac.compare_digest(sign(purpose, message), signature)
