"""The rows of a table model: those loaded (in the query's order) and those shown (filtered by a
text, sorted by a column).  Plain Python, no Qt: :class:`.models.PlanTableModel` owns one and tells
its views what changed.

Sorting and filtering work on the row list and the model is reset (a QSortFilterProxyModel asking
data() per comparison took seconds at 31 890 rows: docs/national-scale.md).  A column's sort values
are made once per load and kept (:meth:`RowSet.set_keys`; the model makes them in a worker for a
big table), so a sort is one ``list.sort`` of row numbers; a replaced row has only its own values
made again.
"""
from __future__ import annotations

from collections.abc import Callable

STALE = object()     # a kept sort value or filter text to be made again (its row was replaced)


class RowSet:
    def __init__(self):
        self.loaded: list[dict] = []
        self.shown: list[dict] = []
        self.sort: tuple[str, bool] | None = None    # (column key, descending); None: the query's order
        self.needle = ""                             # lower-cased filter text; "" shows every row
        self._texts: list[str | None] | None = None  # per loaded row: its shown text, lower-cased
        self._keys: dict[str, list] = {}             # column key -> per loaded row its sort value

    def load(self, rows: list[dict], texts: list[str] | None = None, keys: dict[str, list] | None = None) -> None:
        """New rows; ``texts``: their filter texts (lower-cased), ``keys``: sort values per column key,
        when already made (in a worker)."""
        self.loaded = rows
        self._texts = texts
        self._keys = dict(keys or {})

    def update(self, rows: list[dict]) -> None:
        """Loaded rows of which some were replaced (the filter's text and the sort values are made
        again for those only)."""
        if len(rows) == len(self.loaded):
            replaced = [i for i, (new, old) in enumerate(zip(rows, self.loaded)) if new is not old]
            self.loaded = rows
            self._forget(replaced)
        else:
            self.load(rows)

    def _forget(self, indexes) -> None:
        for i in indexes:
            if self._texts is not None:
                self._texts[i] = None
            for keys in self._keys.values():
                keys[i] = STALE

    # -- sort values ----------------------------------------------------------------------------
    def has_keys(self, key: str) -> bool:
        """The sort values of column ``key`` are all there (a sort needs no row read)."""
        keys = self._keys.get(key)
        return keys is not None and not any(k is STALE for k in keys)

    def set_keys(self, key: str, rows: list[dict], keys: list) -> bool:
        """Keep the sort values made (in a worker) for ``rows``; False when the rows were replaced
        meanwhile (the values are then of no use)."""
        if rows is not self.loaded or len(keys) != len(rows):
            return False
        self._keys[key] = keys
        return True

    def _keys_of(self, key: str, sort_values: Callable[[list[dict], str], list]) -> list:
        keys = self._keys.get(key)
        if keys is None:
            keys = self._keys[key] = sort_values(self.loaded, key)
        else:
            stale = [i for i, k in enumerate(keys) if k is STALE]
            if stale:
                for i, value in zip(stale, sort_values([self.loaded[i] for i in stale], key)):
                    keys[i] = value
        return keys

    # -- arranging ------------------------------------------------------------------------------
    def arrange(self, sort_values: Callable[[list[dict], str], list], row_text: Callable[[dict], str],
                kept_last: Callable[[dict], bool] | None = None) -> list[dict]:
        """The shown rows for the current filter and sort (not stored: see :meth:`show`).

        ``sort_values(rows, key)``: per row a comparable value, None for an empty cell (listed last
        both ways; made once per load and column); ``row_text(row)``: the row's text for the filter
        (made once per load); ``kept_last(row)``: a row that stays at the end, unfiltered (a total)."""
        if not self.arranged:
            return self.loaded
        loaded = self.loaded
        indexes: list[int] | range = range(len(loaded))
        if self.needle:
            texts = self._texts
            if texts is None:
                texts = self._texts = [row_text(r).lower() for r in loaded]
            else:
                for i, text in enumerate(texts):
                    if text is None:
                        texts[i] = row_text(loaded[i]).lower()
            needle = self.needle
            indexes = [i for i, text in enumerate(texts) if needle in text or (kept_last and kept_last(loaded[i]))]
        last: list[int] = []
        if kept_last:
            last = [i for i in indexes if kept_last(loaded[i])]
            if last:
                kept = set(last)
                indexes = [i for i in indexes if i not in kept]
        if self.sort is not None:
            key, descending = self.sort
            keys = self._keys_of(key, sort_values)
            present = [i for i in indexes if keys[i] is not None]
            present.sort(key=keys.__getitem__, reverse=descending)     # stable: ties keep the query's order
            indexes = present + [i for i in indexes if keys[i] is None]
        return [loaded[i] for i in indexes] + [loaded[i] for i in last]

    def show(self, rows: list[dict]) -> None:
        self.shown = rows

    @property
    def arranged(self) -> bool:
        """Filtered or sorted: the shown rows are not the query's."""
        return bool(self.needle) or self.sort is not None

    def splice(self, unit_code: str, rows: list[dict], row_key: Callable[[dict], object],
               contiguous: bool) -> list[int] | None:
        """Put ``rows`` (one unit's, just read again) in place of that unit's loaded rows.

        Returns the loaded indexes replaced one for one (the same rows, new values); [] when the unit's
        rows changed in number or identity and were replaced as a block (``contiguous``: a unit's rows
        follow each other); None when they cannot be placed (the caller reads every row again)."""
        where = [i for i, r in enumerate(self.loaded) if r.get("unit_code") == unit_code]
        if [row_key(self.loaded[i]) for i in where] == [row_key(r) for r in rows]:
            loaded = list(self.loaded)
            for i, row in zip(where, rows):
                loaded[i] = row
            self.loaded = loaded
            self._forget(where)
            return where
        if not contiguous or not where or where != list(range(where[0], where[-1] + 1)):
            return None
        self.load(self.loaded[:where[0]] + rows + self.loaded[where[-1] + 1:])
        return []
