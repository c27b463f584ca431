"""Ownership sweep: every URL that takes an object id answers another user 404 for
every method, plain or HTMX, and changes nothing."""

import pytest

from tests.factories import UserFactory
from tests.security.urls import project_routes
from tests.security.world import SECOND_PK, VICTIM_PK, build_world, fingerprint

pytestmark = pytest.mark.django_db

ROUTES_WITH_IDS = [r for r in project_routes() if r.takes_object_id]


def test_it_finds_the_routes_that_take_object_ids():
    # The contact page at least; the sweep is meaningless if the walk finds nothing.
    assert any(r.name == "contact_detail" for r in ROUTES_WITH_IDS)


@pytest.mark.parametrize("route", ROUTES_WITH_IDS, ids=lambda r: r.name or r.route)
def test_it_answers_404_to_another_user_and_changes_nothing(client, route):
    alice = UserFactory(username="alice")
    build_world(alice)
    mallory = UserFactory(username="mallory")
    UserFactory(username="decoy")
    client.force_login(mallory)
    before = fingerprint(alice)
    for object_id in (VICTIM_PK, SECOND_PK):
        url = route.url(object_id)
        for headers in ({}, {"HX-Request": "true"}):
            for method in ("get", "post"):
                response = getattr(client, method)(url, headers=headers)
                # 405 is a method this view never accepts: answered before any lookup.
                assert response.status_code in (404, 405), (
                    f"{method.upper()} {url} {headers} answered {response.status_code}"
                )
    assert fingerprint(alice) == before
