import json

import pytest


@pytest.mark.django_db
def test_it_reports_database_and_broker_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["database"] == "ok"
    assert "broker" in body


@pytest.mark.django_db
def test_it_still_answers_200_when_the_broker_is_down(client, settings):
    from config.celery import app

    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url = settings.CELERY_BROKER_URL
    body = json.loads(response.content)
    assert response.status_code == 200
    assert body["broker"].startswith("error")
    assert body["status"] == "degraded"
