"""Observability: Prometheus metrics at /metrics, request ids, structured logs."""

import json
import logging
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from models import CrawlRun, OutboxMessage
from models.base import utcnow
from tests.factories import make_operator
from tests.webapp.pages import ENGLISH
from tourscope.foundation.logging_setup import JsonFormatter, RequestIdFilter, configure_logging
from tourscope.foundation.settings import get_settings
from webapp.main import create_app

TOKEN = "scrape-" + "x" * 30


def samples(text: str) -> dict[tuple[str, tuple], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


@pytest.fixture
def scraped(db_url, monkeypatch):
    monkeypatch.setenv("TOURSCOPE_METRICS_TOKEN", TOKEN)
    get_settings.cache_clear()
    with TestClient(create_app(), headers=ENGLISH) as client:
        yield client


def scrape(client: TestClient) -> dict:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    return samples(response.text)


def test_requests_are_counted_by_route_template_and_status(scraped):
    scraped.get("/hotels/12345")
    scraped.get("/hotels/678")
    scraped.get("/nope")
    metrics = scrape(scraped)
    hotel = ("method", "GET"), ("route", "/hotels/{hotel_id}"), ("status", "404")
    assert metrics[("tourscope_http_requests_total", hotel)] == 2
    unmatched = ("method", "GET"), ("route", "unmatched"), ("status", "404")
    assert metrics[("tourscope_http_requests_total", unmatched)] == 1
    timed = ("method", "GET"), ("route", "/hotels/{hotel_id}")
    assert metrics[("tourscope_http_request_duration_seconds_count", timed)] == 2


def test_crawl_outcomes_and_the_outbox_come_from_the_database(scraped, session):
    operator = make_operator(session, "suncoast", "SunCoast Tours")
    for status, stored, dropped in (("succeeded", 120, 3), ("failed", 0, 0), ("succeeded", 80, 1)):
        session.add(
            CrawlRun(
                operator_id=operator.id,
                started_at=utcnow() - timedelta(hours=1),
                finished_at=utcnow(),
                status=status,
                items_stored=stored,
                items_dropped=dropped,
                stats={"tourscope/dropped/missing_price": 1},
            )
        )
    session.add(OutboxMessage(to_address="m@example.com", subject="s", body="b"))
    session.commit()
    metrics = scrape(scraped)
    runs = (("operator", "suncoast"), ("status", "succeeded"))
    assert metrics[("tourscope_crawl_runs_total", runs)] == 2
    assert metrics[("tourscope_crawl_offers_stored_total", (("operator", "suncoast"),))] == 200
    assert metrics[("tourscope_crawl_offers_dropped_total", (("operator", "suncoast"),))] == 4
    reason = (("operator", "suncoast"), ("reason", "missing_price"))
    assert metrics[("tourscope_crawl_last_run_dropped", reason)] == 1
    assert metrics[("tourscope_outbox_messages", (("status", "pending"),))] == 1
    assert metrics[("tourscope_metrics_database_up", ())] == 1


def test_metrics_need_the_token_or_a_local_client(db_url, scraped):
    assert scraped.get("/metrics").status_code == 404
    wrong = scraped.get("/metrics", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 404
    get_settings.cache_clear()
    with TestClient(create_app(), client=("127.0.0.1", 4000)) as local:
        assert local.get("/metrics").status_code == 404  # the token is still configured


def test_without_a_token_only_this_machine_may_scrape(db_url):
    app = create_app()
    with TestClient(app, client=("127.0.0.1", 4000)) as local:
        assert local.get("/metrics").status_code == 200
    with TestClient(app, client=("203.0.113.9", 4000)) as remote:
        assert remote.get("/metrics").status_code == 404


def test_every_answer_has_a_request_id_and_a_plain_given_one_is_kept(client):
    made = client.get("/healthz").headers["x-request-id"]
    assert len(made) == 32
    kept = client.get("/healthz", headers={"X-Request-ID": "proxy-42.a_b"})
    assert kept.headers["x-request-id"] == "proxy-42.a_b"
    refused = client.get("/healthz", headers={"X-Request-ID": "x y<script>" * 30})
    assert len(refused.headers["x-request-id"]) == 32  # not echoed: a new one


def test_json_logs_carry_the_request_id_and_the_traceback():
    from tourscope.foundation.logging_setup import request_id

    token = request_id.set("abc123")
    try:
        record = logging.LogRecord("webapp", logging.ERROR, __file__, 1, "boom %s", ("x",), None)
        try:
            raise ValueError("inner")
        except ValueError:
            import sys

            record.exc_info = sys.exc_info()
        RequestIdFilter().filter(record)
        entry = json.loads(JsonFormatter().format(record))
    finally:
        request_id.reset(token)
    assert entry["message"] == "boom x" and entry["request_id"] == "abc123"
    assert entry["level"] == "ERROR" and "ValueError: inner" in entry["traceback"]
    handler = configure_logging("json", "INFO")
    assert isinstance(handler.formatter, JsonFormatter)
    configure_logging("text", "INFO")
