"""The deployment shape of README "Deployment" and docs/scaling.md, run whole on one box
from Debian's own servers: a PostgreSQL cluster of the test's own (so it can restart
it), PgBouncer in transaction mode in front, two runpt hosts on PgBouncer with
DATABASE_PREPARED_STATEMENTS=off and TRUSTED_PROXIES=1, each as two pools of gunicorn
workers (pages, and /api/ for the phones' syncs: deploy/runpt@.service), and Caddy with
`tls internal` in front, run from deploy/Caddyfile itself.

Needs initdb/pg_ctl (postgresql), pgbouncer and caddy (`apt-get install postgresql
pgbouncer caddy`), and for the phone certutil (libnss3-tools). Missing ones skip the
tests, except under CI, where they fail. `pytest -m deploy` runs only these.
"""

import http.cookiejar
import json
import os
import pwd
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser import helpers
from tests.browser.helpers import (
    CHROMIUM_ARGS,
    outbox_for,
    phone_context_options,
    runner_id,
    wait_until,
)
from tests.browser.test_offline import run_offline_session
from tests.live_server import HOST, LiveServer, free_port
from tests.test_processes import (
    PASSWORD,
    assert_stored_exactly_once,
    sessions_of_events,
    stored_events,
)

pytestmark = [pytest.mark.deploy, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
PGBINS = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
PGBOUNCER_PASSWORD = "pooled-secret"


def needed(program: str) -> str:
    found = shutil.which(program) or shutil.which(program, path="/usr/sbin:/sbin")
    if found:
        return found
    message = f"{program} not found: apt-get install postgresql pgbouncer caddy libnss3-tools"
    if os.environ.get("CI"):
        pytest.fail(f"{message}; CI must test the deployment shape", pytrace=False)
    pytest.skip(message)


def as_postgres() -> dict:
    """PostgreSQL's and PgBouncer's servers refuse to run as root, and CI runs as root:
    there they run as the `postgres` user."""
    if os.geteuid() != 0:
        return {}
    return {"user": "postgres", "group": "postgres", "extra_groups": []}


# --- the servers ----------------------------------------------------------------------


class Cluster:
    """A throwaway PostgreSQL cluster, the test's own: it may restart it."""

    def __init__(self, root: Path):
        if not PGBINS:
            needed("initdb")
        self.bin = PGBINS[-1]
        self.root, self.port = root, free_port()
        self.data = root / "data"
        self.url = f"postgresql+psycopg://postgres@{HOST}:{self.port}/runpt"

    def pg_ctl(self, *args: str) -> None:
        subprocess.run(
            [str(self.bin / "pg_ctl"), "-D", str(self.data), "-w", *args],
            check=True, capture_output=True, timeout=60, **as_postgres(),
        )  # fmt: skip

    def start(self) -> "Cluster":
        options = f"-p {self.port} -k {self.root} -c listen_addresses={HOST} -c fsync=off"
        subprocess.run(
            [str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
             "-E", "UTF8", "--no-instructions"],
            check=True, capture_output=True, timeout=120, **as_postgres(),
        )  # fmt: skip
        self.pg_ctl("-l", str(self.root / "log"), "-o", options, "start")
        subprocess.run(
            [str(self.bin / "createdb"), "-h", HOST, "-p", str(self.port), "-U", "postgres",
             "runpt"], check=True, capture_output=True, timeout=30,
        )  # fmt: skip
        return self

    def restart(self) -> None:
        # Its log named again: otherwise the new postmaster keeps pg_ctl's output open.
        self.pg_ctl("-l", str(self.root / "log"), "-m", "fast", "restart")

    def stop(self) -> None:
        self.pg_ctl("-m", "fast", "stop")


class PgBouncer:
    """PgBouncer in transaction mode with SCRAM authentication, as deploy/pgbouncer.ini."""

    def __init__(self, root: Path, cluster: Cluster):
        self.program = needed("pgbouncer")
        self.root, self.port, self.cluster = root, free_port(), cluster
        self.url = f"postgresql+psycopg://postgres:{PGBOUNCER_PASSWORD}@{HOST}:{self.port}/runpt"
        self.process = None

    def start(self) -> "PgBouncer":
        (self.root / "userlist.txt").write_text(f'"postgres" "{PGBOUNCER_PASSWORD}"\n')
        config = self.root / "pgbouncer.ini"
        config.write_text(
            f"[databases]\nrunpt = host={HOST} port={self.cluster.port} dbname=runpt\n"
            f"[pgbouncer]\nlisten_addr = {HOST}\nlisten_port = {self.port}\n"
            f"unix_socket_dir =\npool_mode = transaction\ndefault_pool_size = 8\n"
            f"max_client_conn = 400\nauth_type = scram-sha-256\n"
            f"auth_file = {self.root / 'userlist.txt'}\nlogfile = {self.root / 'pgbouncer.log'}\n"
        )
        self.process = subprocess.Popen(
            [self.program, str(config)], start_new_session=True, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, **as_postgres(),
        )  # fmt: skip
        wait_for_port(self.port, lambda: (self.root / "pgbouncer.log").read_text())
        return self

    def stop(self) -> None:
        if self.process:
            stop_group(self.process)


class Caddy:
    """deploy/Caddyfile with `tls internal`, its local authority in a throwaway home."""

    def __init__(self, root: Path, hosts: list[LiveServer], sync_hosts: list[LiveServer]):
        self.program = needed("caddy")
        self.root, self.hosts, self.sync_hosts = root, hosts, sync_hosts
        self.port = free_port()
        self.origin = f"https://localhost:{self.port}"
        self.root_certificate = (
            root / "data" / "caddy" / "pki" / "authorities" / "local" / "root.crt"
        )
        self.log = root / "caddy.log"
        self.process = None

    def start(self) -> "Caddy":
        environment = {
            **os.environ,
            "HOME": str(self.root),
            "XDG_DATA_HOME": str(self.root / "data"),
            "XDG_CONFIG_HOME": str(self.root / "config"),
            "RUNPT_SITE": f"localhost:{self.port}",
            "RUNPT_TLS": "internal",
            "RUNPT_HOSTS": " ".join(f"{HOST}:{host.port}" for host in self.hosts),
            "RUNPT_SYNC_HOSTS": " ".join(f"{HOST}:{host.port}" for host in self.sync_hosts),
            "CADDY_ADMIN": "off",
            "CADDY_HTTP_PORT": str(free_port()),
            "CADDY_HTTPS_PORT": str(self.port),
        }
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [self.program, "run", "--config", str(ROOT / "deploy" / "Caddyfile")],
                env=environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.root_certificate.exists():
                try:
                    if fetch(self.opener(), self.origin + "/healthz")[0] == 200:
                        return self
                except OSError:
                    pass
            time.sleep(0.2)
        raise RuntimeError(f"Caddy did not serve {self.origin}:\n{self.log.read_text()[-3000:]}")

    def tls(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.root_certificate))

    def opener(self, jar: http.cookiejar.CookieJar | None = None):
        handlers = [urllib.request.HTTPSHandler(context=self.tls())]
        if jar is not None:
            handlers.append(urllib.request.HTTPCookieProcessor(jar))
        return urllib.request.build_opener(*handlers)

    def stop(self) -> None:
        if self.process:
            stop_group(self.process)


def wait_for_port(port: int, log) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection((HOST, port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}:\n{log()}")


def stop_group(process: subprocess.Popen) -> None:
    """SIGTERM to the process group the test started."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(process.pid, signal.SIGKILL)


def migrate_once(cluster: Cluster, workdir: Path) -> None:
    """README "Upgrades": migrations and the library once, straight to PostgreSQL."""
    environment = {**os.environ, "DATABASE_URL": cluster.url, "AUTO_MIGRATE": "0",
                   "INSTANCE_PATH": str(workdir), "SECRET_KEY": "deploy-shape"}  # fmt: skip
    for command in (["db", "upgrade"], ["load-library"]):
        subprocess.run(
            [str(Path(sys.executable).parent / "flask"), "--app", "wsgi", *command],
            cwd=ROOT, env=environment, check=True, capture_output=True, timeout=120,
        )  # fmt: skip


@pytest.fixture(scope="module")
def shape(tmp_path_factory):
    """Everything running; stopped at the end, whatever happened."""
    # Owned by postgres when root: the servers refuse to run as root, and pytest's
    # temporary folders are root's alone.
    pg_root = Path(tempfile.mkdtemp(prefix="runpt-deploy-pg-"))
    if os.geteuid() == 0:
        os.chown(pg_root, pwd.getpwnam("postgres").pw_uid, -1)
    work = tmp_path_factory.mktemp("deploy-shape")
    started = []
    try:
        cluster = Cluster(pg_root)
        bouncer = PgBouncer(pg_root, cluster)
        needed("caddy")
        started.append(cluster.start())
        migrate_once(cluster, work)
        started.append(bouncer.start())
        settings = {
            "AUTO_MIGRATE": "0",
            "DATABASE_PREPARED_STATEMENTS": "off",
            "TRUSTED_PROXIES": "1",
            "SECURE_COOKIES": "1",
            "INSTANCE_PATH": str(work),
        }
        # Each host's two pools (deploy/runpt@.service): pages, and the phones' syncs.
        hosts = [LiveServer(bouncer.url, work, settings=settings) for _ in range(2)]
        sync_hosts = [LiveServer(bouncer.url, work, settings=settings, workers=1) for _ in range(2)]
        for host in hosts + sync_hosts:
            started.append(host.spawn())
        for host in hosts + sync_hosts:
            host.wait_until_up()
        caddy = Caddy(work, hosts, sync_hosts)
        started.append(caddy.start())
        yield {
            "cluster": cluster, "bouncer": bouncer, "hosts": hosts, "sync_hosts": sync_hosts,
            "caddy": caddy,
        }  # fmt: skip
    finally:
        for server in reversed(started):
            server.stop()
        shutil.rmtree(pg_root, ignore_errors=True)


# --- a runner's client over HTTPS ------------------------------------------------------


def fetch(opener, url: str, body: bytes | None = None, headers: dict | None = None):
    request = urllib.request.Request(url, data=body, headers=headers or {})
    try:
        # Generous: the box running CI may be shared and loaded.
        with opener.open(request, timeout=90) as answer:
            return answer.status, answer.read(), answer
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error


def sign_up(caddy: Caddy, email: str) -> tuple:
    """A new runner through the real form, over HTTPS; their browser (an opener)."""
    jar = http.cookiejar.CookieJar()
    browser = caddy.opener(jar)
    form = urllib.parse.urlencode({"email": email, "password": PASSWORD}).encode()
    status, _, answer = fetch(browser, caddy.origin + "/auth/register", form)
    assert status == 200 and answer.url == caddy.origin + "/get-started"
    return browser, jar


def send_like_the_outbox(browser, caddy: Caddy, batch: list[dict], seconds: float = 90):
    """POST /api/sync until every event of the batch is answered (accepted or
    duplicate), resending the whole batch after any failure: a 5xx, a lost answer."""
    body = json.dumps({"events": batch}).encode()
    headers = {"Content-Type": "application/json"}
    failures, deadline = [], time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            status, answer, _ = fetch(browser, caddy.origin + "/api/sync", body, headers)
        except OSError as error:
            status, answer = None, repr(error).encode()
        if status == 200:
            results = json.loads(answer)["results"]
            if all(r["status"] in {"accepted", "duplicate"} for r in results):
                return failures
        failures.append(f"{status} {answer[:120]!r}")
        time.sleep(0.3)
    raise AssertionError(f"a batch was never stored: {failures[-5:]}")


# --- the tests ---------------------------------------------------------------------------

BATCHES = 16


def test_a_runner_syncs_over_https_while_a_host_dies_and_postgres_restarts(shape):
    caddy, hosts, cluster = shape["caddy"], shape["sync_hosts"], shape["cluster"]
    browser, jar = sign_up(caddy, "through-caddy@example.com")
    # Caddy's certificate is trusted through its root alone, and the cookies are Secure.
    assert {cookie.name: cookie.secure for cookie in jar}["session"] is True
    events = sessions_of_events(BATCHES * 25, per_session=25)
    batches = [events[n : n + 25] for n in range(0, len(events), 25)]
    restarted = []
    restart = threading.Thread(target=lambda: restarted.append(cluster.restart() or True))
    failures = []
    for number, batch in enumerate(batches):
        if number == 4:
            hosts[0].kill()  # a sync host crashes: Caddy sends the syncs to the other
        if number == 8:
            restart.start()  # PostgreSQL goes away under PgBouncer, mid-sync
        if number == 12:
            restart.join()
            assert restarted, f"PostgreSQL did not restart:\n{(cluster.root / 'log').read_text()}"
            hosts[0].start()
        failures += send_like_the_outbox(browser, caddy, batch)
        if number % 3 == 2:
            # The phone resends a batch whose answer it never saw.
            failures += send_like_the_outbox(browser, caddy, batches[number - 1])
    # Every batch once more, as an outbox would after a lost answer: all duplicates.
    for batch in batches:
        send_like_the_outbox(browser, caddy, batch)
    assert_stored_exactly_once(cluster.url, events)
    print(f"resends after failures: {len(failures)}, e.g. {failures[:3]}")
    assert failures, "neither the dead host nor the restart was ever noticed: nothing tested"


def test_eight_readers_make_480_page_and_fragment_reads_through_caddy_all_200(shape):
    """The reads that failed behind PgBouncer with psycopg's prepared statements on
    (`DuplicatePreparedStatement`): pages, step fragments and a routine's whole unit
    (~30 fragments in one request), 8 at a time, 60 each."""
    caddy, hosts = shape["caddy"], shape["hosts"]
    for host in hosts:
        if host.process is None:
            host.start()
    readers = [sign_up(caddy, f"reader-{n}@example.com")[0] for n in range(8)]
    _, manifest, _ = fetch(readers[0], caddy.origin + "/offline/urls")
    routine = json.loads(manifest)["routines"][0]["id"]
    # Each reader's first read is the routine's whole unit (its ~30 fragments rendered in
    # one request, the same statements many times in one transaction: what psycopg
    # prepares), then pages and step fragments in turn.
    paths = ["/", f"/routines/{routine}", f"/session/{routine}"]
    paths += [f"/session/{routine}/steps/{step}" for step in range(7)]
    reads = [f"/offline/routines/{routine}"] + [paths[n % len(paths)] for n in range(59)]

    def read(browser) -> list[str]:
        wrong = []
        for path in reads:
            status, body, _ = fetch(browser, caddy.origin + path, headers={"HX-Request": "true"})
            if status != 200:
                wrong.append(f"{path}: {status} {body[:120]!r}")
        return wrong

    with ThreadPoolExecutor(8) as pool:
        wrong = [w for found in pool.map(read, readers) for w in found]
    assert wrong == [], f"{len(wrong)} of 480 reads failed, e.g. {wrong[:3]}:\n" + "\n".join(
        sorted({line for host in hosts for line in host.errors()})
    )


def reaches_the_app(caddy: Caddy, path: str) -> bool:
    """Whether Caddy passes a request for `path` to a host (any answer of the app's;
    Caddy's own for no host is 502, or 503 past its try duration)."""
    try:
        status, _, _ = fetch(caddy.opener(), caddy.origin + path)
    except OSError:
        return False
    return status not in (502, 503)


def in_page(page, path: str):
    """GET a JSON path with the page's own fetch: Chromium trusts Caddy's root through
    its NSS database, Playwright's own request client (page.request) doesn't."""
    return page.evaluate("path => fetch(path).then(answer => answer.json())", path)


def test_a_phone_on_the_https_origin_runs_a_session_with_the_hosts_down(
    shape, playwright_instance, chromium_path, tmp_path, monkeypatch
):
    """Chromium trusts Caddy's local root the way a phone is told to (an NSS database
    in its home), its service worker installs, and a session run while both hosts are
    stopped (Caddy answers, nothing behind it does) syncs once they are back."""
    caddy, hosts = shape["caddy"], shape["hosts"] + shape["sync_hosts"]
    monkeypatch.setattr(helpers, "offline_manifest", lambda page: in_page(page, "/offline/urls"))
    nssdb = tmp_path / ".pki" / "nssdb"
    nssdb.mkdir(parents=True)
    certutil = needed("certutil")
    subprocess.run([certutil, "-d", f"sql:{nssdb}", "-N", "--empty-password"], check=True)
    subprocess.run(
        [certutil, "-d", f"sql:{nssdb}", "-A", "-t", "C,,", "-n", "caddy-local",
         "-i", str(caddy.root_certificate)], check=True,
    )  # fmt: skip
    browser = playwright_instance.chromium.launch(
        executable_path=chromium_path, args=CHROMIUM_ARGS, env={**os.environ, "HOME": str(tmp_path)}
    )
    try:
        context = browser.new_context(base_url=caddy.origin, **phone_context_options())
        context.set_default_timeout(20000)
        page = context.new_page()

        def hosts_down():
            for host in hosts:
                host.stop()

        tab, routine_id = run_offline_session(context, page, hosts_down)
        assert tab.evaluate("location.protocol") == "https:"
        assert tab.evaluate("navigator.serviceWorker.controller !== null")
        assert outbox_for(tab, runner_id(tab)) == 4
        for host in hosts:
            host.start()
        # Caddy takes a host back once its health check passes and the failures it saw
        # while the host was down are 10 s old (fail_duration); the phone syncs at its
        # next moment, here the page opened once Caddy reaches both pools again.
        for path in ("/healthz", "/api/sessions"):
            assert wait_until(lambda path=path: reaches_the_app(caddy, path), 30), path
        tab.goto("/")
        assert wait_until(lambda: outbox_for(tab, runner_id(tab)) == 0, 30)
        (session,) = in_page(tab, "/api/sessions")["sessions"]
        assert session["routine"] == routine_id and len(session["sets"]) == 2
        expect(tab.locator("[data-sync-text]")).not_to_have_text("4 logs waiting")
    finally:
        browser.close()


def test_syncs_go_on_while_every_page_worker_is_stuck(shape):
    """Caddy sends /api/ to the sync pool (deploy/Caddyfile): with every page worker of
    every host stuck (a flood of pages, say; here stopped with SIGSTOP), a runner's
    phone still syncs, at once, and each event is stored once."""
    caddy, hosts, sync_hosts = shape["caddy"], shape["hosts"], shape["sync_hosts"]
    for host in hosts + sync_hosts:
        if host.process is None:
            host.start()
    browser, _ = sign_up(caddy, "while-pages-stuck@example.com")
    events = sessions_of_events(50, per_session=25)
    for host in hosts:
        host.pause()
    try:
        started = time.monotonic()
        for batch in (events[:25], events[25:]):
            failures = send_like_the_outbox(browser, caddy, batch, seconds=20)
            assert failures == [], failures
        took = time.monotonic() - started
    finally:
        for host in hosts:
            host.resume()
    # A request that reached a stuck page host is answered, and logged, once it runs.
    for host in hosts:
        host.wait_until_up()
    time.sleep(1)
    # Generous for a loaded CI box, and far below the 10 s Caddy would spend trying a
    # stuck page host before giving up on it.
    assert took < 8, f"two batches took {took:.1f} s with the page workers stuck"
    sent = {event["id"] for event in events}
    stored = Counter(i for i, _ in stored_events(shape["cluster"].url) if i in sent)
    assert stored == Counter(sent), "an event was lost or stored twice"
    synced_on = {
        host.port for host in hosts + sync_hosts
        if any(path == "/api/sync" for _, path, *_ in host.requests_made())
    }  # fmt: skip
    assert synced_on, "no host logged the syncs"
    assert synced_on <= {host.port for host in sync_hosts}, "a sync reached a page worker"
