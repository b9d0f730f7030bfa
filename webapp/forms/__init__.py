"""The back office's HTML forms: reading what a manager typed into the domain's typed
values, and filling a form back from a record. The rules those values obey stay in
`models`; here are only form field names and the wording of what cannot be read."""
