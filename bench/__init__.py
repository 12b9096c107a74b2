"""Benchmarks of scaffold: `bench/run` runs them and writes docs/benchmarks.md."""
