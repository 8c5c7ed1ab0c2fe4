"""Side-by-side line diffs of draft texts, as rows that a template renders (and escapes)."""
import difflib
from dataclasses import dataclass


@dataclass(frozen=True)
class Segment:
    text: str
    changed: bool


@dataclass(frozen=True)
class DiffRow:
    # "equal", "replace", "delete" or "insert"; the template turns it into a CSS class.
    kind: str
    old_number: int | None
    old_line: str
    new_number: int | None
    new_line: str

    @property
    def segments(self) -> tuple[list[Segment], list[Segment]]:
        """Split a replaced line pair into unchanged and changed runs of characters.

        A Japanese paragraph is one long line, so marking only the changed
        characters shows an edit that a whole-line diff would hide.
        """
        if self.kind != "replace":
            return [Segment(self.old_line, False)], [Segment(self.new_line, False)]
        old_segments: list[Segment] = []
        new_segments: list[Segment] = []
        matcher = difflib.SequenceMatcher(None, self.old_line, self.new_line, autojunk=False)
        for tag, old_start, old_end, new_start, new_end in matcher.get_opcodes():
            changed = tag != "equal"
            if old_end > old_start:
                old_segments.append(Segment(self.old_line[old_start:old_end], changed))
            if new_end > new_start:
                new_segments.append(Segment(self.new_line[new_start:new_end], changed))
        return old_segments, new_segments

    @property
    def old_segments(self) -> list[Segment]:
        return self.segments[0]

    @property
    def new_segments(self) -> list[Segment]:
        return self.segments[1]


def text_diff_rows(old: str, new: str) -> list[DiffRow]:
    """Pair the lines of two texts, so that changed lines sit next to each other."""
    old_lines = old.splitlines()
    new_lines = new.splitlines()
    rows: list[DiffRow] = []
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        width = max(old_end - old_start, new_end - new_start)
        for offset in range(width):
            old_index = old_start + offset if old_start + offset < old_end else None
            new_index = new_start + offset if new_start + offset < new_end else None
            kind = tag
            if tag == "replace" and old_index is None:
                kind = "insert"
            elif tag == "replace" and new_index is None:
                kind = "delete"
            rows.append(
                DiffRow(
                    kind=kind,
                    old_number=None if old_index is None else old_index + 1,
                    old_line="" if old_index is None else old_lines[old_index],
                    new_number=None if new_index is None else new_index + 1,
                    new_line="" if new_index is None else new_lines[new_index],
                )
            )
    return rows


def fields_diff(old: dict[str, str], new: dict[str, str]) -> list[tuple[str, list[DiffRow]]]:
    """Diff each named field whose text differs, in the order of `old`."""
    return [
        (name, text_diff_rows(old[name], new.get(name, "")))
        for name in old
        if old[name] != new.get(name, "")
    ]
