"""FeedLine Holidays: one bulk gzip XML export of the whole catalogue, as big operators publish.

The export is written once per catalogue state (size, epoch, flaw) to a cache file and
served from disk with `FileResponse`, which answers HTTP Range requests with 206, so a
client can fetch a million offers in chunks. It is served as `application/gzip` (not as
a Content-Encoding), so nothing on the way decompresses it.

The file is two gzip members, which RFC 1952 allows: the root element with the offer
count (known only once every offer is written), then the offers themselves. That way
the catalogue is generated once, in one streaming pass, whatever its size.
"""

import gzip
import hashlib
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import quoteattr

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse

from sandbox.catalog import OperatorCatalog, SandboxOffer
from sandbox.profiles import FEEDLINE
from sandbox.rendering import render

PROFILE = FEEDLINE

router = APIRouter(prefix=f"/{PROFILE.code}")

# Bump when the export's shape changes, so stale cache files are never served.
EXPORT_VERSION = 1
CACHE_DIR = Path(tempfile.gettempdir()) / "tourscope-sandbox"
_SEATS = {"on_request": "request", "sold_out": "none"}
_locks: dict[Path, threading.Lock] = {}
_locks_guard = threading.Lock()


@router.get("/export/offers.xml.gz")
def export(request: Request) -> FileResponse:
    # A plain `def`: a first request may write the export, which must not block the loop.
    path = export_file(request.app.state.sandbox.catalog(PROFILE.code))
    return FileResponse(path, media_type="application/gzip", filename="offers.xml.gz")


@router.get("/offer/{key}", response_class=HTMLResponse)
def offer_page(request: Request, key: str) -> HTMLResponse:
    offer = request.app.state.sandbox.catalog(PROFILE.code).find(key)
    if offer is None:
        raise HTTPException(404, "This offer is no longer available")
    return render(request, "feedline_offer.html", offer=offer, operator=PROFILE.name)


def export_file(catalog: OperatorCatalog) -> Path:
    """The cached export of this catalogue state, written on first use."""
    world = catalog.world
    state = (
        f"v{EXPORT_VERSION}:{world.seed}:{world.anchor}:{catalog.profile.code}:"
        f"{catalog.size}:{catalog.epoch}:{catalog.flaw}"
    )
    digest = hashlib.sha256(state.encode()).hexdigest()[:16]
    path = CACHE_DIR / f"{catalog.profile.code}-{catalog.size}-{catalog.epoch}-{digest}.xml.gz"
    with _locks_guard:
        lock = _locks.setdefault(path, threading.Lock())
    with lock:
        if not path.exists():
            _write_export(catalog, path)
    return path


def _write_export(catalog: OperatorCatalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written beside the target and renamed into place, so a reader (in this process or
    # another sandbox sharing the temp dir) never sees half a file.
    fd, body_name = tempfile.mkstemp(dir=path.parent, suffix=".body.tmp")
    os.close(fd)
    fd, final_name = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    os.close(fd)
    try:
        count = 0
        with gzip.open(body_name, "wt", encoding="utf-8", compresslevel=6) as body:
            for line in _offer_lines(catalog):
                body.write(line)
                count += 1
            body.write("</offers>\n")
        generated = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        head = (
            '<?xml version="1.0" encoding="utf-8"?>\n'
            f'<offers generated="{generated}" operator="{PROFILE.code}" count="{count}">\n'
        )
        with open(final_name, "wb") as final, open(body_name, "rb") as body:
            final.write(gzip.compress(head.encode()))
            shutil.copyfileobj(body, final, 1024 * 1024)
        os.chmod(final_name, 0o644)  # mkstemp makes it private; other sandboxes may share it
        os.replace(final_name, path)
    finally:
        for name in (body_name, final_name):
            Path(name).unlink(missing_ok=True)


def _offer_lines(catalog: OperatorCatalog) -> Iterator[str]:
    """One `<offer .../>` line per offer, in catalogue order, never all at once."""
    updated = datetime.combine(catalog.world.anchor, datetime.min.time()) - timedelta(days=1)
    for offer in catalog.offers():
        attributes = _attributes(offer, updated)
        yield (
            "<offer "
            + " ".join(f"{name}={quoteattr(value)}" for name, value in attributes.items())
            + "/>\n"
        )


def _attributes(offer: SandboxOffer, updated: datetime) -> dict[str, str]:
    index = int(offer.key.removeprefix(PROFILE.key_prefix))
    hotel = offer.hotel
    attributes = {"id": offer.key, "hotel_code": offer.hotel_code}
    if offer.hotel_name is not None:
        # The profile's own spelling, and the feed's normalized one: upper case, no resort.
        attributes["hotel_name_original"] = offer.hotel_name
        attributes["hotel_name"] = hotel.name.upper()
    attributes |= {
        "stars": str(hotel.stars),
        "country": hotel.country,
        "resort": hotel.resort,
        "departure": offer.departure_city,
        "date": offer.departure_date.isoformat(),
        "nights": str(offer.nights),
        "meal": offer.meal_name,
        "room": offer.room_type,
        "adults": str(offer.adults),
        "children": str(offer.children),
    }
    if offer.price is not None:
        attributes["price"] = f"{offer.price:.2f}"
        attributes["surcharge"] = f"{offer.surcharge:.2f}"  # included in the price
    attributes["currency"] = offer.currency
    # A stop sale is a flag beside the seats; "few" seats left is still on sale.
    if offer.availability == "stop_sale":
        attributes["stop_sale"], attributes["seats"] = "1", "few"
    else:
        on_sale = "few" if index % 7 == 0 else "available"
        attributes["stop_sale"] = "0"
        attributes["seats"] = _SEATS.get(offer.availability, on_sale)
    stamp = updated + timedelta(minutes=index % (24 * 60))
    attributes["updated"] = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    return attributes
