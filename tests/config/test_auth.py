import pytest

from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/", "/contacts/"])
def test_it_requires_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_answers_404_for_another_users_contact(alice_client, bob):
    theirs = ContactFactory(owner=bob)
    assert alice_client.get(f"/contacts/{theirs.pk}/").status_code == 404


def test_it_shows_the_owners_contact(alice_client, alice):
    mine = ContactFactory(owner=alice, first_name="Imani", last_name="Okafor")
    response = alice_client.get(f"/contacts/{mine.pk}/")
    assert response.status_code == 200
    assert "Imani" in response.text
