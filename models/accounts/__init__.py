"""Back-office accounts: users, roles and what each may do (`users.py`), log-in with
lock-out and sessions (`auth.py`), the password policy and hashing (`passwords.py`)."""
