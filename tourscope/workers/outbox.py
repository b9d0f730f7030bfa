"""The outbox worker: sends the e-mails written to the `outbox` table, with retries.

A message is claimed before it is sent (its `next_attempt_at` pushed a lease ahead, in a
committed update that only one worker can win), so two workers never send it twice.
A failed attempt keeps the message pending with its error and a later `next_attempt_at`
(exponential backoff); after `MAX_ATTEMPTS` it is marked failed. The lead it announces
is never touched by a failure: an SMTP outage delays mail, it loses nothing.

With an SMTP host configured (TOURSCOPE_SMTP_*), mail goes there; without one (the demo)
each message is written as an .eml file to TOURSCOPE_MAIL_DIR (default var/mail).
"""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses, parseaddr
from pathlib import Path
from typing import Protocol

from sqlalchemy import select, update

from models.base import utcnow
from models.db import get_sessionmaker
from models.leads.records import LeadEvent, LeadEventKind, OutboxMessage, OutboxStatus
from tourscope.foundation.settings import Settings, get_settings
from tourscope.workers.rounds import run_rounds

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 12
BACKOFF_BASE = timedelta(seconds=30)  # after the first failure; doubled after each next one
BACKOFF_MAX = timedelta(hours=2)
# How long a claimed message stays reserved for the worker sending it.
LEASE = timedelta(minutes=5)


class MailTransport(Protocol):
    def send(self, message: EmailMessage) -> None: ...


class SmtpTlsError(smtplib.SMTPException):
    """STARTTLS is configured but the server offers no TLS, or the TLS handshake failed."""


@dataclass
class SmtpTransport:
    """An SMTP server, with STARTTLS and log-in when configured."""

    host: str
    port: int = 587
    user: str = ""
    password: str = ""
    starttls: bool = True
    timeout: float = 10

    def send(self, message: EmailMessage) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                self._start_tls(smtp)
            if self.user:
                smtp.login(self.user, self.password)
            smtp.send_message(message)

    def _start_tls(self, smtp: smtplib.SMTP) -> None:
        """STARTTLS, or SmtpTlsError saying plainly why not (smtplib's own errors name
        neither the server nor the setting to change)."""
        smtp.ehlo()
        if not smtp.has_extn("starttls"):
            raise SmtpTlsError(
                f"{self} does not offer STARTTLS (TOURSCOPE_SMTP_STARTTLS is true): use the "
                "server's TLS port, or set TOURSCOPE_SMTP_STARTTLS=false for a relay "
                "without TLS"
            )
        try:
            smtp.starttls(context=ssl.create_default_context())
        except ssl.SSLError as error:
            reason = getattr(error, "verify_message", None) or error.reason or str(error)
            raise SmtpTlsError(f"TLS with {self} failed: {reason}") from error

    def __str__(self) -> str:
        return f"smtp://{self.host}:{self.port}"


@dataclass
class FolderTransport:
    """A local mail sink: one .eml file per message, named after the message."""

    directory: Path

    def send(self, message: EmailMessage) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        name = message["Message-ID"].strip("<>").split("@")[0]
        path = self.directory / f"{name}.eml"
        partial = path.with_suffix(".eml.part")
        partial.write_bytes(message.as_bytes())
        os.replace(partial, path)  # a reader never sees half a message

    def __str__(self) -> str:
        return str(self.directory)


def transport_from_settings(settings: Settings | None = None) -> MailTransport:
    settings = settings or get_settings()
    if not settings.smtp_host:
        return FolderTransport(settings.effective_mail_dir)
    return SmtpTransport(
        host=settings.smtp_host,
        port=settings.smtp_port,
        user=settings.smtp_user,
        password=settings.smtp_password.get_secret_value(),
        starttls=settings.smtp_starttls,
        timeout=settings.smtp_timeout,
    )


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt: 30 s, 1 min, 2 min... at most 2 h."""
    doublings = min(max(attempts - 1, 0), 20)  # 30 s * 2**20 is far past the ceiling
    return min(BACKOFF_BASE * 2**doublings, BACKOFF_MAX)


def build_message(row: OutboxMessage, sender: str) -> EmailMessage:
    """The e-mail of an outbox row. Its Message-ID is fixed by the row, so a receiver can
    recognise the same message should it ever be offered twice."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(address for _, address in getaddresses([row.to_address]) if address)
    message["Subject"] = row.subject
    message["Date"] = format_datetime(row.created_at)
    domain = parseaddr(sender)[1].partition("@")[2] or "tourscope.local"
    message["Message-ID"] = (
        f"<tourscope-outbox-{row.id}-{int(row.created_at.timestamp())}@{domain}>"
    )
    message.set_content(row.body)
    return message


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0


def _claim(session, message_id: int, now: datetime) -> bool:
    """Reserve one due message for this worker; False when another worker got it first."""
    result = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.next_attempt_at <= now,
        )
        .values(attempts=OutboxMessage.attempts + 1, next_attempt_at=now + LEASE)
    )
    session.commit()
    return result.rowcount == 1


def deliver_due(
    database_url: str | None = None,
    transport: MailTransport | None = None,
    *,
    now: datetime | None = None,
    limit: int = 100,
) -> DeliveryReport:
    """Try every message that is due once; returns what happened."""
    settings = get_settings()
    transport = transport or transport_from_settings(settings)
    now = now or utcnow()
    report = DeliveryReport()
    with get_sessionmaker(database_url or settings.effective_database_url)() as session:
        due = session.scalars(
            select(OutboxMessage.id)
            .where(
                OutboxMessage.status == OutboxStatus.PENDING,
                OutboxMessage.next_attempt_at <= now,
            )
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(limit)
        ).all()
        session.rollback()
        for message_id in due:
            if not _claim(session, message_id, now):
                continue
            row = session.get(OutboxMessage, message_id, populate_existing=True)
            try:
                transport.send(build_message(row, settings.mail_from))
            except (OSError, smtplib.SMTPException) as error:
                # A TLS problem is a setting to fix: its own plain words, no class name.
                plain = isinstance(error, SmtpTlsError)
                reason = (str(error) if plain else f"{type(error).__name__}: {error}")[:1000]
                row.last_error = reason
                if row.attempts >= MAX_ATTEMPTS:
                    row.status = OutboxStatus.FAILED
                    report.failed += 1
                    logger.error("outbox %s failed for good: %s", row.id, reason)
                else:
                    row.next_attempt_at = now + backoff(row.attempts)
                    report.retried += 1
                    logger.warning(
                        "outbox %s attempt %s failed (%s); next at %s",
                        row.id,
                        row.attempts,
                        reason,
                        row.next_attempt_at.isoformat(timespec="seconds"),
                    )
            else:
                row.status = OutboxStatus.SENT
                row.sent_at = utcnow()
                row.last_error = None
                if row.lead_id is not None:
                    note = f"notification e-mail sent to {row.to_address}"
                    session.add(
                        LeadEvent(
                            lead_id=row.lead_id,
                            at=row.sent_at,
                            kind=LeadEventKind.EMAIL,
                            note=note[:2000],
                        )
                    )
                report.sent += 1
                logger.info("outbox %s sent to %s via %s", row.id, row.to_address, transport)
            session.commit()
    return report


def run_worker(
    interval: float = 5.0,
    *,
    once: bool = False,
    on_report=None,
    database_url: str | None = None,
    stop: threading.Event | None = None,
) -> DeliveryReport:
    """Deliver due messages every `interval` seconds until `stop` is set (or once); a
    round in hand is finished first."""
    return run_rounds(
        lambda: deliver_due(database_url),
        DeliveryReport(),
        interval=interval,
        once=once,
        on_report=on_report,
        stop=stop,
    )
