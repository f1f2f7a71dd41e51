"""The processed contract, checked once on the way into the store: pinned schema, vocabularies, ranges.

`conform` casts a table to its dataset's pinned schema and checks the rules declared beside each
column in schemas.py. Readers reject bad input with a Problem before it gets here, so a violation
is a bug in a reader: it raises ContractError and nothing is dropped or mended. The checks are
vectorised and look at distinct values where they can (the dictionary of a dictionary-encoded
column, not its rows), so a national police file costs a few passes over its numeric columns.
`cast` is the cast alone, for tables that were checked when they were written. `conform_stored` is
`conform` for the way to disk: text columns that come dictionary-encoded stay so (the Parquet writer
takes them as they are; casting a national file to plain strings first cost more than writing it).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cache
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ivp_pipeline.schemas import (
    MISSING_STATES,
    ZERO_STATE,
    Dataset,
    Matches,
    OneOf,
    StatedBy,
    Within,
    WithinPer,
)

SHOWN = 5  # offending values named in an error


class ContractError(ValueError):
    """Rows that break the processed contract: a bug in the reader that produced them."""

    def __init__(self, dataset: str, column: str, rule: str, values: Sequence[Any], rows: int) -> None:
        self.dataset, self.column, self.rule = dataset, column, rule
        self.values, self.rows = list(values), rows
        shown = ", ".join(repr(v) for v in self.values)
        super().__init__(
            f"{dataset}.{column}: {rows} {'row breaks' if rows == 1 else 'rows break'} the contract, {rule} "
            f"(found {shown}); a reader must reject such input with a Problem"
        )


# How a text column may be held on its way to disk: small integer codes into its distinct values.
STORED_DICTIONARY = pa.dictionary(pa.int32(), pa.string())


def _require_columns(table: pa.Table, dataset: Dataset) -> None:
    """Raises on a missing or extra column (a bug in a reader)."""
    schema = dataset.schema
    have, want = set(table.column_names), set(schema.names)
    missing = [n for n in schema.names if n not in have]
    extra = [n for n in table.column_names if n not in want]
    if missing or extra:
        what = f"columns missing {missing}, unexpected {extra}"
        raise ContractError(dataset.name, ", ".join(missing + extra), what, [], table.num_rows)


def cast(table: pa.Table, dataset: Dataset) -> pa.Table:
    """Cast to the pinned schema (column order, types); raises on a missing or extra column (a bug)."""
    schema = dataset.schema
    _require_columns(table, dataset)
    if table.schema.equals(schema, check_metadata=True):  # e.g. merged rows on their way to disk
        return table
    return table.select(schema.names).cast(schema)


def conform(table: pa.Table, dataset: Dataset) -> pa.Table:
    """`cast`, then check every rule of the dataset; raises ContractError on the first broken one."""
    pinned = cast(table, dataset)
    _check(table, pinned, dataset)
    return pinned


def conform_stored(table: pa.Table, dataset: Dataset) -> pa.Table:
    """`conform` for writing: the pinned names, order, types and nullability, except that a text
    column that comes dictionary-encoded stays so (as STORED_DICTIONARY, without null entries in
    its dictionary, which the Parquet writer refuses). Parquet stores both forms alike."""
    _require_columns(table, dataset)
    fields, columns = [], []
    for field in dataset.schema:
        column = table[field.name]
        if pa.types.is_dictionary(column.type) and field.type == pa.string():
            column = _stored_dictionary(column)
            field = pa.field(field.name, STORED_DICTIONARY, field.nullable)
        elif column.type != field.type:
            column = column.cast(field.type)
        fields.append(field)
        columns.append(column)
    stored = pa.Table.from_arrays(columns, schema=pa.schema(fields, metadata=table.schema.metadata))
    _check(table, stored, dataset)
    return stored


def _stored_dictionary(column: pa.ChunkedArray) -> pa.ChunkedArray:
    if column.type == STORED_DICTIONARY and not any(c.dictionary.null_count for c in column.chunks):
        return column  # as a reader built it (the police readers do): nothing to redo
    chunks = []
    for chunk in column.chunks:
        dictionary = chunk.dictionary
        if dictionary.null_count or dictionary.type != pa.string():
            chunk = pc.dictionary_encode(chunk.cast(pa.string()))  # a null entry: encode anew
        indices = chunk.indices if chunk.indices.type == pa.int32() else chunk.indices.cast(pa.int32())
        chunks.append(pa.DictionaryArray.from_arrays(indices, chunk.dictionary))
    return pa.chunked_array(chunks, STORED_DICTIONARY)


def _check(table: pa.Table, pinned: pa.Table, dataset: Dataset) -> None:
    """The rules on `pinned` (the table cast); vocabularies look at `table`'s dictionaries if it has them."""
    for field in dataset.schema:
        column = pinned[field.name]
        if not field.nullable and column.null_count:
            raise ContractError(dataset.name, field.name, "a value is required", [None], column.null_count)
        if pa.types.is_floating(field.type):
            _check_finite(dataset, field.name, column)
    rules = dataset.rules
    # Single columns first, so that a row-to-row rule never reports what is an unknown value.
    for name, column_rules in rules.items():
        for rule in column_rules:
            if isinstance(rule, OneOf | Matches):
                _check_values(dataset, name, table[name], pinned[name], rule)
            elif isinstance(rule, Within):
                _check_within(dataset, name, pinned[name], rule)
    for name, column_rules in rules.items():
        for rule in column_rules:
            if isinstance(rule, StatedBy):
                _check_stated(dataset, name, pinned[name], table[rule.state], rule)
            elif isinstance(rule, WithinPer):
                _check_within_per(dataset, name, pinned[name], table[rule.by], rule)


def _check_finite(dataset: Dataset, name: str, column: pa.ChunkedArray) -> None:
    bad = pc.invert(pc.is_finite(column))  # null stays null: not counted
    if pc.any(bad).as_py():
        _raise(dataset, name, "a number must be finite", column, bad)


def _check_values(
    dataset: Dataset, name: str, original: pa.ChunkedArray, pinned: pa.ChunkedArray, rule: OneOf | Matches
) -> None:
    def fits(values: pa.Array) -> pa.Array:  # of values without nulls (nulls are the field's concern)
        if isinstance(rule, OneOf):
            return pc.is_in(values, value_set=_value_set(rule.values))
        return pc.match_substring_regex(values, f"^(?:{rule.pattern})$")

    def failing(values: pa.Array) -> pa.Array:
        values = pc.drop_null(values)
        return values.filter(pc.invert(fits(values)))

    bad: list[pa.Array] = []
    fine: list[pa.Array] = []  # dictionaries whose every entry fits (the partitions of a file share one)
    for chunk in original.chunks:
        if isinstance(chunk, pa.DictionaryArray):
            if any(d is chunk.dictionary or d.equals(chunk.dictionary) for d in fine):
                continue
            if pc.all(fits(pc.drop_null(_strings(chunk.dictionary)))).as_py() is not False:
                fine.append(chunk.dictionary)
                continue  # every entry is fine, so is every row
            # Some entry is not: name only the entries rows really use (slices share a dictionary).
            chunk = chunk.dictionary.take(pc.unique(pc.drop_null(chunk.indices)))
        else:
            chunk = pc.unique(chunk)
        bad.append(failing(_strings(chunk)))
    if bad and any(len(b) for b in bad):
        values = pc.unique(pa.chunked_array(bad, pa.string()))
        what = (
            f"not one of {', '.join(rule.values)}"
            if isinstance(rule, OneOf)
            else f"not of the shape {rule.shape}"
        )
        plain = pinned.cast(pa.string()) if pa.types.is_dictionary(pinned.type) else pinned
        _raise(dataset, name, what, plain, pc.is_in(plain, value_set=values))


def _check_within(dataset: Dataset, name: str, column: pa.ChunkedArray, rule: Within) -> None:
    low, high = pc.min_max(column).values()
    if low.as_py() is None:
        return  # no values
    too_low = rule.low is not None and low.as_py() < rule.low
    too_high = rule.high is not None and high.as_py() > rule.high
    if too_low or too_high:
        _raise(
            dataset,
            name,
            f"outside {_range(rule.low, rule.high)}",
            column,
            _outside(column, rule.low, rule.high),
        )


def _check_stated(
    dataset: Dataset, name: str, value: pa.ChunkedArray, state: pa.ChunkedArray, rule: StatedBy
) -> None:
    is_null = pc.is_null(value)
    missing = _member(state, MISSING_STATES)
    if pc.any(pc.xor(missing, is_null)).as_py():
        present = pc.and_(missing, pc.invert(is_null))
        if pc.any(present).as_py():
            why = f"a value must be null when {rule.state} is {' or '.join(MISSING_STATES)}"
            _raise(dataset, name, why, value, present, by=state)
        why = f"a value is required when {rule.state} is not {' or '.join(MISSING_STATES)}"
        _raise(dataset, name, why, value, pc.and_(pc.invert(missing), is_null), by=state)
    zero = _member(state, (ZERO_STATE,))
    not_zero = pc.and_(zero, pc.not_equal(value, 0))  # a null value is reported above
    if pc.any(not_zero).as_py():
        _raise(
            dataset, name, f"a value must be 0 when {rule.state} is {ZERO_STATE}", value, not_zero, by=state
        )


def _check_within_per(
    dataset: Dataset, name: str, column: pa.ChunkedArray, by: pa.ChunkedArray, rule: WithinPer
) -> None:
    masks = [
        pc.and_(_member(by, (key,)), _outside(column, low, high)) for key, (low, high) in rule.ranges.items()
    ]
    if not masks:
        return
    bad = masks[0]
    for mask in masks[1:]:
        bad = pc.or_(bad, mask)
    if pc.any(bad).as_py():
        ranges = "; ".join(f"{k} {_range(lo, hi)}" for k, (lo, hi) in rule.ranges.items())
        _raise(dataset, name, f"outside the range of its {rule.by} ({ranges})", column, bad, by=by)


def _member(column: pa.ChunkedArray, values: Sequence[str]) -> pa.ChunkedArray:
    """Per row: is the value one of `values`; for a dictionary column, computed on its dictionary."""
    value_set = _value_set(tuple(values))
    chunks = []
    seen: list[tuple[pa.Array, pa.Array]] = []  # (dictionary, is_in per entry): slices share one
    for chunk in column.chunks:
        if isinstance(chunk, pa.DictionaryArray):
            per_entry = next((m for d, m in seen if d.equals(chunk.dictionary)), None)
            if per_entry is None:
                per_entry = pc.is_in(_strings(chunk.dictionary), value_set=value_set)
                seen.append((chunk.dictionary, per_entry))
            chunks.append(pc.fill_null(per_entry.take(chunk.indices), False))
        else:
            chunks.append(pc.is_in(_strings(chunk), value_set=value_set))
    return pa.chunked_array(chunks, pa.bool_())


def _strings(values: pa.Array) -> pa.Array:
    return values if values.type == pa.string() else values.cast(pa.string())


@cache
def _value_set(values: tuple[str, ...]) -> pa.Array:
    return pa.array(values, pa.string())


def _outside(column: pa.ChunkedArray, low: float | None, high: float | None) -> pa.ChunkedArray:
    """Per row: is the number outside [low, high] (False for nulls)."""
    below = pc.less(column, -math.inf if low is None else low)
    above = pc.greater(column, math.inf if high is None else high)
    return pc.fill_null(pc.or_(below, above), False)


def _range(low: float | None, high: float | None) -> str:
    if low is None:
        return f"<= {high:g}"
    if high is None:
        return f">= {low:g}"
    return f"{low:g}-{high:g}"


def _raise(
    dataset: Dataset,
    name: str,
    rule: str,
    column: pa.ChunkedArray,
    mask: pa.ChunkedArray,
    by: pa.ChunkedArray | None = None,
) -> None:
    """ContractError for the rows where `mask` is true: how many, and a few distinct offending values
    (as (value, value of `by`) when the rule involves a second column)."""
    mask = pc.fill_null(mask, False)
    rows = int(pc.sum(mask).as_py() or 0)
    if pa.types.is_dictionary(column.type):
        column = column.cast(column.type.value_type)
    cols = {"v": column} if by is None else {"v": column, "by": by.cast(pa.string())}
    found = pa.table(cols).filter(mask).group_by(list(cols), use_threads=False).aggregate([])[:SHOWN]
    if by is None:
        values: list[Any] = found["v"].to_pylist()
    else:
        values = list(zip(found["v"].to_pylist(), found["by"].to_pylist(), strict=True))
    raise ContractError(dataset.name, name, rule, values, rows)
