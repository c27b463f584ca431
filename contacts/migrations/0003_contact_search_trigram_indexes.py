"""Trigram GIN indexes for the contact search, on PostgreSQL only (SQLite searches
with a plain LIKE). Django's icontains is UPPER(col::text) LIKE UPPER(%s), so the
indexes are on UPPER(col)."""

from django.db import migrations

SUBSTRING_FIELDS = [
    "first_name",
    "last_name",
    "email",
    "institution",
    "specialty",
    "title",
    "research_interests",
    "recent_work",
    "notes",
]


def _statements():
    for field in SUBSTRING_FIELDS:
        yield (
            f"contact_{field}_trgm_upper",
            f'CREATE INDEX IF NOT EXISTS contact_{field}_trgm_upper ON contacts_contact '
            f'USING gin ((UPPER("{field}"::text)) gin_trgm_ops)',
        )
    yield (
        "topic_name_trgm_upper",
        "CREATE INDEX IF NOT EXISTS topic_name_trgm_upper ON contacts_topic "
        'USING gin ((UPPER("name"::text)) gin_trgm_ops)',
    )


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for _, sql in _statements():
        schema_editor.execute(sql)


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _ in _statements():
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("contacts", "0002_initial")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
