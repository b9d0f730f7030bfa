"""Making and finding client records; callers own the transaction (these flush only)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.clients import Client, ClientPreference, PreferenceKind
from models.leads import Lead
from models.users import User


def _lead_adults(lead: Lead) -> int:
    adults = (lead.snapshot or {}).get("adults")
    return adults if isinstance(adults, int) and 1 <= adults <= 20 else 2


def client_for_lead(session: Session, lead: Lead, actor: User | None = None) -> Client:
    """The lead's client: the one already linked, else the one with the lead's e-mail,
    else a new record from what the visitor typed and the offer they asked about.

    A new client belongs to the lead's manager (or `actor`), and starts with the lead's
    country and resort as wishes, so the contact centre does not type them again.
    """
    if lead.client is not None:
        return lead.client
    email = (lead.email or "").strip().lower() or None
    client = None
    if email:
        client = session.scalars(
            select(Client).where(func.lower(Client.email) == email).order_by(Client.id).limit(1)
        ).first()
    if client is None:
        snapshot = lead.snapshot or {}
        client = Client(
            name=lead.name,
            email=email,
            phone=lead.phone,
            contact_time=lead.contact_time,
            adults=_lead_adults(lead),
            notes=lead.wishes,
            manager=lead.assigned_to or actor,
        )
        for kind, key in ((PreferenceKind.COUNTRY, "country"), (PreferenceKind.RESORT, "resort")):
            if snapshot.get(key):
                client.preferences.append(
                    ClientPreference(kind=kind.value, value=str(snapshot[key])[:100])
                )
        session.add(client)
    lead.client = client
    session.flush()
    return client
