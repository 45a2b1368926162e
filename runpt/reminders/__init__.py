"""Reminders by Web Push (docs/reminders.md): which reminders a runner chose, the phones
they reach (one push subscription per device), what is due now in the runner's own time
zone, and sending each one once, claimed in the database so two `send-reminders` running
at once (two machines) never send it twice."""
