"""A worker killed in the middle of the rules or the digest leaves no half state: the
rerun completes the work, the result equals a clean run's, nothing is duplicated.

The commands run in a real subprocess against the test database (PostgreSQL), and are
killed with SIGKILL (no cleanup, no exception handler runs), as the OOM killer or a
lost container would."""

import io
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from followups.models import DigestDelivery, DigestStatus, FollowUp
from tests.followups.digest_support import SMTPServer, digest_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def _conninfo(dbname: str) -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgresql://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{dbname}"


def command(name: str, *args: str, dbname: str | None = None, **env) -> subprocess.Popen:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "TESTING": "1",
        "DATABASE_URL": _conninfo(dbname or connection.settings_dict["NAME"]),
        "LOG_LEVEL": "WARNING",
        **env,
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", name, *args],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen) -> str:
    out, err = process.communicate(timeout=240)
    assert process.returncode == 0, err
    return out


def kill_when(process: subprocess.Popen, ready, timeout: float = 120) -> None:
    """SIGKILL the process as soon as `ready()` is true (polled); fail if it ended first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "the command finished before it could be killed"
        if ready():
            process.send_signal(signal.SIGKILL)
            process.wait(10)
            return
        time.sleep(0.005)
    process.kill()
    raise AssertionError("the command never reached the point to kill it at")


def rules_state(dbname: str) -> dict:
    """What the rules wrote, as plain values (row ids of follow-ups aside: a rolled-back
    transaction spends sequence numbers)."""
    with psycopg.connect(_conninfo(dbname)) as conn:
        followups = conn.execute(
            "SELECT owner_id, contact_id, kind, reason, due_on, status, snoozed_until,"
            " resource_id, commitment_id, source_interaction_id, dedupe_key"
            " FROM followups_followup ORDER BY owner_id, dedupe_key"
        ).fetchall()
        cursor = conn.execute("SELECT * FROM contacts_contact ORDER BY id")
        columns = [c.name for c in cursor.description]
        contacts = [
            {k: v for k, v in zip(columns, row, strict=True) if k != "updated_at"}
            for row in cursor.fetchall()
        ]
    return {"followups": followups, "contacts": contacts}


def clone_database(name: str) -> str:
    """A copy of the test database as it is now (PostgreSQL's template copy)."""
    source = connection.settings_dict["NAME"]
    copy = f"{source}_clean"
    connection.close()  # a template may have no other session
    with psycopg.connect(_conninfo("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{copy}"')
        admin.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{source}"')
    return copy


def drop_database(name: str) -> None:
    with psycopg.connect(_conninfo("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')


def test_rules_killed_part_way_then_rerun_equal_a_clean_run():
    call_command("seed_demo", users=8, contacts=60, seed=3, stdout=io.StringIO())
    # Months later: every user has check-ins and stale contacts to be flagged.
    now = (timezone.now() + timedelta(days=200)).isoformat()
    before = rules_state(connection.settings_dict["NAME"])
    clean_db = clone_database(connection.settings_dict["NAME"])
    try:
        finish(command("run_rules", "--now", now, dbname=clean_db))
        clean = rules_state(clean_db)
    finally:
        drop_database(clean_db)
    changed_owners = {r[0] for r in set(clean["followups"]) - set(before["followups"])}
    assert len(changed_owners) >= 6  # enough users to stop between

    started = timezone.now()
    users_done = FollowUp.objects.filter(created_at__gte=started).values("owner_id").distinct()
    run = command("run_rules", "--now", now)
    kill_when(run, lambda: users_done.count() >= 2)
    killed = rules_state(connection.settings_dict["NAME"])
    assert killed != clean and killed != before  # really part-way
    # Whatever the kill interrupted rolled back: every user is all done or untouched.
    for owner in changed_owners:
        mine = [r for r in killed["followups"] if r[0] == owner]
        assert mine in (
            [r for r in before["followups"] if r[0] == owner],
            [r for r in clean["followups"] if r[0] == owner],
        ), owner

    finish(command("run_rules", "--now", now))
    assert rules_state(connection.settings_dict["NAME"]) == clean
    finish(command("run_rules", "--now", now))  # and once more: no duplicates
    assert rules_state(connection.settings_dict["NAME"]) == clean


DIGEST_USERS = 12
DIGEST_NOW = datetime(2026, 1, 15, 13, tzinfo=UTC)  # 08:00 in Toronto


def digest_users() -> list:
    return [
        digest_user(
            f"dr{n}", time_zone="America/Toronto", hour=7, due_on=date(2026, 1, 15), followups=3
        )
        for n in range(DIGEST_USERS)
    ]


@pytest.fixture
def smtp():
    server = SMTPServer()
    server.start()
    yield server
    server.stop()


def smtp_env(server: SMTPServer) -> dict:
    return {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(server.port)}


def assert_exactly_one_email_each(server: SMTPServer, users) -> None:
    assert sorted(server.inbox.recipients()) == sorted(u.email for u in users)
    assert DigestDelivery.objects.count() == len(users)


def test_digest_killed_as_the_server_takes_a_message_sends_each_user_exactly_once(smtp):
    """The worst moment: the mail server has the message, the worker dies before it
    hears back. The rerun must not send it again, and must send everyone else's."""
    users = digest_users()
    run = command("send_digests", "--now", DIGEST_NOW.isoformat(), **smtp_env(smtp))
    original = smtp.inbox.handle_DATA

    async def kill_on_the_fourth(server, session, envelope):
        reply = await original(server, session, envelope)
        if len(smtp.inbox.received) == 4:
            run.send_signal(signal.SIGKILL)  # before the worker reads the 250
        return reply

    smtp.inbox.handle_DATA = kill_on_the_fourth
    run.wait(120)
    assert run.returncode == -signal.SIGKILL
    smtp.inbox.handle_DATA = original
    assert len(smtp.inbox.received) == 4
    assert DigestDelivery.objects.filter(status=DigestStatus.SENT).count() < 4

    finish(command("send_digests", "--now", DIGEST_NOW.isoformat(), **smtp_env(smtp)))
    finish(command("send_digests", "--now", DIGEST_NOW.isoformat(), **smtp_env(smtp)))
    assert_exactly_one_email_each(smtp, users)


def test_digest_killed_while_building_is_taken_over_and_sent_exactly_once(smtp):
    users = digest_users()
    run = command("send_digests", "--now", DIGEST_NOW.isoformat(), **smtp_env(smtp))
    claimed = DigestDelivery.objects.filter(status=DigestStatus.CLAIMED)

    def building_after_some_sent() -> bool:
        # Freeze the worker to look at it: kill only while it holds a claim it has not
        # started to send (a sending row's fate is the other test's).
        if len(smtp.inbox.received) < 3:
            return False
        run.send_signal(signal.SIGSTOP)
        if (
            claimed.exists()
            and not DigestDelivery.objects.filter(status=DigestStatus.SENDING).exists()
        ):
            return True
        run.send_signal(signal.SIGCONT)
        return False

    kill_when(run, building_after_some_sent)
    sent_before = len(smtp.inbox.received)
    assert 3 <= sent_before < DIGEST_USERS
    assert claimed.count() == 1

    # Within the claim's lease the abandoned claim is left alone (its run may be alive)…
    finish(command("send_digests", "--now", DIGEST_NOW.isoformat(), **smtp_env(smtp)))
    assert claimed.count() == 1
    assert len(smtp.inbox.received) == DIGEST_USERS - 1
    # …and once the lease is over, the next run takes it over and sends it.
    later = (DIGEST_NOW + timedelta(minutes=11)).isoformat()
    finish(command("send_digests", "--now", later, **smtp_env(smtp)))
    finish(command("send_digests", "--now", later, **smtp_env(smtp)))
    assert_exactly_one_email_each(smtp, users)
