"""The production files hang together: docker-compose.yml parses, every service has a
healthcheck, and every command the containers run exists in this project."""

import ast
import importlib
import re
import shlex
from pathlib import Path

import pytest
import yaml
from celery import Celery
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = {"web", "worker", "beat"}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def dockerfile_instruction(name: str) -> str:
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    lines = [line for line in text.splitlines() if line.startswith(f"{name} ")]
    assert lines, f"Dockerfile has no {name}"
    return lines[-1][len(name) + 1 :].strip()


def exec_form(value: str) -> list[str]:
    return ast.literal_eval(value)


def split_command(command) -> list[list[str]]:
    """A compose/Dockerfile command as the programs it runs: `sh -c "a && exec b"` is
    two commands."""
    argv = shlex.split(command) if isinstance(command, str) else list(command)
    if argv[:2] == ["sh", "-c"]:
        return [shlex.split(part) for part in argv[2].split("&&")]
    return [argv]


def assert_runs_in_project(argv: list[str]) -> None:
    if argv[0] == "exec":
        argv = argv[1:]
    program = argv[0]
    if program == "python" and argv[1] == "manage.py":
        assert argv[2] in get_commands(), f"no manage.py command {argv[2]!r}"
    elif program == "python" and argv[1].startswith("bin/"):
        script = ROOT / argv[1]
        assert script.is_file(), f"{argv[1]} does not exist"
        roles = re.search(r"^ROLES = (.*)$", script.read_text(), re.M).group(1)
        assert argv[2] in ast.literal_eval(roles), f"{argv[1]} has no mode {argv[2]!r}"
    elif program == "celery":
        assert argv[1] == "-A"
        app = importlib.import_module(f"{argv[2]}.celery").app
        assert isinstance(app, Celery)
        assert argv[3] in {"worker", "beat"}
    elif program == "gunicorn":
        module, attribute = argv[1].split(":")
        assert callable(getattr(importlib.import_module(module), attribute))
        config = argv[argv.index("--config") + 1]
        assert config.startswith("python:")
        gunicorn_config = importlib.import_module(config.removeprefix("python:"))
        assert gunicorn_config.bind.endswith(":8000")
    else:
        pytest.fail(f"unknown program in a container command: {argv}")


def test_it_gives_every_service_a_healthcheck(compose):
    services = compose["services"]
    assert set(services) == {"postgres", "redis", "web", "worker", "beat", "mailpit"}
    for name, service in services.items():
        test = service.get("healthcheck", {}).get("test")
        assert test and test[0] in {"CMD", "CMD-SHELL"}, f"{name} has no healthcheck"


def test_it_runs_only_commands_that_exist_in_the_project(compose, db):
    for name in APP_SERVICES:
        service = compose["services"][name]
        for argv in split_command(service["command"]):
            assert_runs_in_project(argv)
        assert_runs_in_project(service["healthcheck"]["test"][1:])
    assert_runs_in_project(exec_form(dockerfile_instruction("CMD")))
    healthcheck = dockerfile_instruction("HEALTHCHECK")
    assert_runs_in_project(exec_form(healthcheck[healthcheck.index("CMD ") + 4 :]))


def test_it_migrates_before_serving(compose):
    commands = split_command(compose["services"]["web"]["command"])
    assert commands[0][:3] == ["python", "manage.py", "migrate"]
    assert commands[-1][:2] == ["exec", "gunicorn"]


def test_it_starts_app_containers_only_after_their_dependencies_are_healthy(compose):
    services = compose["services"]
    for name in APP_SERVICES:
        depends_on = services[name]["depends_on"]
        for dependency in ("redis", "web" if name != "web" else "postgres"):
            assert depends_on[dependency]["condition"] == "service_healthy", (name, dependency)
    assert services["web"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["worker"]["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_it_has_one_beat_on_celerys_default_scheduler(compose):
    beat = compose["services"]["beat"]
    assert "deploy" not in beat or beat["deploy"].get("replicas", 1) == 1
    assert not any("--scheduler" in part for part in beat["command"])


def test_it_builds_a_slim_image_that_runs_as_a_non_root_user():
    text = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.13-slim AS runtime$", text, re.M)
    assert "-r /tmp/requirements.lock" in text
    assert dockerfile_instruction("USER") not in {"root", "0"}
    assert "collectstatic --noinput" in text
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    for secret_or_local in (".env", ".venv", "var", ".git"):
        assert secret_or_local in ignored


def test_it_lists_every_setting_variable_in_env_example():
    settings_source = (ROOT / "config" / "settings.py").read_text()
    read = set(re.findall(r'env_(?:str|bool|int|list)\(\s*"([A-Z_]+)"', settings_source))
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL"} <= read
    example = (ROOT / ".env.example").read_text()
    listed = set(re.findall(r"^#? ?([A-Z_]+)=", example, re.M))
    assert read - listed == set(), "missing from .env.example"
