"""Helpers for the generator's test suite: real servers, rendering, processes."""
