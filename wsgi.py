import gc

from runpt import create_app

app = create_app()

# What the app loaded (the library, templates, SQLAlchemy's and Flask's machinery) lives
# as long as the worker: moved out of the garbage collector's sight, so its full passes
# look only at what requests made since. Left in, every full pass walked all of it, a
# 90-180 ms pause in whichever sync it fell on (docs/performance.md, issue 27 item 3).
gc.freeze()
