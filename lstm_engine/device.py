"""Device selection for training and inference."""
from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path

import torch

# CPU flags of the instructions that multiply bfloat16 matrices in hardware: Intel AMX
# tiles and the AVX-512 bfloat16 dot products.
NATIVE_BFLOAT16_FLAGS = frozenset({"amx_bf16", "avx512_bf16"})


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


@functools.cache
def cpu_has_native_bfloat16(cpuinfo: Path = Path("/proc/cpuinfo")) -> bool:
    """Return True when the CPU multiplies bfloat16 matrices in hardware (AMX or AVX512-BF16).

    It reads the flags that Linux reports in ``cpuinfo`` and returns False where that file
    cannot be read, such as on other systems. Without such instructions PyTorch converts
    bfloat16 to float32 and back around every product, which is slower than float32.
    """
    try:
        text = cpuinfo.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    for line in text.splitlines():
        if line.startswith("flags"):
            return not NATIVE_BFLOAT16_FLAGS.isdisjoint(line.partition(":")[2].split())
    return False


def uses_bfloat16(device: torch.device, enabled: bool, cpu_enabled: bool = False) -> bool:
    """Return True when ``autocast`` with the same arguments runs in bfloat16.

    ``enabled`` turns it on for CUDA. ``cpu_enabled`` turns it on for the CPU, but only
    for a CPU with native bfloat16 instructions, because elsewhere it runs slower.
    """
    if device.type == "cuda":
        return enabled
    return cpu_enabled and device.type == "cpu" and cpu_has_native_bfloat16()


def autocast(device: torch.device, enabled: bool, cpu_enabled: bool = False) -> AbstractContextManager:
    """Return a bfloat16 autocast context, or a no-op context where it does not apply.

    Under it, matrix products, the LSTM kernel and the output layer run in bfloat16,
    while the weights, the gradients and the loss stay in float32. See ``uses_bfloat16``
    for when it applies.
    """
    if uses_bfloat16(device, enabled, cpu_enabled):
        return torch.autocast(device_type=device.type, dtype=torch.bfloat16)
    return nullcontext()
