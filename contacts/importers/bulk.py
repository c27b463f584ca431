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

from collections.abc import Callable
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
    values = [_values_for(field, connection, now) for field in fields]
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
                copy.write_row([new_id, *(value(row) for value in values)])
    return ids


def _values_for(field: Field, connection, now) -> Callable[[dict], Any]:
    """A function giving the field's database value for one row dict."""
    attname = field.attname
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        prepared_now = field.get_db_prep_save(now, connection)
        return lambda row: prepared_now

    def given(value):
        return field.get_db_prep_save(value, connection)

    if field.has_default() and callable(field.default):
        return lambda row: given(row[attname] if attname in row else field.get_default())
    prepared_default = given(field.get_default())
    return lambda row: given(row[attname]) if attname in row else prepared_default
