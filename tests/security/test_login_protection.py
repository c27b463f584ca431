import pytest
from django.core import mail
from django.core.cache import cache

from config.ratelimit import hit
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def login(client, password):
    return client.post("/accounts/login/", {"username": "erin", "password": password})


def test_it_locks_a_username_out_after_five_failures_even_with_the_right_password(client):
    UserFactory(username="erin")
    for _ in range(4):
        assert login(client, "wrong").status_code == 200
    assert login(client, "wrong").status_code == 429  # the fifth failure locks
    locked = login(client, "password")
    assert locked.status_code == 429
    assert "Too many failed log-ins" in locked.text
    assert "_auth_user_id" not in client.session


def test_it_lets_the_right_password_in_below_the_limit(client):
    UserFactory(username="erin")
    for _ in range(4):
        login(client, "wrong")
    assert login(client, "password").status_code == 302
    assert "_auth_user_id" in client.session


def test_it_rate_limits_password_reset_requests(client):
    UserFactory(username="erin", email="erin@example.com")
    for _ in range(5):
        response = client.post("/accounts/password_reset/", {"email": "erin@example.com"})
        assert response.status_code == 302
    blocked = client.post("/accounts/password_reset/", {"email": "erin@example.com"})
    assert blocked.status_code == 429
    assert blocked["Retry-After"] == "3600"
    assert len(mail.outbox) == 5


def test_it_fails_open_when_the_cache_is_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }
    assert all(hit("test", "1.2.3.4", limit=1, window_seconds=60) for _ in range(3))


def test_it_keeps_non_staff_out_of_the_admin(client):
    client.force_login(UserFactory(username="frank"))
    response = client.get("/admin/contacts/contact/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
