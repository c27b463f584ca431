"""A network of a chosen size for query-count tests: every kind of row a contacts
page shows, so that a missing select_related shows up as a growing count."""

from datetime import timedelta

from django.utils import timezone

from interactions.choices import Value
from tests.factories import (
    AttendanceFactory,
    CommitmentFactory,
    ConnectionFactory,
    ContactFactory,
    EventFactory,
    FollowUpFactory,
    InteractionFactory,
    ResourceFactory,
    TopicFactory,
)


def build_network(owner, size: int):
    topics = [TopicFactory(owner=owner) for _ in range(2)]
    event = EventFactory(owner=owner)
    resource = ResourceFactory(owner=owner)
    contacts = [ContactFactory(owner=owner, interests=topics) for _ in range(size)]
    hub = contacts[0]
    hub.met_at_event = event
    hub.save()
    for i, contact in enumerate(contacts):
        for days in range(1, 1 + size):
            InteractionFactory(
                owner=owner,
                contact=contact,
                occurred_at=timezone.now() - timedelta(days=days * 20),
                value=[Value.GIVE, Value.ASK, Value.NEUTRAL][days % 3],
                event=event,
                resource=resource,
            )
        FollowUpFactory(owner=owner, contact=contact, resource=resource)
        CommitmentFactory(owner=owner, contact=contact)
        AttendanceFactory(owner=owner, contact=contact, event=EventFactory(owner=owner))
        if i:
            ConnectionFactory(owner=owner, from_contact=hub, to_contact=contact)
            ConnectionFactory(owner=owner, from_contact=contact, to_contact=hub, kind="mentor")
    return contacts
