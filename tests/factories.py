"""factory-boy factories for every model, in one place."""

from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from contacts.models import Connection, ConnectionKind, Contact, ImportBatch, Tier, Topic
from followups.models import (
    Commitment,
    CommitmentDirection,
    DigestDelivery,
    FollowUp,
    FollowUpKind,
    QuietPeriod,
    Resource,
)
from interactions.choices import Channel, Direction, Purpose, Value
from interactions.models import Attendance, Event, Interaction, MessageTemplate


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "password")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OwnedFactory(factory.django.DjangoModelFactory):
    owner = factory.SubFactory(UserFactory)


class TopicFactory(OwnedFactory):
    class Meta:
        model = Topic

    name = factory.Sequence(lambda n: f"topic {n}")


class ContactFactory(OwnedFactory):
    class Meta:
        model = Contact
        skip_postgeneration_save = True

    honorific = "Dr."
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    credentials = "MD"
    title = "Attending Physician"
    specialty = "Cardiology"
    institution = "Montreal Heart Institute"
    email = factory.Sequence(lambda n: f"contact{n}@example.org")
    tier = Tier.REGULAR

    @factory.post_generation
    def interests(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.interests.set(extracted)


class ConnectionFactory(OwnedFactory):
    class Meta:
        model = Connection

    from_contact = factory.SubFactory(ContactFactory, owner=factory.SelfAttribute("..owner"))
    to_contact = factory.SubFactory(ContactFactory, owner=factory.SelfAttribute("..owner"))
    kind = ConnectionKind.COLLEAGUE


class EventFactory(OwnedFactory):
    class Meta:
        model = Event

    name = factory.Sequence(lambda n: f"Cardiology Summit {2026 + n}")
    starts_on = factory.LazyFunction(lambda: (timezone.now() + timedelta(days=10)).date())
    ends_on = factory.LazyAttribute(lambda e: e.starts_on + timedelta(days=2))
    location = "Montreal"


class AttendanceFactory(OwnedFactory):
    class Meta:
        model = Attendance

    event = factory.SubFactory(EventFactory, owner=factory.SelfAttribute("..owner"))
    contact = factory.SubFactory(ContactFactory, owner=factory.SelfAttribute("..owner"))


class ResourceFactory(OwnedFactory):
    class Meta:
        model = Resource
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Remote monitoring study {n}")
    url = factory.Sequence(lambda n: f"https://example.org/articles/{n}")

    @factory.post_generation
    def topics(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.topics.set(extracted)


class InteractionFactory(OwnedFactory):
    class Meta:
        model = Interaction

    contact = factory.SubFactory(ContactFactory, owner=factory.SelfAttribute("..owner"))
    occurred_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    channel = Channel.IN_PERSON
    direction = Direction.MUTUAL
    purpose = Purpose.MEETING
    summary = "Coffee after grand rounds."
    value = Value.NEUTRAL


class CommitmentFactory(OwnedFactory):
    class Meta:
        model = Commitment

    contact = factory.SubFactory(ContactFactory, owner=factory.SelfAttribute("..owner"))
    direction = CommitmentDirection.I_OWE
    description = "Send the triage paper"
    promised_on = factory.LazyFunction(lambda: timezone.now().date())
    due_on = factory.LazyAttribute(lambda c: c.promised_on + timedelta(days=7))


class FollowUpFactory(OwnedFactory):
    class Meta:
        model = FollowUp

    contact = factory.SubFactory(ContactFactory, owner=factory.SelfAttribute("..owner"))
    kind = FollowUpKind.CHECK_IN
    reason = "It has been a while since you talked."
    due_on = factory.LazyFunction(lambda: timezone.now().date())
    dedupe_key = factory.Sequence(lambda n: f"test:{n}")


class QuietPeriodFactory(OwnedFactory):
    class Meta:
        model = QuietPeriod

    starts_on = factory.LazyFunction(lambda: timezone.now().date())
    ends_on = factory.LazyAttribute(lambda q: q.starts_on + timedelta(days=7))
    reason = "Vacation"


class MessageTemplateFactory(OwnedFactory):
    class Meta:
        model = MessageTemplate

    name = "My thank-you"
    purpose = Purpose.THANK_YOU
    body = "Thank you for your time, {first_name}."


class ImportBatchFactory(OwnedFactory):
    class Meta:
        model = ImportBatch

    file_name = "attendees.csv"


class DigestDeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DigestDelivery

    user = factory.SubFactory(UserFactory)
    local_date = factory.LazyFunction(lambda: timezone.now().date())
