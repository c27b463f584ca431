"""The one email helper: every email Rapport sends (except Django's password reset) is
three templates rendered into one multipart message:

    templates/emails/<name>_subject.txt   one line
    templates/emails/<name>.txt           the plain-text body
    templates/emails/<name>.html          the HTML alternative (inline styles, tables)
"""

from collections.abc import Mapping

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def absolute_url(path: str) -> str:
    """Links in email must carry the site's address: there is no request to borrow it
    from when the beat task sends."""
    return f"{settings.SITE_URL}{path}"


def build_email(
    name: str,
    context: Mapping,
    *,
    to: list[str],
    headers: Mapping[str, str] | None = None,
) -> EmailMultiAlternatives:
    context = {"site_url": settings.SITE_URL, **context}
    subject = render_to_string(f"emails/{name}_subject.txt", context)
    # A subject is one line: template newlines would be a header injection error.
    subject = " ".join(subject.split())
    text = render_to_string(f"emails/{name}.txt", context)
    html = render_to_string(f"emails/{name}.html", context)
    message = EmailMultiAlternatives(subject, text, to=to, headers=dict(headers or {}))
    message.attach_alternative(html, "text/html")
    return message
