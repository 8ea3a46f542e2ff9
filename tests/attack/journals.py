"""Hand-made crash states: a plan file as SQLite leaves it when a write is cut off, with its hot
journal (the same bytes SQLite writes: header, page records, checksums)."""
from __future__ import annotations

from pathlib import Path

MAGIC = bytes.fromhex("d9d505f920a163d7")
SECTOR = 512


def _checksum(nonce: int, page: bytes) -> int:
    total, i = nonce, len(page) - 200
    while i > 0:
        total += page[i]
        i -= 200
    return total & 0xFFFFFFFF


def journal_bytes(pages: dict[int, bytes], initial_pages: int, page_size: int, nonce: int = 0x5EED1234) -> bytes:
    header = (MAGIC + len(pages).to_bytes(4, "big") + nonce.to_bytes(4, "big") + initial_pages.to_bytes(4, "big")
              + SECTOR.to_bytes(4, "big") + page_size.to_bytes(4, "big")).ljust(SECTOR, b"\0")
    records = b"".join(number.to_bytes(4, "big") + page + _checksum(nonce, page).to_bytes(4, "big")
                       for number, page in sorted(pages.items()))
    return header + records


def craft_crash(before: Path, after: Path, target: Path) -> None:
    """``target`` := a crash in the middle of the write that turned ``before`` into ``after``: the
    new versions of the pages that existed are on disk (page 1 with the new page count included),
    the appended pages are not yet, and ``target``-journal holds the old versions."""
    old, new = Path(before).read_bytes(), Path(after).read_bytes()
    size = int.from_bytes(old[16:18], "big")
    count = len(old) // size
    changed = {i + 1: old[i * size:(i + 1) * size] for i in range(count)
               if old[i * size:(i + 1) * size] != new[i * size:(i + 1) * size]}
    Path(target).write_bytes(new[:count * size])
    Path(str(target) + "-journal").write_bytes(journal_bytes(changed, count, size))
