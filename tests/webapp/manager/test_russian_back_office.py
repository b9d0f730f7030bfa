"""The back office in Russian, the agency's language, for a manager whose browser asks
for nothing else."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.webapp.manager.conftest import log_in
from tests.webapp.pages import main_text, visible_text


@pytest.fixture
def russian_manager(app, manager) -> Iterator[TestClient]:
    with TestClient(app, follow_redirects=False) as client:
        assert log_in(client, manager.email).status_code == 303
        yield client


def test_the_log_in_page_is_in_russian(app):
    with TestClient(app, follow_redirects=False) as client:
        page = client.get("/manager/login")

    assert '<html lang="ru">' in page.text
    text = main_text(page.text)
    assert "Вход в офис" in text
    assert "Пароль" in text and "Войти" in text


def test_the_dashboard_is_in_russian(russian_manager):
    page = russian_manager.get("/manager")

    text = visible_text(page.text)
    assert "Сводка" in text and "Заявки" in text and "Клиенты" in text and "Выйти" in text
    assert "Сегодня писем к отправке нет." in text
    assert "Dashboard" not in text


def test_headings_with_a_variable_are_in_russian(russian_manager, session, manager):
    from tests.factories import make_client, make_lead

    lead = make_lead(session, name="Ольга Иванова", assigned_to=manager)
    client = make_client(session, name="Пётр Петров", manager=manager)
    session.commit()

    lead_page = russian_manager.get(f"/manager/leads/{lead.id}")
    assert f"<h1>Заявка №{lead.id}: Ольга Иванова</h1>" in lead_page.text
    assert f"<title>Заявка №{lead.id} – " in lead_page.text
    assert f"Lead #{lead.id}" not in lead_page.text

    client_page = main_text(russian_manager.get(f"/manager/clients/{client.id}").text)
    assert f"Клиент №{client.id}" in client_page and "Язык писем Русский" in client_page
    edit = russian_manager.get(f"/manager/clients/{client.id}/edit")
    assert "<h1>Изменить: Пётр Петров</h1>" in edit.text

    kpi = russian_manager.get("/manager/kpi?month=2026-11")
    assert "<h1>KPI, ноябрь 2026</h1>" in kpi.text
    assert "← октябрь 2026" in kpi.text and "декабрь 2026 →" in kpi.text
    assert "November" not in kpi.text

    calls = visible_text(russian_manager.get("/manager/calls").text)
    assert "Звонки на " in calls and "Calls for" not in calls


def test_a_refusal_names_the_role_in_russian(app, session):
    from tests.factories import make_user

    user = make_user(session, "alma@example.com", role="account_manager")
    session.commit()
    with TestClient(app, follow_redirects=False) as client:
        assert log_in(client, user.email).status_code == 303
        page = client.get("/manager/leads", headers={"Accept": "text/html"})
        nav = visible_text(client.get("/manager").text)

    assert page.status_code == 403
    assert (
        "Вашей роли (аккаунт-менеджер) эта страница недоступна; она для ролей: "
        "продажи, менеджер, администратор." in main_text(page.text)
    )
    assert "(аккаунт-менеджер)" in nav and "Заявки" not in nav
