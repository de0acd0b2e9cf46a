"""Seeding and environment reports that make a notebook's results repeatable."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import sys

from lstmkit._validation import check_bool, check_int

__all__ = ["environment_report", "set_seed"]


def set_seed(seed: int = 42, *, use_deterministic_ops: bool = False) -> int:
    """Seed Python, NumPy and the Keras backend in one call.

    Call it once in a notebook's setup cell. With the same seed, CPU runs of the same
    notebook give the same weights and the same checked outputs on the same machine.
    ``keras.utils.set_random_seed`` is the only call that seeds all three sources Keras
    draws from; seeding NumPy or TensorFlow alone leaves Keras initializers unseeded.

    Args:
        seed: a non-negative integer.
        use_deterministic_ops: also ask TensorFlow for deterministic kernels
            (``tf.config.experimental.enable_op_determinism``). Needed for repeatable
            GPU runs; it makes some GPU ops slower and is unnecessary on CPU.

    Returns:
        The seed, so a notebook can print what it used.

    Example:
        >>> import lstmkit as lk
        >>> lk.set_seed(7)
        7
    """
    seed = check_int(seed, "seed", minimum=0, maximum=2**32 - 1)
    use_deterministic_ops = check_bool(use_deterministic_ops, "use_deterministic_ops")
    import keras

    os.environ["PYTHONHASHSEED"] = str(seed)
    keras.utils.set_random_seed(seed)
    if use_deterministic_ops and keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()
    return seed


def environment_report() -> dict[str, str]:
    """Return the versions that decide whether a notebook's results reproduce.

    Print it in a notebook's setup cell so a reader can compare their stack with the
    one that produced the outputs.

    Returns:
        A dict of strings: ``python``, ``platform``, ``numpy``, ``keras``,
        ``keras_backend``, ``in_colab``, the backend's version (``tensorflow``, ``jax``
        or ``torch``),
        ``accelerator`` (``"CPU"`` or ``"<n> GPU(s)"``) and ``lstmkit``.

    Example:
        >>> import lstmkit as lk
        >>> import keras
        >>> report = lk.environment_report()
        >>> report["keras_backend"] == keras.backend.backend(), "accelerator" in report
        (True, True)
    """
    import keras
    import numpy

    report = {
        "python": platform.python_version(),
        "platform": f"{platform.system()} {platform.machine()}",
        "numpy": numpy.__version__,
        "keras": keras.__version__,
        "keras_backend": keras.backend.backend(),
        "in_colab": str("google.colab" in sys.modules),
    }
    accelerator = "CPU"
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        report["tensorflow"] = tf.__version__
        gpus = tf.config.list_physical_devices("GPU")
        if gpus:
            accelerator = f"{len(gpus)} GPU(s)"
    elif keras.backend.backend() == "jax":
        import jax

        report["jax"] = jax.__version__
        gpus = [device for device in jax.devices() if device.platform != "cpu"]
        if gpus:
            accelerator = f"{len(gpus)} GPU(s)"
    elif keras.backend.backend() == "torch":
        import torch

        report["torch"] = torch.__version__
        if torch.cuda.is_available():
            accelerator = f"{torch.cuda.device_count()} GPU(s)"
    report["accelerator"] = accelerator
    report["lstmkit"] = _installed_version()
    return report


def _installed_version() -> str:
    """lstmkit's version from the installed package metadata (no import of the package)."""
    try:
        return importlib.metadata.version("lstmkit")
    except importlib.metadata.PackageNotFoundError:  # run from a source tree, not installed
        return "unknown (not installed)"
