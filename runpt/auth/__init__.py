"""Accounts: who a runner is, their sign-ins (each one can be ended), known devices, the
login limit, and the page a runner comes back to after logging in (`next_page`). The
pages (register, log in, account, delete) are in runpt/pages/auth.py."""
