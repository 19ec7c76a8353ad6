"""Pure-Python parsing of gazette text: no Django, no database, no clock, no files."""
