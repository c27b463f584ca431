"""Inserting many new rows fast, for the importer: rows given as {attname: value}
dicts go in through COPY on PostgreSQL (ids drawn from the table's sequence first, so
the caller gets them back), and through bulk_create elsewhere.

Why: bulk_create builds a model instance per row, prepares every field of it (a
Contact has about 45, most left at their default) and sends one INSERT with a
parameter per field per row, which psycopg quotes into the SQL text one by one; for a
20,000-row attendee list that was most of the import's time. Here a default is
prepared once per call, not once per row, and COPY streams the values.

Like bulk_create: no save() and no signals; defaults (callable ones per row) and
auto_now / auto_now_add apply. Unlike it: a conflict is an error (no
ignore_conflicts)."""

from typing import Any

from django.db import connections, router
from django.db.models import Field, Model
from django.utils import timezone


def insert_rows(model: type[Model], rows: list[dict[str, Any]]) -> list[int]:
    """INSERT one row per dict (keys are attnames: `owner_id`, not `owner`; missing
    fields take their default) and return the new primary keys, in order."""
    if not rows:
        return []
    alias = router.db_for_write(model)
    connection = connections[alias]
    meta = model._meta
    pk = meta.pk
    fields = [f for f in meta.concrete_fields if f is not pk]
    unknown = set().union(*rows) - {f.attname for f in fields}
    if unknown:
        raise ValueError(f"{model.__name__} has no field(s) {sorted(unknown)}")
    if connection.vendor != "postgresql" or not pk.get_internal_type().endswith("AutoField"):
        objs = model.objects.using(alias).bulk_create([model(**row) for row in rows])
        return [obj.pk for obj in objs]
    now = timezone.now()
    # Each row starts as a copy of the prepared defaults; only the fields it gives, and
    # those whose default is computed per row, are prepared for it.
    template: list = [None]
    per_row: list[tuple[int, Field]] = []
    position: dict[str, int] = {}
    for index, field in enumerate(fields, start=1):
        position[field.attname] = index
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            template.append(field.get_db_prep_save(now, connection))
        elif field.has_default() and callable(field.default):
            template.append(None)
            per_row.append((index, field))
        else:
            template.append(field.get_db_prep_save(field.get_default(), connection))
    by_position = {position[f.attname]: f for f in fields}
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in [pk, *fields])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, pk.column, len(rows)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        with cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for new_id, row in zip(ids, rows, strict=True):
                values = template.copy()
                values[0] = new_id
                for index, field in per_row:
                    if field.attname not in row:
                        values[index] = field.get_db_prep_save(field.get_default(), connection)
                for attname, value in row.items():
                    index = position[attname]
                    values[index] = by_position[index].get_db_prep_save(value, connection)
                copy.write_row(values)
    return ids
