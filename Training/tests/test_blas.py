"""The BLAS check: which library counts as the slow reference one, and that this machine is not using it."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from rtg_training import blas  # noqa: E402


class BlasTest(unittest.TestCase):
    def test_netlib_alone_is_the_reference(self):
        self.assertTrue(blas.is_reference(["/usr/lib/x86_64-linux-gnu/blas/libblas.so.3"]))

    def test_openblas_is_not_the_reference(self):
        self.assertFalse(blas.is_reference(["/usr/lib/x86_64-linux-gnu/openblas-serial/libblas.so.3",
                                            "/usr/lib/x86_64-linux-gnu/openblas-serial/libopenblas-r0.3.21.so"]))

    def test_this_process_runs_an_optimised_blas(self):
        paths = blas.loaded_blas()
        self.assertTrue(paths, "no BLAS found in /proc/self/maps")
        self.assertFalse(blas.is_reference(paths), blas.report())
        self.assertTrue(blas.report().startswith("BLAS: "))


if __name__ == "__main__":
    unittest.main()
