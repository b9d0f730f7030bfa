"""The leads workflow (legal and illegal moves, assignment, notes) and the leads list."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from models.accounts.users import User
from models.base import utcnow
from models.leads.queries import LeadFilters, ScoreBand, band_thresholds, lead_list
from models.leads.records import Lead, LeadEvent
from models.leads.workflow import WorkflowError, add_note, assign, change_status
from tests.factories import make_lead, make_user


@pytest.fixture
def mia(session):
    return make_user(session, "mia@example.com", name="Mia")


def _history(session, lead):
    events = session.query(LeadEvent).filter_by(lead_id=lead.id).order_by(LeadEvent.id).all()
    return [(e.kind, e.from_status, e.to_status, e.actor_id, e.note) for e in events]


def test_a_lead_walks_the_whole_workflow_to_won(session, mia):
    lead = make_lead(session)
    for status in ("contacted", "offer_sent", "won"):
        event = change_status(session, lead, status, mia)
        assert event.at is not None and event.actor_id == mia.id
    session.commit()
    session.refresh(lead)
    assert lead.status == "won"
    assert _history(session, lead)[1:] == [
        ("status", "new", "contacted", mia.id, None),
        ("status", "contacted", "offer_sent", mia.id, None),
        ("status", "offer_sent", "won", mia.id, None),
    ]


@pytest.mark.parametrize(
    ("start", "target", "why"),
    [
        ("new", "offer_sent", "a new lead cannot become offer sent; next is contacted or lost"),
        ("new", "won", "cannot become won"),
        ("contacted", "new", "cannot become new"),
        ("won", "lost", "won, a final status"),
        ("lost", "contacted", "lost, a final status"),
        ("new", "closed", "'closed' is not a lead status"),
    ],
)
def test_illegal_moves_are_refused_and_change_nothing(session, mia, start, target, why):
    lead = make_lead(session, status=start)
    with pytest.raises(WorkflowError, match=why):
        change_status(session, lead, target, mia, reason="because")
    session.refresh(lead)
    assert lead.status == start
    assert [kind for kind, *_ in _history(session, lead)] == ["created"]


def test_lost_needs_a_reason_which_is_kept(session, mia):
    lead = make_lead(session, status="contacted")
    with pytest.raises(WorkflowError, match="say why"):
        change_status(session, lead, "lost", mia, reason="   ")
    change_status(session, lead, "lost", mia, reason="Booked elsewhere")
    session.refresh(lead)
    assert (lead.status, lead.lost_reason) == ("lost", "Booked elsewhere")
    last = ("status", "contacted", "lost", mia.id, "Booked elsewhere")
    assert _history(session, lead)[-1] == last


def test_a_stale_lead_cannot_overwrite_a_colleagues_change(session, mia):
    lead = make_lead(session)
    session.commit()
    # A colleague moved it meanwhile; our copy still says "new".
    session.execute(
        update(Lead).where(Lead.id == lead.id).values(status="contacted"),
        execution_options={"synchronize_session": False},
    )
    with pytest.raises(WorkflowError, match="changed this lead meanwhile"):
        change_status(session, lead, "contacted", mia)


def test_assignment_and_notes_are_recorded_with_who_and_when(session, mia):
    admin = make_user(session, "ada@example.com", role="admin", name="Ada")
    lead = make_lead(session)
    assign(session, lead, mia, admin)
    with pytest.raises(WorkflowError, match="already assigned to Mia"):
        assign(session, lead, mia, admin)
    add_note(session, lead, mia, "Called, wants a sea view.")
    with pytest.raises(WorkflowError, match="empty"):
        add_note(session, lead, mia, "  ")
    assign(session, lead, None, admin)
    session.commit()
    assert _history(session, lead)[1:] == [
        ("assigned", None, None, admin.id, "assigned to Mia"),
        ("note", None, None, mia.id, "Called, wants a sea view."),
        ("assigned", None, None, admin.id, "unassigned"),
    ]
    assert lead.assigned_to_id is None


def test_a_disabled_manager_cannot_take_leads(session, mia):
    lead = make_lead(session)
    mia.active = False
    with pytest.raises(WorkflowError, match="disabled"):
        assign(session, lead, mia, mia)


@pytest.fixture
def leads(session, mia):
    """Leads of every band, status and age; ids by name."""
    other = make_user(session, "olaf@example.com", name="Olaf")
    medium, high = band_thresholds()
    now = utcnow()
    made = {
        "old_high": make_lead(session, score=high + 20, created_at=now - timedelta(days=10)),
        "new_high": make_lead(session, score=high + 20, created_at=now - timedelta(hours=1)),
        "top": make_lead(session, score=high + 40, created_at=now - timedelta(days=3)),
        "medium_mine": make_lead(
            session, score=medium, assigned_to=mia, status="contacted", created_at=now
        ),
        "low_olaf": make_lead(session, score=0, assigned_to=other, created_at=now),
        "low_lost": make_lead(session, score=medium - 1, status="lost", created_at=now),
    }
    session.commit()
    return {name: lead.id for name, lead in made.items()}


def _ids(session, me, **filters):
    return [row.id for row in lead_list(session, LeadFilters(**filters), me).rows]


def test_the_list_puts_high_scores_first_then_the_newest(session, mia, leads):
    assert _ids(session, mia) == [
        leads[name]
        for name in ("top", "new_high", "old_high", "medium_mine", "low_lost", "low_olaf")
    ]


def test_the_list_filters_by_status_band_manager_and_date(session, mia, leads):
    assert _ids(session, mia, status="lost") == [leads["low_lost"]]
    assert _ids(session, mia, band=ScoreBand.HIGH) == [
        leads["top"],
        leads["new_high"],
        leads["old_high"],
    ]
    assert _ids(session, mia, band="medium") == [leads["medium_mine"]]
    assert _ids(session, mia, band="low") == [leads["low_lost"], leads["low_olaf"]]
    assert _ids(session, mia, manager="mine") == [leads["medium_mine"]]
    olaf_id = session.scalar(select(User.id).where(User.email == "olaf@example.com"))
    assert _ids(session, mia, manager=str(olaf_id)) == [leads["low_olaf"]]
    assert len(_ids(session, mia, manager="unassigned")) == 4
    today = utcnow().date()
    assert _ids(session, mia, created_from=today - timedelta(days=4), status="new") == [
        leads["top"],
        leads["new_high"],
        leads["low_olaf"],
    ]
    assert _ids(session, mia, created_to=today - timedelta(days=5)) == [leads["old_high"]]


def test_the_list_pages(session, mia, leads):
    page = lead_list(session, LeadFilters(page=2), mia, page_size=4)
    assert (page.total, page.pages, page.page, len(page.rows)) == (6, 2, 2, 2)
    # A page past the end shows the last page.
    assert lead_list(session, LeadFilters(page=9), mia, page_size=4).page == 2


def test_filters_refuse_dates_in_the_wrong_order():
    with pytest.raises(ValueError, match="after"):
        LeadFilters(created_from=date(2027, 2, 1), created_to=date(2027, 1, 1))
    assert LeadFilters.model_validate({"status": "", "band": "", "page": ""}) == LeadFilters()


@pytest.mark.parametrize("role", ["cold_caller", "account_manager"])
def test_a_lead_goes_only_to_a_role_that_works_leads(session, mia, role):
    other = make_user(session, f"{role}@example.com", role=role, name="Otto")
    lead = make_lead(session)
    with pytest.raises(WorkflowError, match="Otto's role does not work leads"):
        assign(session, lead, other, mia)
    assert lead.assigned_to_id is None
    assign(session, lead, make_user(session, "sam@example.com", role="sales"), mia)
