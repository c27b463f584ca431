"""Production settings, as a container runs them: DEBUG off, a real key, real hosts.
Each test starts a fresh Python with that environment, since settings are read once."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def production_env(tmp_path) -> dict[str, str]:
    # Only what a container has: nothing leaks in from the test run's environment.
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="rapport.example.com,testserver",
        CSRF_TRUSTED_ORIGINS="https://rapport.example.com",
        EMAIL_URL="smtp://mailpit:1025",
        RAPPORT_VAR_DIR=str(tmp_path),
    )
    return env


def run_python(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_it_passes_the_deploy_check_with_production_settings(production_env):
    result = run_python(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_it_refuses_to_start_without_a_secret_key(production_env):
    del production_env["SECRET_KEY"]
    result = run_python(["manage.py", "check"], production_env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


LOGGING_SCRIPT = """
import django, logging
django.setup()
from django.test import Client
from config.celery import app

response = Client().get("/no-such-page", headers={"X-Request-ID": "req-abc123"}, secure=True)
assert response["X-Request-ID"] == "req-abc123"
logging.getLogger("rapport.check").info("outside any request")

@app.task(name="rapport.check.ok")
def ok():
    logging.getLogger("rapport.check").info("inside the task")

@app.task(name="rapport.check.broken")
def broken():
    raise ValueError("no such contact")

ok.apply()
broken.apply()
"""


def test_it_logs_one_json_object_a_line_with_the_request_id(production_env):
    # As in the image: the 404 page links hashed static files from the manifest.
    collected = run_python(["manage.py", "collectstatic", "--noinput"], production_env)
    assert collected.returncode == 0, collected.stderr
    result = run_python(["-c", LOGGING_SCRIPT], production_env)
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    by_message = {record["message"]: record for record in records}

    not_found = by_message["Not Found: /no-such-page"]
    assert not_found["request_id"] == "req-abc123"
    assert not_found["levelname"] == "WARNING"
    assert by_message["outside any request"]["request_id"] == "-"

    inside = by_message["inside the task"]
    succeeded = next(r for r in records if r.get("task") == "rapport.check.ok")
    assert succeeded["outcome"] == "success"
    assert succeeded["task_id"] == inside["request_id"]  # the task's lines share its id
    assert succeeded["duration_ms"] >= 0
    failed = next(r for r in records if r.get("task") == "rapport.check.broken")
    assert failed["outcome"] == "failure"
    assert failed["error"] == "ValueError: no such contact"
    assert failed["levelname"] == "ERROR"
