"""A small fixed-window rate limiter on the cache, for the password reset and the
one-click email links.

Written here rather than taken from django-ratelimit because that library refuses the
local-memory cache of the embedded run and raises when Redis is down; this one fails
open, so a cache outage never takes a page down (login lockout, which matters more,
is django-axes on the database)."""

import functools
import logging
import time

from django.core.cache import cache
from django.shortcuts import render

logger = logging.getLogger(__name__)


def client_ip(request) -> str:
    # REMOTE_ADDR is the proxy in production; gunicorn is run with --forwarded-allow-ips
    # so that it is the client's address there too.
    return request.META.get("REMOTE_ADDR", "unknown")


def hit(scope: str, ident: str, *, limit: int, window_seconds: int) -> bool:
    """Count one request; True while the caller is within `limit` per window."""
    window = int(time.time() // window_seconds)
    key = f"ratelimit:{scope}:{ident}:{window}"
    try:
        cache.add(key, 0, timeout=window_seconds + 5)
        return cache.incr(key) <= limit
    except Exception as exc:  # noqa: BLE001 - fail open: a cache outage must not block users
        logger.warning("Rate limit cache unavailable (%s); allowing the request.", exc)
        return True


def ratelimit(scope: str, *, limit: int, window_seconds: int, methods=("POST",)):
    """Decorate a view: over `limit` requests per window from one address get a 429."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in methods and not hit(
                scope, client_ip(request), limit=limit, window_seconds=window_seconds
            ):
                response = render(request, "429.html", status=429)
                response["Retry-After"] = str(window_seconds)
                return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
