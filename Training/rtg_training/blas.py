"""Which BLAS the process's PyTorch calls for its matrix products.

Debian's python3-torch calls the system `libblas.so.3`, and with only `libblas3` installed that is the netlib reference
implementation: the UNet's attention and linear layers then take ~75% of a teacher step, which runs 5x slower
(1.27 s against 0.25 s per batch of 48 on the 2-core machine) than with OpenBLAS."""
import os

REFERENCE_DIR = os.sep + os.path.join("blas", "libblas.so")


def loaded_blas():
    """Resolved paths of the BLAS/LAPACK libraries mapped into this process (Linux; empty elsewhere)."""
    import torch  # noqa: F401 (importing torch maps its BLAS)

    paths = set()
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 6 and "blas" in os.path.basename(parts[-1]):
                    paths.add(os.path.realpath(parts[-1]))
    except OSError:
        return []
    return sorted(paths)


def is_reference(paths):
    return any(REFERENCE_DIR in p for p in paths) and not any("openblas" in p or "blis" in p or "mkl" in p for p in paths)


def report():
    """One line for the log; a warning naming the package to install when the reference BLAS is in use."""
    paths = loaded_blas()
    if is_reference(paths):
        return ("WARNING: PyTorch is using the reference BLAS (" + ", ".join(paths) + "): the recipe runs ~5x slower "
                "and far over its 90-minute budget. Install an optimised one: apt-get install libopenblas0-serial "
                "(bash scripts/install-os-deps.sh --tests does).")
    return "BLAS: " + (", ".join(paths) if paths else "not found in /proc/self/maps")
