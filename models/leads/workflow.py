"""What a manager may do to a lead, each change recorded as a LeadEvent with who and when.

The workflow: new → contacted → offer sent → won, and lost (with a reason) from any open
status. Won and lost are final. Callers own the transaction: these functions change and
flush, the caller commits.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from models.accounts.users import Capability, User
from models.base import utcnow
from models.leads.records import Lead, LeadEvent, LeadEventKind, LeadStatus
from tourscope.foundation.i18n import lazy_gettext

# A status as the refusals (in English) name it, and as pages show it, in the reader's
# language (lazy: translated when shown).
STATUS_NAMES = {
    LeadStatus.NEW: "new",
    LeadStatus.CONTACTED: "contacted",
    LeadStatus.OFFER_SENT: "offer sent",
    LeadStatus.WON: "won",
    LeadStatus.LOST: "lost",
}
STATUS_LABELS = {
    LeadStatus.NEW: lazy_gettext("new"),
    LeadStatus.CONTACTED: lazy_gettext("contacted"),
    LeadStatus.OFFER_SENT: lazy_gettext("offer sent"),
    LeadStatus.WON: lazy_gettext("won"),
    LeadStatus.LOST: lazy_gettext("lost"),
}

# The statuses a lead may move to from each status.
TRANSITIONS: dict[LeadStatus, tuple[LeadStatus, ...]] = {
    LeadStatus.NEW: (LeadStatus.CONTACTED, LeadStatus.LOST),
    LeadStatus.CONTACTED: (LeadStatus.OFFER_SENT, LeadStatus.LOST),
    LeadStatus.OFFER_SENT: (LeadStatus.WON, LeadStatus.LOST),
    LeadStatus.WON: (),
    LeadStatus.LOST: (),
}
OPEN_STATUSES = tuple(status for status, moves in TRANSITIONS.items() if moves)

MAX_REASON_LENGTH = 500
MAX_NOTE_LENGTH = 5000


class WorkflowError(ValueError):
    """The change is not allowed; the message tells the manager why, in one sentence."""


def status_label(status: str) -> str:
    try:
        return STATUS_NAMES[LeadStatus(status)]
    except ValueError:
        return status


def next_statuses(status: str) -> tuple[LeadStatus, ...]:
    try:
        return TRANSITIONS[LeadStatus(status)]
    except ValueError:
        return ()


def change_status(
    session: Session,
    lead: Lead,
    to_status: str,
    actor: User,
    reason: str | None = None,
    now: datetime | None = None,
) -> LeadEvent:
    """Move the lead along the workflow; WorkflowError for an illegal move or no reason."""
    try:
        target = LeadStatus(to_status)
    except ValueError:
        raise WorkflowError(f"{to_status[:40]!r} is not a lead status") from None
    current = lead.status
    allowed = next_statuses(current)
    if target not in allowed:
        if not allowed:
            raise WorkflowError(
                f"this lead is {status_label(current)}, a final status: it cannot change"
            )
        choices = " or ".join(status_label(status) for status in allowed)
        raise WorkflowError(
            f"a {status_label(current)} lead cannot become {status_label(target)}; "
            f"next is {choices}"
        )
    reason = (reason or "").strip()
    if target == LeadStatus.LOST:
        if not reason:
            raise WorkflowError("say why the lead was lost")
        if len(reason) > MAX_REASON_LENGTH:
            raise WorkflowError(f"the reason must be at most {MAX_REASON_LENGTH} characters")
    # Compare-and-set: when two managers act at once, the second is told, not overwritten.
    moved = session.execute(
        update(Lead)
        .where(Lead.id == lead.id, Lead.status == current)
        .values(
            status=target.value,
            lost_reason=reason if target == LeadStatus.LOST else lead.lost_reason,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        raise WorkflowError("someone else changed this lead meanwhile; reload it and try again")
    session.refresh(lead, ["status", "lost_reason"])
    return _record(
        session,
        lead,
        actor,
        LeadEventKind.STATUS,
        now,
        from_status=current,
        to_status=target.value,
        note=reason or None,
    )


def assign(
    session: Session,
    lead: Lead,
    assignee: User | None,
    actor: User,
    now: datetime | None = None,
) -> LeadEvent:
    """Give the lead to a manager (None: to nobody)."""
    if assignee is not None and not assignee.active:
        raise WorkflowError(f"{assignee.display_name} is disabled and cannot take leads")
    if assignee is not None and not assignee.may(Capability.LEADS):
        raise WorkflowError(f"{assignee.display_name}'s role does not work leads")
    if lead.assigned_to_id == (assignee.id if assignee else None):
        who = assignee.display_name if assignee else "nobody"
        raise WorkflowError(f"the lead is already assigned to {who}")
    lead.assigned_to = assignee
    note = f"assigned to {assignee.display_name}" if assignee else "unassigned"
    return _record(session, lead, actor, LeadEventKind.ASSIGNED, now, note=note)


def add_note(
    session: Session, lead: Lead, actor: User, text: str, now: datetime | None = None
) -> LeadEvent:
    text = text.strip()
    if not text:
        raise WorkflowError("the note is empty")
    if len(text) > MAX_NOTE_LENGTH:
        raise WorkflowError(f"a note must be at most {MAX_NOTE_LENGTH} characters")
    return _record(session, lead, actor, LeadEventKind.NOTE, now, note=text)


def _record(
    session: Session,
    lead: Lead,
    actor: User,
    kind: LeadEventKind,
    now: datetime | None,
    **fields: str | None,
) -> LeadEvent:
    event = LeadEvent(lead_id=lead.id, actor_id=actor.id, kind=kind.value, at=now or utcnow())
    for name, value in fields.items():
        setattr(event, name, value)
    session.add(event)
    session.flush()
    return event
