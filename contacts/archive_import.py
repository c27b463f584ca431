"""Rebuild a JSON archive (contacts.exports.build_archive) in an empty account.

All or nothing: the archive is checked row by row first, then written in one
transaction; any problem leaves the account as it was and says where it is."""

from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, connection, models, transaction

from contacts.exports import (
    ARCHIVE_FORMAT,
    ARCHIVE_VERSION,
    PREFERENCES_EXCLUDED,
    Collection,
    archive_collections,
)

MAX_REPORTED_ERRORS = 20


class ArchiveImportError(Exception):
    def __init__(self, messages: list[str]):
        self.messages = messages[:MAX_REPORTED_ERRORS]
        if len(messages) > MAX_REPORTED_ERRORS:
            self.messages.append(f"… and {len(messages) - MAX_REPORTED_ERRORS} more problems.")
        super().__init__("; ".join(self.messages))


def account_is_empty(user) -> bool:
    return not any(
        collection.model.objects.for_user(user).exists() for collection in archive_collections()
    )


def _check_shape(data) -> list[str]:
    if not isinstance(data, dict) or data.get("format") != ARCHIVE_FORMAT:
        return ["This is not a Rapport archive (the “format” field is missing or different)."]
    if data.get("version") != ARCHIVE_VERSION:
        return [
            f"This archive is version {data.get('version')!r}; "
            f"this Rapport reads version {ARCHIVE_VERSION}."
        ]
    errors = []
    for collection in archive_collections():
        rows = data.get(collection.name, [])
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            errors.append(f"“{collection.name}” must be a list of objects.")
    if not isinstance(data.get("preferences", {}), dict):
        errors.append("“preferences” must be an object.")
    return errors


def _clean_value(model_field: models.Field, value, where: str, errors: list[str]):
    try:
        if value is None and not model_field.null:
            raise ValidationError("may not be empty")
        if isinstance(value, str) and "\x00" in value:
            raise ValidationError("contains a NUL character")
        python_value = model_field.to_python(value)
        if python_value is not None:
            model_field.validate(python_value, None)
            model_field.run_validators(python_value)
        return python_value
    except (ValidationError, TypeError, ValueError) as exc:
        detail = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        errors.append(f"{where}: {model_field.name}: {detail}")
        return None


def _build_rows(
    collection: Collection, rows: list[dict], known_refs: dict[str, set], errors: list[str]
) -> list[tuple[int, dict, dict]]:
    """Check every row of one collection; returns (ref, values, many-to-many refs)."""
    fields = {f.name: f for f in collection.fields()}
    allowed = set(fields) | set(collection.many) | {"ref"}
    seen: set = set()
    built = []
    for index, row in enumerate(rows, start=1):
        ref = row.get("ref")
        where = f"{collection.name} #{ref if ref is not None else index}"
        if not isinstance(ref, int) or isinstance(ref, bool) or ref in seen:
            errors.append(f"{where}: needs a unique whole-number “ref”.")
            continue
        seen.add(ref)
        unknown = sorted(set(row) - allowed)
        if unknown:
            errors.append(f"{where}: unknown field(s) {', '.join(unknown)}.")
        values = {}
        for name, model_field in fields.items():
            if name not in row:
                continue  # an older archive without this field: the model default applies
            value = row[name]
            if name in collection.references:
                target = collection.references[name]
                if value is None and model_field.null:
                    values[model_field.attname] = None
                elif value in known_refs[target]:
                    values[model_field.attname] = (target, value)
                else:
                    errors.append(f"{where}: {name} refers to missing {target} #{value}.")
            else:
                values[name] = _clean_value(model_field, value, where, errors)
        many = {}
        for name, target in collection.many.items():
            targets = row.get(name, [])
            if not isinstance(targets, list) or any(t not in known_refs[target] for t in targets):
                errors.append(f"{where}: {name} refers to missing {target}.")
                continue
            many[name] = targets
        built.append((ref, values, many))
    known_refs[collection.name] = seen
    return built


def archive_import(*, owner, data) -> dict[str, int]:
    """Import `data` (a parsed archive) into `owner`'s account, which must be empty.
    Returns the number of rows created per collection."""
    from followups.models import Preferences

    errors = _check_shape(data)
    if errors:
        raise ArchiveImportError(errors)
    if not account_is_empty(owner):
        raise ArchiveImportError(
            ["This account already has data: an archive can only be restored into an empty one."]
        )
    collections = archive_collections()
    known_refs: dict[str, set] = {}
    plan = []
    for collection in collections:
        plan.append(
            (collection, _build_rows(collection, data.get(collection.name, []), known_refs, errors))
        )
    preference_fields = {
        f.name: f for f in Preferences._meta.concrete_fields if f.name not in PREFERENCES_EXCLUDED
    }
    preference_values = {}
    for name, value in data.get("preferences", {}).items():
        if name not in preference_fields:
            errors.append(f"preferences: unknown field {name}.")
            continue
        preference_values[name] = _clean_value(
            preference_fields[name], value, "preferences", errors
        )
    if errors:
        raise ArchiveImportError(errors)

    counts = {}
    try:
        with transaction.atomic():
            new_ids: dict[str, dict[int, int]] = {}
            for collection, rows in plan:
                objects = []
                for _ref, values, _many in rows:
                    resolved = {
                        key: new_ids[value[0]][value[1]] if isinstance(value, tuple) else value
                        for key, value in values.items()
                    }
                    for name, references in collection.id_templates.items():
                        if resolved.get(name):
                            resolved[name] = _fill_template(resolved[name], resolved, references)
                    objects.append(collection.model(owner=owner, **resolved))
                created = collection.model.objects.bulk_create(objects, batch_size=500)
                new_ids[collection.name] = {
                    ref: obj.pk for (ref, _, _), obj in zip(rows, created, strict=True)
                }
                _restore_automatic_dates(collection, rows, created)
                for name in collection.many:
                    relation = collection.model._meta.get_field(name)
                    through = relation.remote_field.through
                    source = relation.m2m_field_name()
                    destination = relation.m2m_reverse_field_name()
                    target = collection.many[name]
                    through.objects.bulk_create(
                        [
                            through(
                                **{
                                    f"{source}_id": new_ids[collection.name][ref],
                                    f"{destination}_id": new_ids[target][target_ref],
                                }
                            )
                            for ref, _, many in rows
                            for target_ref in many.get(name, [])
                        ],
                        batch_size=1000,
                    )
                counts[collection.name] = len(created)
            if preference_values:
                preferences = Preferences.for_user(owner)
                for name, value in preference_values.items():
                    setattr(preferences, name, value)
                preferences.save()
    except (IntegrityError, DataError) as exc:
        raise ArchiveImportError([f"The archive is inconsistent: {exc}"]) from exc
    return counts


def _fill_template(text: str, values: dict, references: dict[str, tuple[str, ...]]) -> str:
    for name in references.get("*", ()):
        token = "{" + name + "}"
        if token in text:
            if values.get(f"{name}_id") is None:
                raise ArchiveImportError([f"“{text}” refers to an empty {name}."])
            text = text.replace(token, str(values[f"{name}_id"]))
    return text


def _restore_automatic_dates(collection: Collection, rows, created) -> None:
    """bulk_create stamps auto_now / auto_now_add fields with the current time; put the
    archived values back. One UPDATE … CASE per batch, written here because the ORM's
    bulk_update spends seconds building the same statement for ten thousand rows."""
    model = collection.model
    names = [
        f.name
        for f in collection.fields()
        if (getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False))
        and all(f.name in values for _, values, _ in rows)
    ]
    if not names or not created:
        return
    fields = [model._meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    per_row = 2 * len(fields) + 1
    batch = min(500, (connection.features.max_query_params or 65535) // per_row)
    pairs = [(values, obj.pk) for (_, values, _), obj in zip(rows, created, strict=True)]
    with connection.cursor() as cursor:
        for start in range(0, len(pairs), batch):
            chunk = pairs[start : start + batch]
            assignments, params = [], []
            for f in fields:
                whens = " ".join(["WHEN %s THEN %s"] * len(chunk))
                assignments.append(f"{quote(f.column)} = CASE {pk} {whens} END")
                for values, obj_pk in chunk:
                    params += [obj_pk, f.get_db_prep_save(values[f.name], connection)]
            params += [obj_pk for _, obj_pk in chunk]
            placeholders = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"UPDATE {table} SET {', '.join(assignments)} WHERE {pk} IN ({placeholders})",
                params,
            )
