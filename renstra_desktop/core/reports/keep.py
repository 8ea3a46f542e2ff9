"""What a page break may not separate (Tata Naskah Dinas): the signature block from the last rows
of the table or text it closes, and a heading from what it introduces.

Both are flowables that always ask to be split (their ``wrap`` claims more than any page), so the
frame hands them the height left on the page; ``split`` then returns the flowables to place, with
a frame break where the page must end early.  reportlab's own KeepTogether moves a whole table to
the next page, or gives up when it is longer than a page; these move only the rows they must.
"""
from __future__ import annotations

from reportlab.platypus import Flowable, KeepTogether, Spacer
from reportlab.platypus.doctemplate import FrameBreak

_FUZZ = 0.5          # points: rounding between this measurement and the frame's
_ALWAYS_SPLIT = 0xFFFFFF


def _at_top(flowable) -> bool:
    frame = getattr(flowable, "_frame", None)
    return bool(getattr(frame, "_atTop", False))


def _measure(flowable, width: float, height: float) -> float:
    """Height of ``flowable`` at ``width`` (a KeepTogether: its content, stacked)."""
    if isinstance(flowable, (KeepWithFirst, KeepTogether)):
        return _stacked(flowable.heading + [flowable.body] if isinstance(flowable, KeepWithFirst)
                        else list(flowable._content), width, height)
    return flowable.wrap(width, height)[1]


def _stacked(flowables: list, width: float, height: float) -> float:
    """Height of flowables stacked as a frame stacks them (spacing between them merged)."""
    total, previous_after = 0.0, None
    for part in flowables:
        if previous_after is not None:
            total += max(_space_before(part) - previous_after, 0) + previous_after
        total += _measure(part, width, height)
        previous_after = part.getSpaceAfter()
    return total


def _split(flowable, width: float, height: float) -> tuple[list, list]:
    """``(what fits in height, what goes on)``; nothing fits: ``([], [flowable])``."""
    if height <= 0 or isinstance(flowable, (KeepTogether, KeepWithSignature)):
        return [], [flowable]       # a block that moves whole
    if isinstance(flowable, KeepWithFirst):
        return flowable.split_here(width, height)
    try:
        parts = flowable.split(width, height) or []
    except Exception:      # a flowable that cannot split at this height
        parts = []
    return (parts[:1], parts[1:]) if parts else ([], [flowable])


def _space_before(flowable) -> float:
    """The space a frame leaves above ``flowable``: a keeper's is its first part's (the keeper
    itself claims none, so the frame does not take it once more before splitting it)."""
    if isinstance(flowable, KeepWithFirst):
        return _space_before(flowable.heading[0])
    if isinstance(flowable, KeepTogether):
        return _space_before(flowable._content[0]) if flowable._content else 0.0
    return flowable.getSpaceBefore()


def fill(flowables: list, width: float, height: float, at_top: bool = True) -> tuple[list, list, float]:
    """Lay ``flowables`` into ``height`` points as a frame would: ``(placed, rest, used)``.

    The first flowable that does not fit is split when it can (a table by rows, a paragraph by
    lines); what does not fit goes to ``rest``.  ``at_top``: the first one starts the frame (no
    space above it).
    """
    placed: list = []
    used, previous_after = 0.0, 0.0
    for index, flowable in enumerate(flowables):
        before = 0.0 if index == 0 and at_top else max(_space_before(flowable) - previous_after, 0)
        room = height - used - previous_after - before
        needed = _measure(flowable, width, max(room, 0))
        if needed <= room + _FUZZ:
            placed.append(flowable)
            used += previous_after + before + needed
            previous_after = flowable.getSpaceAfter()
            continue
        fits, goes_on = _split(flowable, width, room)
        return placed + fits, goes_on + list(flowables[index + 1:]), height if fits else used
    return placed, [], used


def _flat(flowables: list) -> list:
    """Blocks that fit opened into their parts: the frame places the first part of a split as it is,
    and a keeper always asks to be split."""
    out = []
    for f in flowables:
        if isinstance(f, KeepWithFirst):
            out += _flat(f.heading + [f.body])
        elif isinstance(f, KeepTogether):
            out += _flat(list(f._content))
        else:
            out.append(f)
    return out


def _substantial(placed: list) -> bool:
    """Something a reader sees (not only spacing or a page marker)."""
    return any(not isinstance(f, Spacer) and not getattr(f, "zero_size", False) for f in placed)


class KeepWithSignature(Flowable):
    """``content`` (the last table of a report and what follows it) and then the signature block,
    never on a page of its own: when the block does not fit under the content, the last rows go
    with it to the next page."""

    def __init__(self, content: list, signature: Flowable, gap: float = 8):
        super().__init__()
        self.content, self.signature, self.gap = list(content), signature, gap

    def wrap(self, avail_width, avail_height):
        return avail_width, _ALWAYS_SPLIT


    def split(self, avail_width, avail_height):
        closing = self.signature.wrap(avail_width, avail_height)[1] + self.gap
        top = _at_top(self)
        placed, rest, used = fill(self.content, avail_width, avail_height, top)
        if rest:                               # the content goes on past this page
            if _substantial(placed):
                return _flat(placed) + [KeepWithSignature(rest, self.signature, self.gap)]
            return self._elsewhere()
        if used + closing <= avail_height + _FUZZ:
            return _flat(self.content) + [Spacer(0, self.gap), self.signature]
        # everything fits but the block: end the page early, the last rows go with the block
        placed, rest, _used = fill(self.content, avail_width, avail_height - closing, top)
        if rest and _substantial(placed):
            return _flat(placed) + [FrameBreak(), KeepWithSignature(rest, self.signature, self.gap)]
        return self._elsewhere()

    def _elsewhere(self) -> list:
        if _at_top(self):      # even a whole page cannot hold both: let them flow
            return _flat(self.content) + [Spacer(0, self.gap), self.signature]
        return [FrameBreak(), KeepWithSignature(self.content, self.signature, self.gap)]


class KeepWithFirst(Flowable):
    """A heading kept with the first rows of the table (or lines of text) it introduces: it never
    stands alone at the foot of a page, and a long table still starts on the same page."""

    def __init__(self, heading: list, body: Flowable):
        super().__init__()
        self.heading, self.body = list(heading), body
        self._body_table = getattr(body, "_body_table", False)

    def wrap(self, avail_width, avail_height):
        return avail_width, _ALWAYS_SPLIT

    def split_here(self, avail_width, avail_height) -> tuple[list, list]:
        """``(heading and the body's part that fits under it, the rest)``; ``([], [self])`` when no
        row of the body fits under the heading here."""
        placed, rest, _used = fill(self.heading + [self.body], avail_width, avail_height, _at_top(self))
        if len(placed) > len(self.heading) and _substantial(placed[len(self.heading):]):
            return placed, rest
        return [], [self]

    def split(self, avail_width, avail_height):
        fits, goes_on = self.split_here(avail_width, avail_height)
        if fits:
            return _flat(fits) + goes_on
        if _at_top(self):
            return _flat(self.heading) + [self.body]
        return [FrameBreak()] + self.heading + [self.body]
