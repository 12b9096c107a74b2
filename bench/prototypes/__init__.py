"""Prototypes of changes, measured by the benchmarks before anyone applies them."""
