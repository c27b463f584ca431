import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from followups.models import FollowUp, FollowUpKind
from tests.factories import ContactFactory
from tests.followups.conftest import local, talk

pytestmark = pytest.mark.django_db


def call(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("run_rules", *args, stdout=out)
    return out.getvalue()


def test_it_runs_the_rules_at_the_given_time_and_twice_changes_nothing(owner, bob):
    talk(ContactFactory(owner=owner), local(2026, 11, 25, 15))
    talk(ContactFactory(owner=bob), local(2026, 11, 25, 15))
    first = json.loads(call("--now", "2026-11-26T14:00:00Z", "--json"))
    assert (first["users"], first["created"]) == (2, {"thank_you": 2})
    second = json.loads(call("--now", "2026-11-26T14:00:00Z", "--json"))
    assert second["created_total"] == 0
    assert (
        list(FollowUp.objects.values_list("kind", "due_on"))
        == [(FollowUpKind.THANK_YOU, date(2026, 11, 26))] * 2
    )


def test_it_runs_one_user_and_says_what_it_did(owner, bob):
    talk(ContactFactory(owner=owner), local(2026, 11, 25, 15))
    talk(ContactFactory(owner=bob), local(2026, 11, 25, 15))
    out = call("--now", "2026-11-26T09:00", "--user", "alice")
    assert "Rules ran for 1 user(s) as of 2026-11-26T09:00:00+00:00" in out
    assert "created 1 follow-up(s) (1 thank_you)" in out
    assert FollowUp.objects.filter(owner=bob).count() == 0


@pytest.mark.parametrize(
    "args,message",
    [
        (["--now", "yesterday"], "not an ISO 8601"),
        (["--now", "2026-13-01"], "not an ISO 8601"),
        (["--user", "nobody"], "No user named"),
    ],
)
def test_it_refuses_bad_input_and_writes_nothing(owner, args, message):
    talk(ContactFactory(owner=owner), local(2026, 11, 25, 15))
    with pytest.raises(CommandError, match=message):
        call(*args)
    assert FollowUp.objects.count() == 0
