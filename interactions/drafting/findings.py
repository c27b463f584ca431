"""The one shape every check returns."""

from dataclasses import dataclass

WARNING = "warning"
INFO = "info"


@dataclass(frozen=True)
class Finding:
    """Something worth the writer's attention. `start`/`end` index the checked text
    (text[start:end] is the flagged part) or are None when the finding is about the
    draft as a whole or about the contact. `severity` is "warning" for things to fix
    and "info" for context to keep in mind (availability, boundary notes)."""

    kind: str
    message: str
    start: int | None = None
    end: int | None = None
    suggestion: str = ""
    severity: str = WARNING

    @property
    def has_span(self) -> bool:
        return self.start is not None and self.end is not None

    @property
    def is_warning(self) -> bool:
        return self.severity == WARNING
