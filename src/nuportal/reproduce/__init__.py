"""Reproductions of the reference papers' figures and the CLI's file outputs."""
