"""The outbox worker, with a real local SMTP server (aiosmtpd) that is down, then up."""

from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from models import Lead, LeadEvent, OutboxMessage
from models.base import utcnow
from tests.crawler.cli import run_tourscope
from tests.ports import free_port
from tourscope.foundation.settings import get_settings
from tourscope.workers.outbox import MAX_ATTEMPTS, FolderTransport, backoff, deliver_due


class Inbox:
    """An aiosmtpd handler that keeps every message it accepts."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_settings(db_url, monkeypatch):
    """SMTP on a local port where nothing listens yet; no TLS, no log-in (a local relay)."""
    port = free_port()
    monkeypatch.setenv("TOURSCOPE_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("TOURSCOPE_SMTP_PORT", str(port))
    monkeypatch.setenv("TOURSCOPE_SMTP_STARTTLS", "false")
    monkeypatch.setenv("TOURSCOPE_SMTP_TIMEOUT", "5")
    monkeypatch.setenv("TOURSCOPE_MAIL_FROM", "Tourscope <leads@tourscope.test>")
    get_settings.cache_clear()
    return port


def make_lead(session) -> Lead:
    """A lead and its notification, committed together as the lead form does."""
    from models.leads.intake import LeadContact, create_lead
    from models.leads.records import LeadSource
    from models.leads.scoring import LeadScore

    lead = create_lead(
        session,
        contact=LeadContact("Olga", "+7 900 000 00 00", None, None, "A quiet room", [], True),
        source=LeadSource.SEARCH,
        snapshot={"search": "for 2 adults in TR", "party": "2 adults"},
        score=LeadScore(20, ["5* hotel"]),
        recipients=["manager@tourscope.test", "admin@tourscope.test"],
        site_url="http://tourscope.test",
        search_query="country=TR",
    )
    session.commit()
    return lead


def test_an_smtp_outage_delays_the_mail_and_the_mail_arrives_once_when_it_is_back(
    smtp_settings, session
):
    lead = make_lead(session)
    message_id = session.scalars(select(OutboxMessage.id)).one()
    start = utcnow()

    # The SMTP server is down: the attempt fails, the message waits with its error.
    report = deliver_due(now=start)
    assert (report.sent, report.retried, report.failed) == (0, 1, 0)
    session.expire_all()
    message = session.get(OutboxMessage, message_id)
    assert (message.status, message.attempts) == ("pending", 1)
    assert "Connection refused" in message.last_error or "Errno" in message.last_error
    assert message.next_attempt_at == start + backoff(1)
    # Not due yet: a second round does not try again.
    assert deliver_due(now=start + timedelta(seconds=1)).retried == 0
    # Still down at the next attempt: the wait doubles.
    later = message.next_attempt_at
    assert deliver_due(now=later).retried == 1
    session.expire_all()
    message = session.get(OutboxMessage, message_id)
    assert message.attempts == 2
    assert message.next_attempt_at == later + backoff(2) > later + backoff(1)
    # The lead was never touched.
    assert session.get(Lead, lead.id).name == "Olga"

    # The server comes up: the mail arrives, exactly once.
    inbox = Inbox()
    server = Controller(inbox, hostname="127.0.0.1", port=smtp_settings)
    server.start()
    try:
        due = message.next_attempt_at
        assert deliver_due(now=due).sent == 1
        assert deliver_due(now=due + timedelta(hours=5)).sent == 0
        assert deliver_due(now=due + timedelta(days=2)).sent == 0
    finally:
        server.stop()
    assert len(inbox.envelopes) == 1
    envelope = inbox.envelopes[0]
    assert envelope.mail_from == "leads@tourscope.test"
    assert envelope.rcpt_tos == ["manager@tourscope.test", "admin@tourscope.test"]
    # Written in the agency's language (the default, Russian), whatever the visitor's.
    mail = message_from_bytes(envelope.content, policy=policy.default)
    assert mail["Subject"] == f"Новая заявка #{lead.id}: Olga – for 2 adults in TR"
    text = mail.get_content()
    assert "Посетитель просит менеджера" in text
    assert "A quiet room" in text
    assert f"Открыть заявку: http://tourscope.test/manager/leads/{lead.id}" in text

    session.expire_all()
    message = session.get(OutboxMessage, message_id)
    assert (message.status, message.attempts, message.last_error) == ("sent", 3, None)
    assert message.sent_at is not None
    events = session.scalars(select(LeadEvent.kind).where(LeadEvent.lead_id == lead.id)).all()
    assert events == ["created", "email"]


def test_a_message_is_given_up_after_its_last_attempt_and_the_lead_stays(smtp_settings, session):
    lead = make_lead(session)
    message = session.scalars(select(OutboxMessage)).one()
    message.attempts = MAX_ATTEMPTS - 1
    session.commit()
    report = deliver_due(now=utcnow())
    assert (report.retried, report.failed) == (0, 1)
    session.expire_all()
    message = session.get(OutboxMessage, message.id)
    assert (message.status, message.attempts) == ("failed", MAX_ATTEMPTS)
    assert session.get(Lead, lead.id) is not None


def test_a_message_claimed_by_another_worker_is_not_sent_twice(smtp_settings, session):
    make_lead(session)
    message = session.scalars(select(OutboxMessage)).one()
    # Another worker claimed it a moment ago: its lease pushed the next attempt ahead.
    now = utcnow()
    message.next_attempt_at = now + timedelta(minutes=5)
    session.commit()
    inbox = Inbox()
    server = Controller(inbox, hostname="127.0.0.1", port=smtp_settings)
    server.start()
    try:
        assert deliver_due(now=now).sent == 0
    finally:
        server.stop()
    assert inbox.envelopes == []


def test_the_backoff_doubles_up_to_a_ceiling():
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert backoff(50) == timedelta(hours=2)


def test_without_an_smtp_host_mail_is_written_to_the_mail_folder(db_url, session, tmp_path):
    make_lead(session)
    folder = tmp_path / "mail"
    result = run_tourscope(
        "outbox", "--once", env={"TOURSCOPE_MAIL_DIR": str(folder), "TOURSCOPE_SMTP_HOST": ""}
    )
    assert result.returncode == 0, result.stderr
    assert "sent 1" in result.stdout
    files = list(folder.glob("*.eml"))
    assert len(files) == 1
    mail = message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert mail["Subject"].endswith(": Olga – for 2 adults in TR")
    assert "Имя: Olga" in mail.get_content()
    # Drained: a second run sends nothing and writes nothing more.
    again = run_tourscope(
        "outbox", "--once", env={"TOURSCOPE_MAIL_DIR": str(folder), "TOURSCOPE_SMTP_HOST": ""}
    )
    assert "sent 0" in again.stdout
    assert list(folder.glob("*.eml")) == files


def test_the_folder_sink_never_leaves_half_a_message(tmp_path):
    from email.message import EmailMessage

    message = EmailMessage()
    message["Message-ID"] = "<tourscope-outbox-7-1@tourscope.test>"
    message.set_content("hello")
    FolderTransport(tmp_path).send(message)
    assert [path.name for path in tmp_path.iterdir()] == ["tourscope-outbox-7-1.eml"]


def test_the_demos_workers_deliver_its_mail_to_the_mail_folder(db_url, session, tmp_path):
    """`tourscope demo` runs the mail worker beside the site: the demo's lead e-mails end
    up in var/mail, not waiting in the outbox (issue 15, bug 10)."""
    import os
    import time

    from tourscope.cli import start_demo_workers

    lead = make_lead(session)
    folder = tmp_path / "mail"
    environment = {
        **os.environ,
        "TOURSCOPE_MAIL_DIR": str(folder),
        "TOURSCOPE_SMTP_HOST": "",
        "TOURSCOPE_VAR_DIR": str(tmp_path),
    }
    workers = start_demo_workers(environment)
    try:
        deadline = time.monotonic() + 60
        while not list(folder.glob("*.eml")) and time.monotonic() < deadline:
            time.sleep(0.3)
    finally:
        for worker in workers:
            worker.terminate()
            worker.wait(timeout=10)
    [file] = folder.glob("*.eml")
    mail = message_from_bytes(file.read_bytes(), policy=policy.default)
    assert "Olga" in mail["Subject"] and "Имя: Olga" in mail.get_content()
    session.expire_all()
    message = session.scalars(select(OutboxMessage).where(OutboxMessage.lead_id == lead.id)).one()
    assert message.status == "sent"


def test_starttls_against_a_server_without_tls_says_so_plainly(smtp_settings, session, monkeypatch):
    """The default STARTTLS=true with a relay that has no TLS: the message waits, with a
    one-line reason naming the server and the setting; `tourscope outbox` shows it."""
    monkeypatch.setenv("TOURSCOPE_SMTP_STARTTLS", "true")
    get_settings.cache_clear()
    make_lead(session)
    inbox = Inbox()
    server = Controller(inbox, hostname="127.0.0.1", port=smtp_settings)  # no TLS
    server.start()
    try:
        assert deliver_due().retried == 1
        session.expire_all()
        message = session.scalars(select(OutboxMessage)).one()
        assert message.last_error == (
            f"smtp://127.0.0.1:{smtp_settings} does not offer STARTTLS "
            "(TOURSCOPE_SMTP_STARTTLS is true): use the server's TLS port, or set "
            "TOURSCOPE_SMTP_STARTTLS=false for a relay without TLS"
        )
        message.next_attempt_at = utcnow()
        session.commit()
        result = run_tourscope("outbox", "--once")
    finally:
        server.stop()
    assert inbox.envelopes == []
    assert result.returncode == 0
    logged = [line for line in result.stderr.splitlines() if "does not offer STARTTLS" in line]
    assert len(logged) == 1 and "Traceback" not in result.stderr
