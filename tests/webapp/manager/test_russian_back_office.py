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
