"""The pages: one blueprint per area, each a thin layer of views over the packages below
(the library, routines, the event log, progression, history). The top of the house:
nothing below imports from here. /api/* is in runpt/sync, the offline machinery in
runpt/pwa."""
