"""Benchmarks run by ``make bench``: each prints measurements taken side by side in one run."""
