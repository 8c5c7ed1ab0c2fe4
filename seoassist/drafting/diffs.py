"""Side-by-side line diffs of draft texts, as rows that a template renders (and escapes)."""
import difflib
from dataclasses import dataclass


@dataclass(frozen=True)
class DiffRow:
    # "equal", "replace", "delete" or "insert"; the template turns it into a CSS class.
    kind: str
    old_number: int | None
    old_line: str
    new_number: int | None
    new_line: str


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
