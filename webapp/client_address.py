"""The client's address, as every per-address limit counts it.

`request.client` is the peer of the connection, or, only when that peer is one of the
configured proxies (`TOURSCOPE_TRUSTED_PROXIES`), the address it forwards in
X-Forwarded-For (webapp/main.py installs the proxy-headers middleware for them; `tourscope
serve` turns uvicorn's own, which trusts 127.0.0.1 by default, off). Anyone else's
X-Forwarded-For is ignored, so no client can pick the address it is counted under.
"""

import hashlib
import hmac

from starlette.requests import Request

from tourscope.foundation.settings import get_settings


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def client_key(request: Request, purpose: str) -> str:
    """A keyed hash of the client's address for one use: enough to count, useless to
    anyone else (the database never holds the address itself)."""
    secret = get_settings().secret_key.get_secret_value().encode()
    message = f"{purpose}:{client_address(request)}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:32]
