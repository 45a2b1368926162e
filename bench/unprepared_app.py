"""runpt with psycopg's server-side prepared statements off, for bench/pooling_check.py.

psycopg 3 prepares a statement on the server once it has run 5 times on a connection
(`prepare_threshold`). Behind PgBouncer in transaction mode before 1.21 (Debian 12 ships
1.18) the next transaction may get another server connection, where that name is
missing or already taken by another client: errors, and workers that fail to boot.
runpt's settings (runpt/config.py) can't turn it off from the environment, so this
module passes `connect_args` to the engine the way a deployment would have to; the app
is otherwise the same (docs/scaling.md).
"""

import runpt
from runpt import create_app

app = create_app(
    {
        "SQLALCHEMY_ENGINE_OPTIONS": {
            "pool_pre_ping": True,
            "connect_args": {"prepare_threshold": None},
        }
    }
)


@app.get("/bench/source")
def bench_source():
    """Which runpt this server runs (bench/common.Server refuses another checkout's)."""
    return runpt.__file__, 200, {"Content-Type": "text/plain; charset=utf-8"}
