"""The shared progress bar partial: ids and the accessible name of each bar."""
from django.template.loader import render_to_string

from tests.seoassist.progress_bars import progress_bars


def _render(**context) -> str:
    return render_to_string("_partials/progress.html", context)


class ProgressBarPartialTests:
    def test_phase_names_the_bar(self):
        html = _render(job_kind="run", job_pk=7, percent=52, message="Training the GRU")

        [bar] = progress_bars(html)

        assert bar.id == "run-7-progress"
        assert bar.value == "52"
        assert bar.accessible_name == "Training the GRU"
        assert bar.label == "52 % · Training the GRU"

    def test_label_names_bar_without_phase(self):
        html = _render(job_kind="run", job_pk=7, percent=100, message="")

        [bar] = progress_bars(html)

        assert bar.accessible_name == "100 %"
        assert bar.label == "100 %"

    def test_ids_differ_by_kind_and_key(self):
        html = "".join(
            _render(job_kind=kind, job_pk=pk, percent=10, message="Preparing")
            for kind, pk in [("run", 1), ("run", 2), ("import", 1)]
        )

        ids = [bar.id for bar in progress_bars(html)]

        assert ids == ["run-1-progress", "run-2-progress", "import-1-progress"]
