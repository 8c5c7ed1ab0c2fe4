"""Device selection and mixed precision for training."""
import warnings

import pytest
import torch

from lstm_engine.device import autocast, resolve_device


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
