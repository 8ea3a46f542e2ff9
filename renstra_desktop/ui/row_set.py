"""The rows of a table model: those loaded (in the query's order) and those shown (filtered by a
text, sorted by a column).  Plain Python, no Qt: :class:`.models.PlanTableModel` owns one and tells
its views what changed.

Sorting and filtering work on the row list and the model is reset (at 31 890 rows this is tens of
milliseconds; a QSortFilterProxyModel asking data() per comparison took seconds: docs/national-scale.md).
"""
from __future__ import annotations

from collections.abc import Callable


class RowSet:
    def __init__(self):
        self.loaded: list[dict] = []
        self.shown: list[dict] = []
        self.sort: tuple[str, bool] | None = None    # (column key, descending); None: the query's order
        self.needle = ""                             # lower-cased filter text; "" shows every row
        self._texts: list[str | None] | None = None  # per loaded row: its shown text, lower-cased

    def load(self, rows: list[dict], texts: list[str] | None = None) -> None:
        """New rows; ``texts``: their filter texts (lower-cased) when already made (in a worker)."""
        self.loaded = rows
        self._texts = texts

    def update(self, rows: list[dict]) -> None:
        """Loaded rows of which some were replaced (the filter's text is made again for those only)."""
        if self._texts is not None and len(rows) == len(self.loaded):
            for i, (new, old) in enumerate(zip(rows, self.loaded)):
                if new is not old:
                    self._texts[i] = None
            self.loaded = rows
        else:
            self.load(rows)

    def arrange(self, sort_value: Callable[[dict, str], object], row_text: Callable[[dict], str],
                kept_last: Callable[[dict], bool] | None = None) -> list[dict]:
        """The shown rows for the current filter and sort (not stored: see :meth:`show`).

        ``sort_value(row, key)``: a comparable value, None for an empty cell (listed last both ways);
        ``row_text(row)``: the row's text for the filter (computed once per load); ``kept_last(row)``:
        a row that stays at the end, unfiltered (a total)."""
        if not self.arranged:
            return self.loaded
        rows = self.loaded
        if self.needle:
            texts = self._texts
            if texts is None:
                texts = self._texts = [row_text(r).lower() for r in self.loaded]
            elif None in texts:
                for i, text in enumerate(texts):
                    if text is None:
                        texts[i] = row_text(self.loaded[i]).lower()
            rows = [r for r, text in zip(rows, texts) if self.needle in text or (kept_last and kept_last(r))]
        last = [r for r in rows if kept_last(r)] if kept_last else []
        if last:
            rows = [r for r in rows if not kept_last(r)]
        if self.sort is not None:
            key, descending = self.sort
            keyed = [(sort_value(r, key), r) for r in rows]
            present = [kr for kr in keyed if kr[0] is not None]
            present.sort(key=lambda kr: kr[0], reverse=descending)     # stable: ties keep the query's order
            rows = [r for _, r in present] + [r for value, r in keyed if value is None]
        return rows + last

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
                if self._texts is not None:
                    self._texts[i] = None
            self.loaded = loaded
            return where
        if not contiguous or not where or where != list(range(where[0], where[-1] + 1)):
            return None
        self.load(self.loaded[:where[0]] + rows + self.loaded[where[-1] + 1:])
        return []
