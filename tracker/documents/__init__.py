"""Printable and downloadable documents built from selector output (builders return bytes; no business rule)."""
