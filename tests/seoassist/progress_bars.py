"""Read the progress bars of a rendered page with the names that aria-labelledby gives them."""
from collections import Counter
from dataclasses import dataclass

from bs4 import BeautifulSoup


@dataclass(frozen=True)
class ProgressBar:
    id: str
    value: str
    # Text of the elements that aria-labelledby names, joined by spaces as a browser does.
    accessible_name: str
    # Text of the visible label under the bar.
    label: str


def duplicate_ids(html: str) -> list[str]:
    """Return the element ids that occur more than once in `html`."""
    soup = BeautifulSoup(html, "lxml")
    counts = Counter(tag["id"] for tag in soup.find_all(id=True))
    return sorted(element_id for element_id, count in counts.items() if count > 1)


def progress_bars(html: str) -> list[ProgressBar]:
    """Return every <progress> or role="progressbar" element of `html` with its accessible name.

    Raises AssertionError when a bar has no id or no aria-labelledby, or when that attribute
    names an id that is missing from `html`.
    """
    soup = BeautifulSoup(html, "lxml")
    bars = []
    for bar in soup.select('progress, [role="progressbar"]'):
        bar_id = bar.get("id")
        assert bar_id, f"progress bar without an id: {bar}"
        labelled_by = bar.get("aria-labelledby", "").split()
        assert labelled_by, f"progress bar {bar_id!r} has no aria-labelledby"
        names = []
        for target_id in labelled_by:
            target = soup.find(id=target_id)
            assert target is not None, (
                f"aria-labelledby of progress bar {bar_id!r} names the missing id {target_id!r}"
            )
            names.append(target.get_text(" ", strip=True))
        label = soup.find(id=f"{bar_id}-label")
        assert label is not None, f"progress bar {bar_id!r} has no visible label {bar_id}-label"
        bars.append(
            ProgressBar(
                id=bar_id,
                value=bar.get("value", ""),
                accessible_name=" ".join(names),
                label=label.get_text(" ", strip=True),
            )
        )
    return bars
