from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from followups.models import Preferences


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def create_preferences(sender, instance, created, raw=False, **kwargs) -> None:
    if created and not raw:
        Preferences.objects.get_or_create(user=instance)
