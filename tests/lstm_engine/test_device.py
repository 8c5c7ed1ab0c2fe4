"""Device selection and mixed precision for training."""
import warnings

from pathlib import Path

import pytest
import torch

from lstm_engine import device
from lstm_engine.device import autocast, cpu_has_native_bfloat16, resolve_device


class ResolveDeviceTests:
    def test_auto_follows_cuda_availability(self):
        expected = "cuda" if torch.cuda.is_available() else "cpu"
        assert resolve_device("auto").type == expected

    def test_unknown_name_is_rejected(self):
        with pytest.raises(ValueError, match="'auto', 'cpu' or 'cuda'"):
            resolve_device("tpu")

    @pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
    def test_cuda_without_cuda_names_the_fix(self):
        with pytest.raises(ValueError, match="use device='auto' or 'cpu'"):
            resolve_device("cuda")


class AutocastTests:
    def test_cpu_stays_in_float32(self):
        with autocast(torch.device("cpu"), True):
            product = torch.ones(2, 2) @ torch.ones(2, 2)
        assert product.dtype == torch.float32

    def test_cuda_uses_bfloat16_when_enabled(self):
        with warnings.catch_warnings():
            # Building the context on a machine without CUDA warns that it is disabled.
            warnings.simplefilter("ignore")
            context = autocast(torch.device("cuda"), True)
        assert isinstance(context, torch.autocast)
        assert context.fast_dtype == torch.bfloat16

    def test_disabled_mixed_precision_is_a_no_op_on_cuda(self):
        assert not isinstance(autocast(torch.device("cuda"), False), torch.autocast)

    def test_cpu_bfloat16_on_native_hardware(self, monkeypatch):
        monkeypatch.setattr(device, "cpu_has_native_bfloat16", lambda: True)
        with autocast(torch.device("cpu"), False, cpu_enabled=True):
            product = torch.ones(2, 2) @ torch.ones(2, 2)
        assert product.dtype == torch.bfloat16

    def test_cpu_without_native_support_stays_float32(self, monkeypatch):
        monkeypatch.setattr(device, "cpu_has_native_bfloat16", lambda: False)
        with autocast(torch.device("cpu"), True, cpu_enabled=True):
            product = torch.ones(2, 2) @ torch.ones(2, 2)
        assert product.dtype == torch.float32


class CpuHasNativeBfloat16Tests:
    def write_cpuinfo(self, directory: Path, flags: str) -> Path:
        path = directory / "cpuinfo"
        path.write_text(f"processor\t: 0\nmodel name\t: Test CPU\nflags\t\t: {flags}\n\n", encoding="utf-8")
        return path

    @pytest.mark.parametrize("flag", ["amx_bf16", "avx512_bf16"])
    def test_bfloat16_flags_count(self, tmp_path, flag):
        assert cpu_has_native_bfloat16(self.write_cpuinfo(tmp_path, f"fpu sse2 avx2 avx512f {flag} avx512_vnni"))

    def test_other_flags_are_not_native(self, tmp_path):
        # avx512_fp16 handles half precision, not bfloat16.
        assert not cpu_has_native_bfloat16(self.write_cpuinfo(tmp_path, "fpu sse2 avx2 avx512f avx512_fp16"))

    def test_unreadable_cpuinfo_is_not_native(self, tmp_path):
        assert not cpu_has_native_bfloat16(tmp_path / "missing")
