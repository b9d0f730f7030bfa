"""Client care speed: p50/p95 of the back office's client, call, letter, KPI and planner
queries at the scale of a large agency network.

    make bench-care              (or: .venv/bin/python -m benchmarks.care --help)

1. Seeds PostgreSQL server-side (INSERT ... SELECT FROM generate_series, indexes and
   unique constraints rebuilt after the load, CHECK constraints checked row by row), by
   default: 50 managers and an admin; 200,000 clients spread over the managers, with 0-3
   children and 2-6 preferences each (countries from 20, resorts, hotel styles, meals,
   dietary habits, habits, pets with names, needs); 2,000,000 contacts over the last 12
   months, mostly calls (3% more in this month, 40 per manager today); 300,000 trips
   created over 12 months, departing from 12 months ago to 6 months ahead, 7% cancelled;
   their 4 letters each, skipped when due before the booking, cancelled with the trip,
   planned from today on, and sent when due earlier (some late, a quarter of last week's
   still waiting); 100,000 feedback forms on returned trips. Then VACUUM ANALYZE.
2. Runs each page's real query functions (SQLAlchemy, the ORM, the result objects) with
   a fixed random seed and prints p50/p95 per query kind.

`--reuse` skips the seeding when the database already holds the clients. The data is
dated from the day it was seeded: re-seed on another day for "today" to have its calls.
"""

import argparse
import random
import time
from collections.abc import Callable

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from benchmarks.common import ensure_postgres_database, fresh_database, machine, percentiles
from models.accounts.users import User, UserRole
from models.agency_time import agency_midnight, agency_today
from models.base import utcnow
from models.care.calls import call_list, day_progress
from models.care.client_editing import SUGGESTIONS
from models.care.client_queries import ClientFilters, client_history, client_list, client_profile
from models.care.clients import CallOutcome, ContactKind, PreferenceKind
from models.care.kpi import current_month, kpi_csv, kpi_history, kpi_report, report_managers
from models.care.letter_queries import due_letters
from models.care.planner import crm_actuals
from models.care.trips import LetterStatus
from models.db import get_engine
from tourscope.foundation.settings import get_settings

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/tourscope_care_bench"
# Seeded tables, in the order they are filled; their indexes are built after the load.
TABLES = [
    "clients",
    "client_children",
    "client_preferences",
    "client_contacts",
    "trips",
    "trip_letters",
    "feedback",
]
# Share of the clients ever contacted: the rest are new records on the call list.
CONTACTED_SHARE = 0.9
CONTACTS_TODAY_PER_MANAGER = 40
CONTACTS_THIS_MONTH_SHARE = 0.03

FIRST_NAMES = [
    "Anna", "Olga", "Elena", "Maria", "Irina", "Natalia", "Svetlana", "Tatiana", "Ekaterina",
    "Yulia", "Daria", "Polina", "Ksenia", "Victoria", "Alina", "Ivan", "Alexei", "Sergei",
    "Dmitri", "Andrei", "Mikhail", "Pavel", "Nikolai", "Vladimir", "Artem", "Maxim", "Igor",
    "Oleg", "Boris", "Roman",
]  # fmt: skip
SURNAMES = [
    "Ivanov", "Petrov", "Sidorov", "Smirnov", "Kuznetsov", "Popov", "Vasiliev", "Sokolov",
    "Mikhailov", "Novikov", "Fedorov", "Morozov", "Volkov", "Alexeev", "Lebedev", "Semenov",
    "Egorov", "Pavlov", "Kozlov", "Stepanov", "Nikolaev", "Orlov", "Andreev", "Makarov",
    "Nikitin", "Zakharov", "Zaitsev", "Soloviev", "Borisov", "Yakovlev", "Grigoriev",
    "Romanov", "Vorobiev", "Sergeev", "Kuzmin", "Frolov", "Belov", "Tarasov", "Komarov",
    "Gusev",
]  # fmt: skip
# The first ones are the most wanted (think Turkey, Egypt).
COUNTRIES = [
    "Turkey", "Egypt", "United Arab Emirates", "Thailand", "Greece", "Cyprus", "Spain",
    "Italy", "Tunisia", "Vietnam", "Maldives", "Sri Lanka", "Indonesia", "Montenegro",
    "Georgia", "Armenia", "Cuba", "Dominican Republic", "Mexico", "Seychelles",
]  # fmt: skip
RESORTS = [
    "Antalya", "Kemer", "Side", "Alanya", "Hurghada", "Sharm el-Sheikh", "Dubai", "Phuket",
    "Pattaya", "Crete", "Rhodes", "Ayia Napa", "Costa Brava", "Tenerife", "Rimini",
    "Hammamet", "Nha Trang", "Bali", "Varadero", "Punta Cana",
]  # fmt: skip
PETS = ["dog", "cat", "parrot", "ferret", "rabbit"]
PET_NAMES = ["Rex", "Bella", "Max", "Luna", "Charlie", "Murka", "Barsik", "Kesha", "Tuzik"]
CHILD_NAMES = ["Sasha", "Misha", "Masha", "Dasha", "Vanya", "Katya", "Lisa", "Tim", "Sonya"]
OPERATORS = ["Suncoast", "Aerotour", "Samotravel", "Pricelist", "Feedline", "Mediterra"]
# What a manager types in the search box: part of a first name or a surname, or digits
# of a phone number.
NAME_FRAGMENTS = [
    "petro", "ivan", "olga", "smirn", "kuzne", "sokol", "anna", "orlov", "vlad", "9001",
]  # fmt: skip
# (kind, share of the rows after each client's first, which is always a country)
KIND_WEIGHTS = [
    (PreferenceKind.COUNTRY, 0.22),
    (PreferenceKind.RESORT, 0.12),
    (PreferenceKind.HOTEL_STYLE, 0.14),
    (PreferenceKind.MEAL, 0.14),
    (PreferenceKind.DIETARY, 0.10),
    (PreferenceKind.HABIT, 0.08),
    (PreferenceKind.PET, 0.06),
    (PreferenceKind.NEED, 0.14),
]


def _array(values: list[str]) -> str:
    """A PostgreSQL text array literal (the values are the module's own constants)."""
    return "ARRAY[" + ", ".join("'" + value.replace("'", "''") + "'" for value in values) + "]"


def _pick(values: list[str], skew: float = 1.0) -> str:
    """An SQL expression choosing one of `values` at random; skew > 1 favours the first."""
    return f"({_array(values)})[1 + floor(power(random(), {skew}) * {len(values)})::int]"


def _case(roll: str, weights: list[tuple[str, float]]) -> str:
    """CASE choosing a value by `roll` (uniform 0-1), each with its share of the weights."""
    total = sum(weight for _, weight in weights)
    branches, bound = [], 0.0
    for value, weight in weights[:-1]:
        bound += weight / total
        branches.append(f"WHEN {roll} < {bound:.4f} THEN '{value}'")
    return f"CASE {' '.join(branches)} ELSE '{weights[-1][0]}' END"


def _preference_value(kind: str, roll: str) -> str:
    """CASE giving a value for the row's `kind` (an SQL expression)."""
    lists = {
        PreferenceKind.COUNTRY: (COUNTRIES, 1.8),
        PreferenceKind.RESORT: (RESORTS, 1.5),
        PreferenceKind.PET: (PETS, 2.0),
    }
    branches = []
    for preference_kind in PreferenceKind:
        if preference_kind in lists:
            values, skew = lists[preference_kind]
        else:
            values, skew = list(SUGGESTIONS[preference_kind]), 1.3
        chosen = f"({_array(values)})[1 + floor(power({roll}, {skew}) * {len(values)})::int]"
        branches.append(f"WHEN '{preference_kind.value}' THEN {chosen}")
    return f"CASE {kind} {' '.join(branches)} END"


# Managers 1..managers (every tenth with its own plan of 60 calls a day), then an admin.
USERS_SQL = """
INSERT INTO users (id, email, name, password_hash, role, active, failed_logins,
                   daily_call_plan, created_at)
SELECT n,
       CASE WHEN admin THEN 'admin@agency.example' ELSE 'manager' || n || '@agency.example' END,
       CASE WHEN admin THEN 'Admin' ELSE 'Manager ' || lpad(n::text, 2, '0') END,
       '!', CASE WHEN admin THEN 'admin' ELSE 'manager' END, true, 0,
       CASE WHEN n % 10 = 0 AND NOT admin THEN 60 END, CAST(:now AS timestamptz)
FROM (SELECT n, n > :managers AS admin FROM generate_series(1, :managers + 1) n) u
"""

# A client's manager is 1 + id % managers, so later rows know it without a join.
CLIENTS_SQL = f"""
INSERT INTO clients (id, created_at, updated_at, name, email, phone, preferred_channel,
                     contact_time, adults, budget_band, notes, manager_id, next_call_on,
                     do_not_call)
SELECT n, created, created, first || ' ' || surname,
       lower(first || '.' || surname || '.' || n || '@mail.example'),
       '+7 9' || lpad(((n::bigint * 7919) % 1000000000)::text, 9, '0'),
       (ARRAY['phone', 'phone', 'email', 'messenger', NULL])[1 + floor(random() * 5)::int],
       CASE WHEN random() < 0.3 THEN 'weekdays after 18:00' END,
       CASE WHEN r_adults < 0.15 THEN 1 WHEN r_adults < 0.85 THEN 2 ELSE 3 END,
       (ARRAY['economy', 'standard', 'standard', 'premium', 'luxury', NULL])
           [1 + floor(random() * 6)::int],
       CASE WHEN random() < 0.1 THEN 'Prefers a sea view; travels every summer' END,
       1 + n % :managers,
       CASE WHEN r_call < 0.04 THEN CAST(:today AS date) - floor(random() * 15)::int
            WHEN r_call < 0.25 THEN CAST(:today AS date) + 1 + floor(random() * 60)::int END,
       random() < 0.02
FROM (
    SELECT n, {_pick(FIRST_NAMES)} AS first, {_pick(SURNAMES, 1.4)} AS surname,
           random() AS r_adults, random() AS r_call,
           CASE WHEN n > :contacted THEN CAST(:now AS timestamptz) - random() * interval '30 days'
                ELSE CAST(:now AS timestamptz) - interval '1 year' - random() * interval '3 years'
           END AS created
    FROM generate_series(1, :clients) n
) c
"""

CHILDREN_SQL = f"""
INSERT INTO client_children (client_id, name, birth_date)
SELECT c.n, CASE WHEN random() < 0.8 THEN {_pick(CHILD_NAMES)} END,
       CAST(:today AS date) - 200 - floor(random() * 6000)::int
FROM (
    SELECT n, CASE WHEN r < 0.5 THEN 0 WHEN r < 0.75 THEN 1 WHEN r < 0.93 THEN 2 ELSE 3 END
              AS kids
    FROM (SELECT n, random() AS r FROM generate_series(1, :clients) n) x
) c, generate_series(1, c.kids) k
"""

# Row 1 of each client is a country, row 2 another kind, rows 3-6 any kind; a client's
# same (kind, value) twice is kept once.
PREFERENCES_SQL = f"""
INSERT INTO client_preferences (client_id, kind, value, detail)
SELECT DISTINCT ON (client_id, kind, value) client_id, kind, value,
       CASE WHEN kind = 'pet' THEN {_pick(PET_NAMES)} END
FROM (
    SELECT client_id, kind, {_preference_value("kind", "random()")} AS value
    FROM (
        SELECT client_id,
               CASE WHEN i = 1 THEN 'country'
                    WHEN i = 2 THEN {_case("roll", KIND_WEIGHTS[1:])}
                    ELSE {_case("roll", KIND_WEIGHTS)} END AS kind
        FROM (
            SELECT c.n AS client_id, i, random() AS roll
            FROM (SELECT n, 2 + floor(random() * 5)::int AS rows
                  FROM generate_series(1, :clients) n) c,
                 generate_series(1, c.rows) i
        ) r
    ) k
) p
ORDER BY client_id, kind, value
"""

CALL_OUTCOMES = [
    (CallOutcome.NO_ANSWER, 0.40),
    (CallOutcome.TALKED, 0.28),
    (CallOutcome.NOT_INTERESTED, 0.14),
    (CallOutcome.WARM, 0.09),
    (CallOutcome.BOOKED, 0.09),
]
CONTACT_KINDS = [
    (ContactKind.CALL, 0.85),
    (ContactKind.EMAIL, 0.07),
    (ContactKind.MESSAGE, 0.06),
    (ContactKind.MEETING, 0.02),
]
OTHER_OUTCOMES = [(CallOutcome.TALKED, 0.8), (CallOutcome.WARM, 0.1), (CallOutcome.BOOKED, 0.1)]


# 93% of a client's contacts are by their manager; a warm one hands them to another.
# Rows 1..today: today's calls; then this month's; the rest over the last 12 months.
CONTACTS_SQL = f"""
INSERT INTO client_contacts (client_id, manager_id, at, kind, outcome, note, handed_to_id)
SELECT client_id, manager_id, at, kind,
       CASE WHEN kind = 'call' THEN {_case("r_outcome", CALL_OUTCOMES)}
            ELSE {_case("r_outcome", OTHER_OUTCOMES)} END AS outcome,
       CASE WHEN random() < 0.3 THEN 'Asked to call back about the summer holidays' END,
       NULL
FROM (
    SELECT client_id,
           CASE WHEN random() < 0.93 THEN 1 + client_id % :managers
                ELSE 1 + floor(random() * :managers)::int END AS manager_id,
           CASE WHEN n <= :today_rows
                    THEN CAST(:today_start AS timestamptz)
                         + random() * CAST(:today_span AS interval)
                WHEN n <= :month_rows
                    THEN CAST(:month_start AS timestamptz)
                         + random() * CAST(:month_span AS interval)
                ELSE CAST(:now AS timestamptz) - random() * interval '365 days' END AS at,
           {_case("r_kind", CONTACT_KINDS)} AS kind,
           random() AS r_outcome
    FROM (
        SELECT n, 1 + floor(random() * :contacted)::int AS client_id, random() AS r_kind
        FROM generate_series(:first, :last) n
    ) x
) c
"""

# A warm contact hands the client over to another manager (the next one along).
HANDOVERS_SQL = """
UPDATE client_contacts
SET handed_to_id = 1 + (manager_id + floor(random() * (:managers - 1))::int) % :managers
WHERE outcome = 'warm'
"""

# Booked on `created` (over the last 12 months), departing 3-200 days later but at most
# 6 months from today; the client's manager sells it. 7% were cancelled some time after
# booking (and not after departure), half of them with a reason.
TRIPS_SQL = f"""
INSERT INTO trips (id, created_at, status, client_id, lead_id, manager_id, hotel_id,
                   operator_id, hotel_name, operator_name, destination, departure_date,
                   return_date, adults, children, price, currency, extras,
                   feedback_invited_at, cancelled_at, cancel_reason)
SELECT n, created, CASE WHEN cancelled THEN 'cancelled' ELSE 'booked' END,
       client_id, NULL, 1 + client_id % :managers, NULL, NULL,
       'Hotel ' || (1 + floor(random() * 400)::int), {_pick(OPERATORS)},
       {_pick(RESORTS, 1.5)}, departure, departure + nights,
       CASE WHEN random() < 0.8 THEN 2 ELSE 1 + floor(random() * 3)::int END,
       floor(power(random(), 2) * 3)::int,
       round((300 + random() * 4500)::numeric, 2),
       (ARRAY['EUR', 'EUR', 'EUR', 'EUR', 'EUR', 'EUR', 'EUR', 'EUR', 'RUB', 'USD'])
           [1 + floor(random() * 10)::int],
       CAST((ARRAY['[]', '["transfer"]', '["transfer", "insurance"]', '["car"]',
                   '["transfer", "excursions"]'])[1 + floor(random() * 5)::int] AS json),
       CASE WHEN NOT cancelled AND departure + nights + CAST(:delay AS int) <= CAST(:today AS date)
            THEN ((departure + nights + CAST(:delay AS int)) + time '10:00') AT TIME ZONE :zone
       END,
       CASE WHEN cancelled THEN created + random() * greatest(interval '1 hour',
           least(CAST(:now AS timestamptz), departure AT TIME ZONE :zone) - created) END,
       CASE WHEN cancelled AND random() < 0.5 THEN 'The client changed their plans' END
FROM (
    SELECT n, client_id, created, nights, random() < 0.07 AS cancelled,
           created_day + 3
               + floor(random() * least(200, CAST(:today AS date) + 180 - created_day))::int
               AS departure
    FROM (
        SELECT n, 1 + floor(random() * :contacted)::int AS client_id,
               3 + floor(random() * 12)::int AS nights, created,
               (created AT TIME ZONE :zone)::date AS created_day
        FROM (
            SELECT n, CAST(:now AS timestamptz) - random() * interval '365 days' AS created
            FROM generate_series(1, :trips) n
        ) a
    ) b
) t
"""

# Each trip's 4 letters, by the same rules as models/care/letter_schedule.py and the trip workflow:
# due before the booking day: skipped; due today or later: planned; due earlier: sent on
# the day (8% 1-3 days late), but a quarter of last week's still waiting. A cancelled
# trip keeps the letters it sent before its cancellation; the others are cancelled.
LETTERS_SQL = f"""
INSERT INTO trip_letters (trip_id, template_key, due_on, status, sent_at, sent_by_id,
                          subject, body, outbox_id)
SELECT trip_id, key, due_on, status,
       CASE WHEN status = 'sent' THEN greatest(created + interval '10 minutes', least(
           coalesce(cancelled_at, CAST(:now AS timestamptz)) - interval '1 minute',
           ((due_on + late_days) + time '09:00') AT TIME ZONE :zone
               + random() * interval '9 hours')) END,
       CASE WHEN status = 'sent' AND random() < 0.85 THEN manager_id END,
       CASE WHEN status = 'sent' THEN 'Your trip to ' || destination || ': ' || key END,
       CASE WHEN status = 'sent' THEN
           'Dear client, your departure to ' || destination || ' is on ' || departure_date
           || '. Checklist: passports and visas, flight times, transfer, insurance.' END,
       NULL
FROM (
    SELECT p.*,
           CASE WHEN cancelled_at IS NULL THEN planned_status
                WHEN planned_status = '{LetterStatus.SENT.value}'
                     AND due_on < (cancelled_at AT TIME ZONE :zone)::date
                    THEN '{LetterStatus.SENT.value}'
                ELSE '{LetterStatus.CANCELLED.value}' END AS status
    FROM (
        SELECT l.*,
               CASE WHEN due_on < created_day THEN '{LetterStatus.SKIPPED.value}'
                    WHEN due_on >= CAST(:today AS date) THEN '{LetterStatus.PLANNED.value}'
                    WHEN due_on >= CAST(:today AS date) - 7 AND random() < 0.25
                        THEN '{LetterStatus.PLANNED.value}'
                    ELSE '{LetterStatus.SENT.value}' END AS planned_status,
               CASE WHEN random() < 0.08 THEN 1 + floor(random() * 3)::int ELSE 0 END
                   AS late_days
        FROM (
            SELECT t.id AS trip_id, t.cancelled_at, t.manager_id, t.destination,
                   t.departure_date, t.created_at AS created,
                   (t.created_at AT TIME ZONE :zone)::date AS created_day, k.key,
                   CASE k.key
                       WHEN '2m' THEN CAST(t.departure_date - interval '2 months' AS date)
                       WHEN '1m' THEN CAST(t.departure_date - interval '1 month' AS date)
                       WHEN '2w' THEN t.departure_date - 14
                       ELSE t.departure_date - 3 END AS due_on
            FROM trips t CROSS JOIN (VALUES ('2m'), ('1m'), ('2w'), ('3d')) AS k(key)
        ) l
    ) p
) s
"""

# Answers within the link's lifetime after the invitation, never in the future.
FEEDBACK_SQL = """
INSERT INTO feedback (trip_id, submitted_at, manager_rating, trip_rating, comment)
SELECT id,
       least(CAST(:now AS timestamptz) - random() * interval '1 hour',
             feedback_invited_at + power(random(), 2) * interval '20 days'),
       CASE WHEN r1 < 0.03 THEN 1 WHEN r1 < 0.08 THEN 2 WHEN r1 < 0.20 THEN 3
            WHEN r1 < 0.50 THEN 4 ELSE 5 END,
       CASE WHEN r2 < 0.04 THEN 1 WHEN r2 < 0.10 THEN 2 WHEN r2 < 0.25 THEN 3
            WHEN r2 < 0.55 THEN 4 ELSE 5 END,
       CASE WHEN random() < 0.3 THEN 'The transfer was late, the hotel was lovely' END
FROM (
    SELECT id, feedback_invited_at, random() AS r1, random() AS r2
    FROM trips
    WHERE status = 'booked' AND feedback_invited_at IS NOT NULL
    ORDER BY random()
    LIMIT :feedback
) t
"""


def _drop_indexes(connection) -> list[tuple[str, str, str, bool]]:
    """Drop the seeded tables' indexes and unique constraints (primary keys stay);
    returns (table, name, definition, is_constraint) to rebuild them from."""
    rows = connection.execute(
        text(
            "SELECT i.tablename, i.indexname, i.indexdef, c.conname IS NOT NULL "
            "FROM pg_indexes i LEFT JOIN pg_constraint c "
            "ON c.conname = i.indexname AND c.contype = 'u' "
            "WHERE i.schemaname = 'public' AND i.tablename = ANY(:tables) "
            "AND i.indexname NOT LIKE 'pk\\_%'"
        ),
        {"tables": TABLES},
    ).all()
    for table, name, _, is_constraint in rows:
        if is_constraint:
            connection.execute(text(f"ALTER TABLE {table} DROP CONSTRAINT {name}"))
        else:
            connection.execute(text(f"DROP INDEX {name}"))
    return [tuple(row) for row in rows]


def _rebuild_indexes(connection, indexes: list[tuple[str, str, str, bool]]) -> None:
    for table, name, definition, is_constraint in indexes:
        if is_constraint:
            columns = definition[definition.index("(") :]
            connection.execute(text(f"ALTER TABLE {table} ADD CONSTRAINT {name} UNIQUE {columns}"))
        else:
            connection.execute(text(definition))


def seed(url: str, managers: int, clients: int, contacts: int, trips: int, feedback: int) -> None:
    """A fresh, migrated database with the agency network's client care data."""
    fresh_database(url)
    engine = get_engine(url)
    settings = get_settings()
    now = utcnow()
    today = agency_today(now)
    contacted = int(clients * CONTACTED_SHARE)
    today_rows = managers * CONTACTS_TODAY_PER_MANAGER
    dates = {
        "now": now,
        "today": today,
        "today_start": agency_midnight(today),
        "month_start": agency_midnight(today.replace(day=1)),
        "today_span": now - agency_midnight(today),
        "month_span": now - agency_midnight(today.replace(day=1)),
        "zone": settings.agency_timezone,
        "managers": managers,
        "clients": clients,
        "contacted": contacted,
    }
    started = time.perf_counter()

    def done(what: str) -> None:
        print(f"  {what} ({time.perf_counter() - started:.0f} s)")

    with engine.begin() as connection:
        connection.execute(text("SELECT setseed(0.42)"))
        indexes = _drop_indexes(connection)
        # Foreign keys are not checked row by row: the generator only uses ids it made.
        connection.execute(text("SET LOCAL session_replication_role = replica"))
        connection.execute(text("SET LOCAL work_mem = '256MB'"))
        connection.execute(text(USERS_SQL), dates)
        connection.execute(text(CLIENTS_SQL), dates)
        connection.execute(text(CHILDREN_SQL), dates)
        connection.execute(text(PREFERENCES_SQL), dates)
        done(f"{clients:,} clients with children and preferences")
        step = 1_000_000
        for first in range(1, contacts + 1, step):
            last = min(first + step - 1, contacts)
            connection.execute(
                text(CONTACTS_SQL),
                {
                    **dates,
                    "first": first,
                    "last": last,
                    "today_rows": today_rows,
                    "month_rows": today_rows + int(contacts * CONTACTS_THIS_MONTH_SHARE),
                },
            )
            done(f"{last:,} contacts")
        connection.execute(text(HANDOVERS_SQL), dates)
        connection.execute(
            text(TRIPS_SQL), {**dates, "trips": trips, "delay": settings.feedback_delay_days}
        )
        done(f"{trips:,} trips")
        connection.execute(text(LETTERS_SQL), dates)
        done(f"{trips * 4:,} letters")
        connection.execute(text(FEEDBACK_SQL), {**dates, "feedback": feedback})
        done("feedback")
        for table in ["users", *TABLES]:
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
                )
            )
        connection.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
        _rebuild_indexes(connection, indexes)
        done("indexes built")
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
    done("vacuumed and analyzed")


Run = Callable[[Session, random.Random], object]


def measure(url: str, kind: str, run: Run, repeats: int, warm_up: int = 3) -> list[float]:
    """Milliseconds of `repeats` runs (after `warm_up` ones), each in a fresh transaction."""
    rng = random.Random(kind)
    timings = []
    with Session(get_engine(url)) as session:
        for number in range(warm_up + repeats):
            started = time.perf_counter()
            run(session, rng)
            elapsed = (time.perf_counter() - started) * 1000
            session.rollback()
            if number >= warm_up:  # the first runs warm the caches and the connection
                timings.append(elapsed)
    return timings


def query_kinds(url: str, clients: int) -> list[tuple[str, Run]]:
    """What each page runs, with the users it runs for (loaded once, detached)."""
    with Session(get_engine(url)) as session:
        users = list(session.scalars(select(User).order_by(User.id)))
    managers = [user for user in users if user.role == UserRole.MANAGER]
    admin = next(user for user in users if user.role == UserRole.ADMIN)
    countries = COUNTRIES[:8]
    dietary = list(SUGGESTIONS[PreferenceKind.DIETARY])

    def listing(make: Callable[[random.Random], ClientFilters]) -> Run:
        return lambda session, rng: client_list(session, make(rng), rng.choice(managers))

    def client_page(session: Session, rng: random.Random) -> object:
        client = client_profile(session, rng.randint(1, clients))
        return client_history(session, client)

    def call_page(session: Session, rng: random.Random) -> object:
        manager = rng.choice(managers)
        return call_list(session, manager), day_progress(session, manager)

    def letters(session: Session, rng: random.Random, mine: bool) -> object:
        return due_letters(session, agency_today(), rng.choice(managers) if mine else None)

    def kpi(session: Session, rng: random.Random) -> object:
        return kpi_report(session, current_month(), report_managers(session, admin))

    return [
        ("clients: all, page 1", listing(lambda rng: ClientFilters())),
        (
            "clients: name fragment",
            listing(lambda rng: ClientFilters(q=rng.choice(NAME_FRAGMENTS))),
        ),
        ("clients: country", listing(lambda rng: ClientFilters(country=rng.choice(countries)))),
        (
            "clients: dietary + children",
            listing(lambda rng: ClientFilters(dietary=rng.choice(dietary), children="yes")),
        ),
        ("clients: mine", listing(lambda rng: ClientFilters(manager="mine"))),
        ("client page: profile + history", client_page),
        ("calls: call list + day progress", call_page),
        ("letters due: mine", lambda session, rng: letters(session, rng, True)),
        ("letters due: all", lambda session, rng: letters(session, rng, False)),
        ("KPI report: month, all managers", kpi),
        ("KPI CSV: month, all managers", lambda session, rng: kpi_csv(kpi(session, rng))),
        (
            # The KPI page: the table's month and the charts' 12 months before it.
            "KPI page: 12 months, all managers",
            lambda session, rng: kpi_history(
                session, current_month(), report_managers(session, admin)
            ),
        ),
        ("planner: CRM actuals, 12 months", lambda session, rng: crm_actuals(session)),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--managers", type=int, default=50)
    parser.add_argument("--clients", type=int, default=200_000)
    parser.add_argument("--contacts", type=int, default=2_000_000)
    parser.add_argument("--trips", type=int, default=300_000)
    parser.add_argument("--feedback", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=40, help="runs per query kind")
    parser.add_argument("--only", help="run only the query kinds whose name contains this")
    parser.add_argument("--postgres-url", default=DEFAULT_URL)
    parser.add_argument("--reuse", action="store_true", help="keep the seeded database")
    args = parser.parse_args()

    print(f"Machine: {machine()}")
    ensure_postgres_database(args.postgres_url)
    engine = get_engine(args.postgres_url)
    if not args.reuse:
        print(
            f"Seeding {args.managers} managers, {args.clients:,} clients, "
            f"{args.contacts:,} contacts, {args.trips:,} trips, {args.feedback:,} feedback"
        )
        seed(
            args.postgres_url,
            args.managers,
            args.clients,
            args.contacts,
            args.trips,
            args.feedback,
        )
    with engine.connect() as connection:
        counts = connection.execute(
            text(
                "SELECT (SELECT count(*) FROM clients), (SELECT count(*) FROM client_contacts), "
                "(SELECT count(*) FROM trips), (SELECT count(*) FROM trip_letters), "
                "(SELECT count(*) FROM feedback), (SELECT max(at) FROM client_contacts)"
            )
        ).one()
    clients, contacts, trips, letters, feedback, last_contact = counts
    print(
        f"{'Reusing' if args.reuse else 'Seeded'} {clients:,} clients, {contacts:,} contacts, "
        f"{trips:,} trips, {letters:,} letters, {feedback:,} feedback"
    )
    if agency_today(last_contact) != agency_today():
        print("  (seeded on another day: today has no calls yet; run without --reuse)")

    kinds = query_kinds(args.postgres_url, clients)
    if args.only:
        kinds = [(kind, run) for kind, run in kinds if args.only.lower() in kind.lower()]
    print(f"\n{args.repeats} runs per kind, times in ms")
    print(f"  {'query kind':<36} {'p50':>7} {'p95':>7} {'max':>7}")
    for kind, run in kinds:
        p50, p95, worst = percentiles(measure(args.postgres_url, kind, run, args.repeats))
        print(f"  {kind:<36} {p50:>7.1f} {p95:>7.1f} {worst:>7.1f}")


if __name__ == "__main__":
    main()
