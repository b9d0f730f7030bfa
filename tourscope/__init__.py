"""Tourscope: the cross-cutting pieces (settings and the command line)."""
