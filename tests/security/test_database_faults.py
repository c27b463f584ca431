"""The app survives its database connection being cut: a PostgreSQL restart looks like
this to Django. (Requests that write several rows do so in atomic services.)"""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.db import connection
from django.test import Client

from tests.factories import ContactFactory, UserFactory


def cut_connections_except(keep_pid: int) -> None:
    """What a PostgreSQL restart does to the app: its server-side sessions disappear."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> %s AND pid <> pg_backend_pid()",
            [keep_pid],
        )


def serve_in_gunicorn(database_name: str, port: int, *, health_checks: bool):
    """One long-lived gunicorn worker, so the same database connection serves every
    request, as in production."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "TESTING": "1",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{database_name}",
        "DB_CONN_MAX_AGE": "600",
        "DB_HEALTH_CHECKS": "1" if health_checks else "0",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--workers",
            "1",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        env=env,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("gunicorn did not start")


def fetch(url: str, cookie: str) -> int:
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("health_checks, expected_after_cut", [(True, 200), (False, 500)])
def test_it_reconnects_after_the_database_drops_its_connections(health_checks, expected_after_cut):
    """With CONN_HEALTH_CHECKS the first request after the cut reconnects; the control
    run without them shows the cut really breaks a persistent connection."""
    alice = UserFactory(username="alice")
    contact = ContactFactory(owner=alice)
    client = Client()
    client.force_login(alice)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    port = 18_000 + os.getpid() % 1000
    server = serve_in_gunicorn(connection.settings_dict["NAME"], port, health_checks=health_checks)
    try:
        url = f"http://127.0.0.1:{port}/contacts/{contact.pk}/"
        assert fetch(url, cookie) == 200
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (test_pid,) = cursor.fetchone()
        cut_connections_except(test_pid)
        assert fetch(url, cookie) == expected_after_cut
        assert fetch(url, cookie) == 200
    finally:
        server.terminate()
        server.wait(10)
