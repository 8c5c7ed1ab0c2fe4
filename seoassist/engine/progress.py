"""Progress of a training run: one bar across its phases that never goes back."""
import logging
from collections.abc import Sequence
from time import monotonic

from django.utils import timezone

from seoassist.engine.models import TrainingPhase, TrainingRun

logger = logging.getLogger(__name__)

# A phased run stores its progress as progress_step units out of this many.
PROGRESS_SCALE = 1000
WRITE_INTERVAL_SECONDS = 1.0

_CELL_PHASES = {"lstm": TrainingPhase.TRAINING_LSTM, "gru": TrainingPhase.TRAINING_GRU}
# Phases whose work has no step count. The engine's reports during the n-gram fit
# repeat the finished optimizer steps, which do not measure the fit.
_STEPLESS_PHASES = {
    TrainingPhase.PREPARING,
    TrainingPhase.NGRAM_BASELINE,
    TrainingPhase.SAVING,
    TrainingPhase.PREPARING_SERIES,
    TrainingPhase.BACKTESTING,
    TrainingPhase.PREPARING_QUERIES,
    TrainingPhase.SAVING_QUERY_MODEL,
}


def cell_training_phase(cell: str) -> TrainingPhase:
    """Return the phase that trains the recurrent ``cell`` ("lstm" or "gru")."""
    try:
        return _CELL_PHASES[cell]
    except KeyError:
        raise ValueError(f"cell={cell!r} is not one of {sorted(_CELL_PHASES)}") from None


def language_model_phases(first_cell: str) -> list[tuple[TrainingPhase, int]]:
    """Return a language-model run's phases in order, each with its share of PROGRESS_SCALE.

    The run trains ``first_cell``, the engine fits the n-gram baseline, and then the
    other cell trains and reuses that baseline. The shares are estimates. Both cells
    get the same steps and time budget, and the remaining work takes seconds to
    minutes beside them (the demo site's run: about 100 s per cell and 7 s for the rest).
    """
    second_cell = "gru" if first_cell == "lstm" else "lstm"
    return [
        (TrainingPhase.PREPARING, 10),
        (cell_training_phase(first_cell), 450),
        (TrainingPhase.NGRAM_BASELINE, 20),
        (cell_training_phase(second_cell), 450),
        (TrainingPhase.SAVING, 70),
    ]


def forecaster_phases() -> list[tuple[TrainingPhase, int]]:
    """Return a forecaster run's phases in order, each with its share of PROGRESS_SCALE.

    The shares are estimates. The backtest on the held-out points and the saving come
    after the last training step and report no steps, so the bar stays at the start of
    their slice, under 100 %, until the run ends.
    """
    return [
        (TrainingPhase.PREPARING_SERIES, 10),
        (TrainingPhase.TRAINING_FORECASTER, 850),
        (TrainingPhase.BACKTESTING, 140),
    ]


def query_model_phases() -> list[tuple[TrainingPhase, int]]:
    """Return a related-search run's phases in order, each with its share of PROGRESS_SCALE.

    The two networks read the texts in opposite directions and get the same steps and
    time budget. Reading the texts and scoring the bigram baseline take seconds.
    """
    return [
        (TrainingPhase.PREPARING_QUERIES, 10),
        (TrainingPhase.TRAINING_FORWARD, 480),
        (TrainingPhase.TRAINING_BACKWARD, 480),
        (TrainingPhase.SAVING_QUERY_MODEL, 30),
    ]


def training_run_progress_store(*, run_id: int, step: int, phase: str, message: str) -> None:
    """Write a phased run's progress to its row."""
    TrainingRun.objects.filter(pk=run_id).update(
        progress_step=step,
        progress_total=PROGRESS_SCALE,
        progress_phase=phase,
        progress_message=message[:300],
        updated_at=timezone.now(),
    )


class PhasedProgress:
    """Map the step counts of each phase onto one scale of PROGRESS_SCALE units.

    Each phase owns a slice of the scale, and the engine's ``(step, total)`` within
    the phase moves the bar through that slice only, so a second training that
    starts again at step 0 no longer sends the bar back. A phase entered with a time
    budget moves by the larger of its step and time fractions, because training on a
    budget usually stops long before its last step. The stored value never decreases,
    also not below ``floor``: a run delivered again after a worker died passes
    ``floor`` as the value that the previous attempt reached.
    """

    def __init__(
        self, *, run_id: int, phases: Sequence[tuple[TrainingPhase, int]], floor: int = 0
    ) -> None:
        if sum(share for _phase, share in phases) != PROGRESS_SCALE:
            raise ValueError(f"the phase shares of {phases!r} must add up to {PROGRESS_SCALE}")
        self.run_id = run_id
        self.phases = list(phases)
        self.index = -1
        self.units = max(0, min(floor, PROGRESS_SCALE))
        self._last_write = 0.0
        self._phase_started = 0.0
        self._budget_seconds: float | None = None

    @property
    def phase(self) -> TrainingPhase | None:
        return self.phases[self.index][0] if self.index >= 0 else None

    def enter(
        self, phase: TrainingPhase, message: str = "", *, budget_seconds: float | None = None
    ) -> None:
        """Start the next phase named ``phase`` and store at once where its slice begins.

        ``budget_seconds`` is the phase's time limit, such as a training's max_seconds.
        """
        for index in range(self.index + 1, len(self.phases)):
            if self.phases[index][0] == phase:
                self.index = index
                self._phase_started = monotonic()
                self._budget_seconds = budget_seconds
                self._store(self._slice_start(index), message or phase.value, force=True)
                return
        raise ValueError(f"phase={phase!r} does not come after {self.phase!r} in {self.phases!r}")

    @classmethod
    def for_run(cls, run: TrainingRun, phases: Sequence[tuple[TrainingPhase, int]]) -> "PhasedProgress":
        """Return the progress of ``run``, starting from the value an earlier attempt stored."""
        floor = run.progress_step if run.progress_total == PROGRESS_SCALE else 0
        return cls(run_id=run.pk, phases=phases, floor=floor)

    def comes_later(self, phase: TrainingPhase) -> bool:
        """Return whether ``phase`` is one of the phases after the current one."""
        return any(name == phase for name, _share in self.phases[self.index + 1 :])

    def report(self, step: int, total: int, message: str) -> None:
        """Move through the current phase's slice; called like lstm_engine's progress callback."""
        if self.index < 0:
            raise RuntimeError("report() was called before the first enter()")
        fraction = step / total if total > 0 else 0.0
        if self._budget_seconds:
            elapsed = monotonic() - self._phase_started
            fraction = max(fraction, elapsed / self._budget_seconds)
        fraction = min(1.0, max(0.0, fraction))
        if self.phase in _STEPLESS_PHASES:
            fraction = 0.0
        share = self.phases[self.index][1]
        self._store(self._slice_start(self.index) + int(share * fraction), message, force=False)

    def _slice_start(self, index: int) -> int:
        return sum(share for _phase, share in self.phases[:index])

    def _store(self, units: int, message: str, *, force: bool) -> None:
        self.units = max(self.units, min(units, PROGRESS_SCALE))
        now = monotonic()
        if not force and now - self._last_write < WRITE_INTERVAL_SECONDS:
            return
        self._last_write = now
        logger.info(
            "TrainingRun %s: %s, %d of %d: %s",
            self.run_id, self.phase, self.units, PROGRESS_SCALE, message,
        )
        training_run_progress_store(
            run_id=self.run_id, step=self.units, phase=self.phase, message=message
        )
