"""One module per demo operator: its profile (spellings, prices) and its web routes."""
