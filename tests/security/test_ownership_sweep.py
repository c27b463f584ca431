"""Ownership sweep: every URL that takes an object id answers another user 404 for
every method, plain or HTMX, and changes nothing."""

import pytest

from tests.factories import UserFactory
from tests.security.urls import SECRET_TOKEN_KWARGS, project_routes
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


# Route parameters that name no object: each is read against the requesting user's own
# data only (say why when adding one).
NOT_AN_ID = {
    "key",  # agenda_section: a section of the user's own agenda ("overdue", "today"…)
}


def test_every_route_parameter_is_an_object_id_or_a_secret(capsys):
    """An id under any name (pk, contact_pk, attendance_pk…) is swept as long as it is
    an int; a route taking anything else must be a known secret-token route, or the
    sweep would silently skip it."""
    routes = project_routes()
    for route in routes:
        for name, converter in route.kwargs.items():
            assert converter == "int" or name in SECRET_TOKEN_KWARGS | NOT_AN_ID, (
                f"{route.route}: <{converter}:{name}> escapes the ownership sweep"
            )
    other_names = {n for r in ROUTES_WITH_IDS for n in r.kwargs if n != "pk"}
    assert {"contact_pk", "attendance_pk"} <= other_names
    with capsys.disabled():
        print(
            f"\nOwnership sweep: {len(ROUTES_WITH_IDS)} of {len(routes)} URL patterns take "
            f"object ids (named {sorted({n for r in ROUTES_WITH_IDS for n in r.kwargs})}); "
            f"{sum(r.takes_secret for r in routes)} take a secret token instead."
        )
