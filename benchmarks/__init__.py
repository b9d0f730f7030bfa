"""Benchmarks anyone can run with one command (see the README's Benchmarks section)."""
