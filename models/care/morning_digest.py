"""Each morning, an e-mail to each manager: the pre-trip letters due today and overdue,
and the calls planned, so that the day's work reaches them before they log in.

`tourscope care` calls `send_morning_digests` each round; from the agency's
`TOURSCOPE_MORNING_DIGEST_HOUR` on, every active manager who wants the e-mail (on by
default, turned off on the dashboard) gets one a day. The day is claimed with one
UPDATE per manager, so two care loops never send it twice. Written in the agency's
language; sent through the outbox.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from models.accounts.users import Capability, User, roles_that_may
from models.care.calls import call_list, daily_plan
from models.care.letter_queries import due_letters
from models.leads.records import OutboxMessage
from tourscope.foundation.formatting import format_day
from tourscope.foundation.i18n import gettext as _
from tourscope.foundation.i18n import ngettext, use_locale
from tourscope.foundation.settings import get_settings

CALLS_LISTED = 10  # clients named in the e-mail; the call list has the rest


def send_morning_digests(session: Session, now: datetime) -> int:
    """Queue today's digest of each manager who has not had it; returns how many."""
    settings = get_settings()
    local = now.astimezone(settings.agency_zone)
    if local.hour < settings.morning_digest_hour:
        return 0
    today = local.date()
    managers = session.scalars(
        select(User)
        .where(
            User.active,
            User.morning_digest,
            _not_sent_on(today),
            # Every role with letters to write also has calls; sales have neither.
            User.role.in_(roles_that_may(Capability.CALLS)),
        )
        .order_by(User.id)
    ).all()
    queued = 0
    for manager in managers:
        claimed = session.execute(
            update(User)
            .where(User.id == manager.id, _not_sent_on(today))
            .values(digest_sent_on=today)
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed != 1:  # another care loop took this manager's day
            continue
        with use_locale(settings.default_locale):
            subject, body = _digest(session, manager, today, settings.effective_site_url)
        session.add(OutboxMessage.due_now(manager.email, subject, body, now))
        queued += 1
    session.flush()
    return queued


def _not_sent_on(today: date):
    return or_(User.digest_sent_on.is_(None), User.digest_sent_on < today)


def _digest(session: Session, manager: User, today: date, site: str) -> tuple[str, str]:
    writes_letters = manager.may(Capability.LETTERS)
    letters = due_letters(session, today, manager) if writes_letters else []
    calls = call_list(session, manager, today, limit=CALLS_LISTED)
    plan = daily_plan(manager)
    planned = ngettext("%(num)d call planned", "%(num)d calls planned", plan) % {"num": plan}
    if writes_letters:
        subject = _("Your day, %(day)s: %(letters)s, %(calls)s") % {
            "day": format_day(today),
            "letters": ngettext("%(num)d letter due", "%(num)d letters due", len(letters))
            % {"num": len(letters)},
            "calls": planned,
        }
    else:  # a cold caller: no letters to write, only the calls
        subject = _("Your day, %(day)s: %(calls)s") % {"day": format_day(today), "calls": planned}
    lines = [_("Good morning, %(name)s!") % {"name": manager.display_name}, ""]
    if writes_letters:
        lines += [*_letter_lines(letters, site), ""]
    lines.append(
        _("Calls: %(plan)s planned today; %(waiting)s clients are on your call list.")
        % {"plan": plan, "waiting": calls.total}
    )
    for row in calls.rows:
        lines.append(f"- {row.client.name}")
    if calls.total:
        lines.append(f"  {site}/manager/calls")
    turn_off = _("You can turn this e-mail off on your dashboard: %(url)s")
    lines += ["", turn_off % {"url": f"{site}/manager"}]
    return subject, "\n".join(lines) + "\n"


def _letter_lines(letters: list, site: str) -> list[str]:
    """The e-mail's paragraph of pre-trip letters due, each with its link."""
    lines: list[str] = []
    overdue = sum(1 for letter in letters if letter.days_overdue)
    if letters:
        lines.append(
            ngettext(
                "Pre-trip letters to send (%(num)d, %(overdue)d overdue):",
                "Pre-trip letters to send (%(num)d, %(overdue)d overdue):",
                len(letters),
            )
            % {"num": len(letters), "overdue": overdue}
        )
        for letter in letters:
            when = (
                ngettext("%(num)d day overdue", "%(num)d days overdue", letter.days_overdue)
                % {"num": letter.days_overdue}
                if letter.days_overdue
                else _("due today")
            )
            departs = _("departs %(day)s") % {"day": format_day(letter.departure_date)}
            lines.append(
                f"- {letter.label}: {letter.client_name}, {letter.hotel_name} ({departs}), {when}"
            )
            lines.append(f"  {site}/manager/letters/{letter.letter_id}")
    else:
        lines.append(_("No pre-trip letters are due today."))
    return lines
