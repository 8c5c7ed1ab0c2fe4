"""Device selection for training and inference."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext

import torch


def resolve_device(name: str) -> torch.device:
    """Map ``"auto"``, ``"cpu"`` or ``"cuda"`` to a torch device.

    ``"auto"`` picks CUDA when ``torch.cuda.is_available()`` and the CPU otherwise.
    """
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cpu":
        return torch.device("cpu")
    if name == "cuda":
        if not torch.cuda.is_available():
            raise ValueError("device='cuda' was requested but CUDA is not available; use device='auto' or 'cpu'")
        return torch.device("cuda")
    raise ValueError(f"device must be 'auto', 'cpu' or 'cuda', got {name!r}")


@contextmanager
def torch_threads(num_threads: int | None) -> Iterator[None]:
    """Set PyTorch's intra-op thread count for the duration of the block. None leaves it unchanged."""
    if num_threads is None:
        yield
        return
    previous = torch.get_num_threads()
    torch.set_num_threads(num_threads)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


def autocast(device: torch.device, enabled: bool) -> AbstractContextManager:
    """Return a bfloat16 autocast context on CUDA when ``enabled``, and a no-op context otherwise.

    The CPU path stays in float32 because CPU autocast slows small recurrent models
    down and would change the bit-exact resume behaviour.
    """
    if enabled and device.type == "cuda":
        return torch.autocast(device_type="cuda", dtype=torch.bfloat16)
    return nullcontext()
