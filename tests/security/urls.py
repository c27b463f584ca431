"""Every URL pattern of the project, read from the URL configuration, so a new view
cannot escape the security sweeps."""

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

# Patterns that take no object id of a user but a secret in the URL; each is proven
# by its own tests (signed links, calendar token, password reset).
SECRET_TOKEN_KWARGS = {"token", "signed", "uidb64", "signature"}
_CONVERTER = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>")


@dataclass(frozen=True)
class Route:
    route: str  # e.g. "contacts/<int:pk>/"
    name: str | None

    @property
    def kwargs(self) -> dict[str, str]:
        return {m["name"]: m["conv"] or "str" for m in _CONVERTER.finditer(self.route)}

    @property
    def takes_object_id(self) -> bool:
        return any(conv == "int" for conv in self.kwargs.values())

    @property
    def takes_secret(self) -> bool:
        return any(name in SECRET_TOKEN_KWARGS for name in self.kwargs)

    def url(self, object_id: int, secret: str = "x") -> str:
        def fill(match):
            return str(object_id) if match["conv"] == "int" else secret

        return "/" + _CONVERTER.sub(fill, self.route)


def _walk(patterns, prefix: str = ""):
    for entry in patterns:
        route = str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern):
            yield Route(route=prefix + route, name=entry.name)


def project_routes() -> list[Route]:
    """Our routes: everything but the Django admin (staff-only, tested on its own) and
    static files."""
    routes = []
    for route in _walk(get_resolver().url_patterns):
        if route.route.startswith(("admin/", "static/", "^")):
            continue
        routes.append(route)
    return routes
