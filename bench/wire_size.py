"""Item 2: bytes on the wire, as the app sends them.

runpt compresses its own responses (Flask-Compress, runpt/compression.py): gzip for a
client that accepts it (Chromium sends `Accept-Encoding: gzip, deflate, br, zstd`),
brotli for one that prefers it, else nothing. Each URL is requested four ways and the
body bytes the server sent are counted (urllib does not decode): as Chromium asks
(`browser`), gzip only, preferring brotli (`br`), and without Accept-Encoding (`raw`).
Response headers are counted separately (HTTP/1.1 sends them uncompressed; HTTP/2 HPACK
shrinks repeats).

- every step fragment of every built-in routine (target: each <= 3 KB compressed);
- the first load of the start page `/` for a signed-in runner in a fresh Chromium
  profile: everything the page requests (document, CSS, scripts incl. htmx, icons),
  recorded with Playwright with the bytes Chromium received (`Request.sizes()`), plus
  the web app manifest, service worker traffic listed apart (target <= 40 KB); also
  the signed-out welcome page;
- the whole offline set the service worker keeps (GET /offline/urls + the shell).

    .venv/bin/python bench/wire_size.py
"""

import json
import os
import re
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from common import CHROMIUM, CHROMIUM_ARGS, PASSWORD, Runner, Server, running, write_result  # noqa: E402

ASKS = {
    "browser": {"Accept-Encoding": "gzip, deflate, br, zstd"},  # what Chromium sends
    "gzip": {"Accept-Encoding": "gzip"},
    "br": {"Accept-Encoding": "gzip;q=0.5, br"},
    "raw": {},
}


def header_bytes(headers: dict) -> int:
    return sum(len(k) + len(v) + 4 for k, v in headers.items()) + len("HTTP/1.1 200 OK\r\n\r\n")


def sent(runner: Runner, url: str) -> dict:
    """Body bytes sent for `url` asked each way, the encodings used, and the headers
    of the answer to Chromium's request."""
    row = {"url": url}
    for name, headers in ASKS.items():
        status, answer_headers, body = runner.get(url, headers)
        assert status == 200, (url, status)
        row[name] = len(body)
        row[f"{name}_encoding"] = answer_headers.get("Content-Encoding")
        if name == "browser":
            row["headers"] = header_bytes(answer_headers)
    return row


def total(rows, keys=("browser", "gzip", "br", "raw", "headers")) -> dict:
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
        page_rows, sw_rows, responses = [], [], []
        context.on("response", lambda response: responses.append(response))
        page = context.new_page()
        page.goto("/", wait_until="load")
        page.wait_for_timeout(3000)  # the service worker installs and keeps the offline set
        for response in responses:
            try:
                body = response.body()  # decoded
                sizes = response.request.sizes()  # as received
            except Exception:  # noqa: BLE001 - redirects and aborted requests have no body
                continue
            from_sw = response.request.service_worker is not None or response.from_service_worker
            row = {
                "url": response.url.replace(server_url, ""),
                "status": response.status,
                "encoding": response.headers.get("content-encoding"),
                "wire": sizes["responseBodySize"],
                "headers": sizes["responseHeadersSize"],
                "raw": len(body),
            }
            (sw_rows if from_sw else page_rows).append(row)
        browser.close()
    keys = ("wire", "raw", "headers")
    return {
        "page": page_rows,
        "page_total": total(page_rows, keys),
        "service_worker_requests": len(sw_rows),
        "service_worker_total": total(sw_rows, keys),
    }


def main():
    server = Server(workers=2, threads=2)
    result = {
        "command": " ".join(sys.argv),
        "measured": "body bytes the app sent: browser = as Chromium asks, gzip = gzip only, "
        "br = preferring brotli, raw = no Accept-Encoding",
    }
    with running(server):
        result["runpt"] = server.source
        runner = Runner(server.url).register()
        offline = runner.offline_set()
        builtin = offline["routines"]  # the runner has no own routines: all built-in
        fragments = [
            sent(runner, url) for routine in builtin for url in routine["urls"] if "/steps/" in url
        ]
        biggest = max(fragments, key=lambda r: r["browser"])
        result["step_fragments"] = {
            "count": len(fragments),
            "encodings (browser, gzip, br, raw)": sorted(
                {tuple(r[f"{k}_encoding"] for k in ASKS) for r in fragments}
            ),
            "browser_max": max(r["browser"] for r in fragments),
            "browser_median": statistics.median(r["browser"] for r in fragments),
            "br_max": max(r["br"] for r in fragments),
            "br_median": statistics.median(r["br"] for r in fragments),
            "gzip_max": max(r["gzip"] for r in fragments),
            "gzip_median": statistics.median(r["gzip"] for r in fragments),
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
            offline_rows[name] = {"urls": len(urls), **total([sent(runner, u) for u in urls])}
        offline_rows["all"] = {
            k: sum(g[k] for g in offline_rows.values())
            for k in ("urls", "browser", "gzip", "br", "raw", "headers")
        }
        result["offline_set"] = {"routines": len(builtin), "groups": offline_rows}
        print("offline set:", json.dumps(offline_rows, indent=1), flush=True)

        # Headless Chromium does not fetch the manifest at load; a phone does (install
        # prompt), so it is counted into the start page's budget here.
        manifest = sent(runner, "/manifest.webmanifest")
        result["manifest"] = manifest
        result["first_load_signed_in"] = first_load(server.url, signed_in=True)
        result["first_load_signed_out"] = first_load(server.url, signed_in=False)
        for key in ("first_load_signed_in", "first_load_signed_out"):
            load = result[key]
            with_manifest = {
                "wire": load["page_total"]["wire"] + manifest["browser"],
                "raw": load["page_total"]["raw"] + manifest["raw"],
                "headers": load["page_total"]["headers"] + manifest["headers"],
            }
            load["page_total_with_manifest"] = with_manifest
            print(
                key,
                load["page_total"],
                "with manifest",
                with_manifest,
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
