"""Accounts: who a runner is, their sign-ins (each one can be ended), known devices, and
the login limit. The pages (register, log in, account, delete) are in runpt/pages/auth.py."""
