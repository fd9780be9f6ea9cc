"""Where CTranslate2 runs: the compute types we accept, and a check that this machine has the device
and supports the compute type asked for, made before a model is loaded."""
from __future__ import annotations

from typing import Protocol

from parallel.errors import InputError

# CTranslate2's compute types, and ours: auto (int8 on CPU, int8_float16 on CUDA).
COMPUTE_TYPES = ("auto", "default", "int8", "int8_float32", "int8_float16", "int8_bfloat16", "int16",
                 "float16", "bfloat16", "float32")


class DeviceChoice(Protocol):
    """What the check reads of the decoding options (``TranslateOptions``)."""

    device: str
    compute_type: str

    def resolved_compute_type(self) -> str:
        """The compute type ``auto`` stands for on this device."""


def check_device(options: DeviceChoice) -> None:
    """A device this machine lacks, or a compute type its device cannot run, is a bad option (exit 2),
    said before the model is loaded: not a missing model."""
    import ctranslate2

    if options.device == "cuda" and ctranslate2.get_cuda_device_count() == 0:
        raise InputError("--device cuda: no CUDA GPU is usable here (none found, or its driver is too old "
                         "for this CTranslate2); use --device cpu")
    supported = ctranslate2.get_supported_compute_types(options.device)
    if options.resolved_compute_type() not in supported | {"default", "auto"}:
        raise InputError(f"--compute-type {options.compute_type}: not supported on {options.device} here "
                         f"(supported: {', '.join(sorted(supported))})")
