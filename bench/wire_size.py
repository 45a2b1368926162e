"""Item 2: bytes on the wire, compressed as a proxy in front of gunicorn would send them.

runpt itself does not compress (no gzip in Flask/gunicorn); a reverse proxy does. The
bodies the app serves are gzipped here with Python's zlib at level 6 (nginx/Caddy-style
`gzip on`, common setting) and level 1 (nginx's default gzip_comp_level). Response
headers are counted separately (HTTP/1.1 sends them uncompressed; HTTP/2 HPACK shrinks
repeats).

- every step fragment of every built-in routine (target: each <= 3 KB compressed);
- the first load of the start page `/` for a signed-in runner in a fresh Chromium
  profile: everything the page requests (document, CSS, scripts incl. htmx, manifest,
  icons), recorded with Playwright, service worker traffic listed apart;
  (target <= 40 KB compressed); also the signed-out welcome page;
- the whole offline set the service worker keeps (GET /offline/urls + the shell).

    .venv/bin/python bench/wire_size.py
"""

import gzip
import json
import os
import re
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from common import CHROMIUM, CHROMIUM_ARGS, PASSWORD, Runner, Server, running, write_result  # noqa: E402


def gz(body: bytes, level: int) -> int:
    return len(gzip.compress(body, compresslevel=level, mtime=0))


def header_bytes(headers: dict) -> int:
    return sum(len(k) + len(v) + 4 for k, v in headers.items()) + len("HTTP/1.1 200 OK\r\n\r\n")


def sizes(body: bytes, headers: dict | None = None) -> dict:
    row = {"raw": len(body), "gzip6": gz(body, 6), "gzip1": gz(body, 1)}
    if headers is not None:
        row["headers"] = header_bytes(headers)
    return row


def total(rows) -> dict:
    keys = ("raw", "gzip6", "gzip1", "headers")
    return {k: sum(r.get(k, 0) for r in rows) for k in keys}


def first_load(server_url: str, signed_in: bool) -> dict:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(
            base_url=server_url,
            viewport={"width": 390, "height": 844},
            is_mobile=True,
            has_touch=True,
            device_scale_factor=2,
        )
        if signed_in:
            # Sign up with a plain form post: no page of the app loaded before the measurement.
            email = f"wire-{time.monotonic_ns()}@example.com"
            answer = context.request.post(
                "/auth/register",
                form={"email": email, "password": PASSWORD},
                headers={"Origin": server_url},
                max_redirects=0,
            )
            assert answer.status == 302, answer.status
        page_rows, sw_rows, bodies = [], [], []

        def on_response(response):
            bodies.append(response)

        context.on("response", on_response)
        page = context.new_page()
        page.goto("/", wait_until="load")
        page.wait_for_timeout(3000)  # the service worker installs and keeps the offline set
        for response in bodies:
            try:
                body = response.body()
            except Exception:  # noqa: BLE001 - redirects and aborted requests have no body
                continue
            from_sw = response.request.service_worker is not None or response.from_service_worker
            row = {
                "url": response.url.replace(server_url, ""),
                "status": response.status,
                **sizes(body, response.headers),
            }
            (sw_rows if from_sw else page_rows).append(row)
        browser.close()
    return {
        "page": page_rows,
        "page_total": total(page_rows),
        "service_worker_requests": len(sw_rows),
        "service_worker_total": total(sw_rows),
    }


def main():
    server = Server(workers=2, threads=2)
    result = {"command": " ".join(sys.argv), "compression": "zlib gzip level 6 and 1 on bodies"}
    with running(server):
        runner = Runner(server.url).register()
        offline = runner.offline_set()
        builtin = offline["routines"]  # the runner has no own routines: all built-in
        fragments = []
        for routine in builtin:
            for url in routine["urls"]:
                if "/steps/" in url:
                    status, headers, body = runner.get(url)
                    fragments.append({"url": url, **sizes(body, headers)})
        biggest = max(fragments, key=lambda r: r["gzip6"])
        result["step_fragments"] = {
            "count": len(fragments),
            "gzip6_max": biggest["gzip6"],
            "gzip6_median": statistics.median(r["gzip6"] for r in fragments),
            "gzip1_max": max(r["gzip1"] for r in fragments),
            "raw_max": max(r["raw"] for r in fragments),
            "raw_median": statistics.median(r["raw"] for r in fragments),
            "headers_typical": fragments[0]["headers"],
            "biggest": biggest["url"],
        }
        print("step fragments:", result["step_fragments"], flush=True)

        # The offline set: pages, routine pages, players, fragments, and the shell.
        sw_source = runner.get("/sw.js")[2].decode()
        shell = json.loads(re.search(r"const SHELL = (\[.*?\]);", sw_source).group(1))
        groups = {
            "shell (static files, /offline, manifest)": shell + ["/sw.js"],
            "pages (home, lists, library)": offline["pages"],
            "routine pages + players + step fragments": [u for r in builtin for u in r["urls"]],
        }
        offline_rows = {}
        for name, urls in groups.items():
            rows = []
            for url in urls:
                status, headers, body = runner.get(url)
                rows.append(sizes(body))
            offline_rows[name] = {"urls": len(urls), **total(rows)}
        offline_rows["all"] = {
            k: sum(g[k] for g in offline_rows.values()) for k in ("urls", "raw", "gzip6", "gzip1")
        }
        result["offline_set"] = {"routines": len(builtin), "groups": offline_rows}
        print("offline set:", json.dumps(offline_rows, indent=1), flush=True)

        # Headless Chromium does not fetch the manifest at load; a phone does (install
        # prompt), so it is counted into the start page's budget here.
        status, headers, body = runner.get("/manifest.webmanifest")
        result["manifest"] = sizes(body, headers)
        result["first_load_signed_in"] = first_load(server.url, signed_in=True)
        result["first_load_signed_out"] = first_load(server.url, signed_in=False)
        for key in ("first_load_signed_in", "first_load_signed_out"):
            load = result[key]
            load["page_total_with_manifest"] = total(load["page"] + [result["manifest"]])
            print(
                key,
                load["page_total"],
                "with manifest",
                load["page_total_with_manifest"],
                "sw:",
                load["service_worker_requests"],
                load["service_worker_total"],
                flush=True,
            )
            for row in load["page"]:
                print("   ", row, flush=True)
    print("wrote", write_result("wire_size", result))


if __name__ == "__main__":
    main()
