/* runpt service worker: the app opens and a whole session runs with no signal.
 *
 * Caches (one name per purpose; the shell's name carries the version):
 * - runpt-shell-<version>: styles, scripts, htmx, icons, the offline page. Taken at
 *   install; `activate` deletes only older runpt shell caches.
 * - runpt-user-<id>: one runner's pages and step fragments. Only responses the server
 *   marked with that runner's id (X-Runpt-User) go in, and only the signed-in runner's
 *   cache is read, so two runners on one phone never see each other's pages.
 * Never cached: anything but GET, /api/*, /auth/*, this file.
 *
 * The version and shell list are filled in by the server (runpt/pwa/routes.py) from
 * the files' own hashes, so any change to them is a new worker.
 */
"use strict";

importScripts("/static/outbox.js");

const VERSION = "__VERSION__";
const SHELL = ["__SHELL__"];
const SHELL_CACHE = `runpt-shell-${VERSION}`;
const OFFLINE_PAGE = "/offline";
const OFFLINE_SET_URL = "/offline/urls";
const NETWORK_TIMEOUT_MS = 2500;

const outbox = self.RunptOutbox;

self.addEventListener("install", (event) => {
  // No skipWaiting here: a new version waits until the runner taps "Update", so a
  // session in progress is never swapped out from under them.
  event.waitUntil(caches.open(SHELL_CACHE).then((cache) => cache.addAll(SHELL)));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(
      names
        .filter((name) => name.startsWith("runpt-shell-") && name !== SHELL_CACHE)
        .map((name) => caches.delete(name)),
    );
    await self.clients.claim();
  })());
});

/* ---------- fetch: route each request to a small strategy ---------- */

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return; // POSTs (logs, forms) always go to the network
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/") || url.pathname.startsWith("/auth/") || url.pathname === "/sw.js") {
    return;
  }
  if (SHELL.includes(url.pathname)) {
    event.respondWith(fromShell(request));
  } else if (request.mode === "navigate") {
    event.respondWith(pageNetworkFirst(request));
  } else if (isStepFragment(url)) {
    event.respondWith(fragmentCacheFirst(request, event));
  } else {
    event.respondWith(networkThenCache(request));
  }
});

function isStepFragment(url) {
  return /^\/run\/\d+\/steps\/\d+$/.test(url.pathname);
}

async function signedInRunner() {
  try {
    return await outbox.getMeta("signed-in");
  } catch {
    return null;
  }
}

function userCacheName(user) {
  return `runpt-user-${user}`;
}

async function fromShell(request) {
  const cached = await caches.match(request, { cacheName: SHELL_CACHE });
  return cached || fetch(request);
}

/** A response made for a runner goes into that runner's cache, nothing else does. */
async function remember(request, response) {
  const owner = response.headers.get("X-Runpt-User");
  if (!response.ok || response.redirected || !owner) return;
  const cache = await caches.open(userCacheName(owner));
  await cache.put(request.url, response);
}

async function fromUserCache(request, ignoreSearch = false) {
  const user = await signedInRunner();
  if (!user) return undefined;
  const cache = await caches.open(userCacheName(user));
  return (await cache.match(request.url)) || (ignoreSearch ? cache.match(request.url, { ignoreSearch: true }) : undefined);
}

function fetchWithin(request, milliseconds) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("network too slow")), milliseconds);
    fetch(request).then(
      (response) => { clearTimeout(timer); resolve(response); },
      (error) => { clearTimeout(timer); reject(error); },
    );
  });
}

/** Pages: the network when it answers quickly (fresh data), else this runner's copy,
 * else the offline page. */
async function pageNetworkFirst(request) {
  try {
    const response = await fetchWithin(request, NETWORK_TIMEOUT_MS);
    remember(request, response.clone());
    return response;
  } catch {
    const cached = await fromUserCache(request, true);
    if (cached) return cached;
    return (await caches.match(OFFLINE_PAGE, { cacheName: SHELL_CACHE })) || Response.error();
  }
}

/** Step fragments: from this runner's cache at once (stepping must feel instant, online
 * or not), refreshed from the network behind the scenes for next time. */
async function fragmentCacheFirst(request, event) {
  const cached = await fromUserCache(request);
  const refresh = fetch(request).then(async (response) => {
    await remember(request, response.clone());
    return response;
  });
  if (cached) {
    event.waitUntil(refresh.catch(() => {}));
    return cached;
  }
  return refresh.catch(() => new Response(
    "<p class=\"error\" role=\"alert\">This step isn't saved on your phone yet. Reconnect once to keep it offline.</p>",
    { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } },
  ));
}

async function networkThenCache(request) {
  try {
    const response = await fetch(request);
    remember(request, response.clone());
    return response;
  } catch (error) {
    const cached = await fromUserCache(request);
    if (cached) return cached;
    throw error;
  }
}

/* ---------- the runner's offline set: every routine, page and step ---------- */

/** Fetch the list of what to keep offline; (re)load each routine whose `updated`
 * changed since last time; drop what is gone. Reports the size to the pages. */
async function keepOfflineSet(user) {
  const response = await fetch(OFFLINE_SET_URL, { credentials: "same-origin", redirect: "manual" });
  if (!response.ok) return;
  const offlineSet = await response.json();
  if (String(offlineSet.user) !== String(user)) return;
  const cache = await caches.open(userCacheName(user));
  const indexKey = "/__runpt/offline-index";
  const previous = await cache.match(indexKey).then((r) => (r ? r.json() : { routines: {} }));
  // A new version of the app renders pages differently: keep everything again.
  if (previous.version !== VERSION) previous.routines = {};
  const wanted = new Set(offlineSet.pages);
  const stillCurrent = {};
  for (const routine of offlineSet.routines) {
    routine.urls.forEach((url) => wanted.add(url));
    if (previous.routines[routine.id] === routine.updated) stillCurrent[routine.id] = true;
  }
  // Pages change with new logs (history) or a new version; otherwise only missing ones
  // are fetched, so opening a page doesn't copy the whole set again.
  const pagesCurrent = previous.version === VERSION && previous.pages === offlineSet.pagesUpdated;
  const toFetch = [];
  for (const url of offlineSet.pages) {
    if (!pagesCurrent || !(await cache.match(url))) toFetch.push(url);
  }
  for (const routine of offlineSet.routines) {
    for (const url of routine.urls) {
      if (!stillCurrent[routine.id] || !(await cache.match(url))) toFetch.push(url);
    }
  }
  await fetchInto(cache, toFetch, user);
  for (const request of await cache.keys()) {
    const path = new URL(request.url).pathname;
    if (path !== indexKey && !wanted.has(path) && !isVisitedPage(path)) await cache.delete(request);
  }
  const index = {
    version: VERSION,
    pages: offlineSet.pagesUpdated,
    routines: Object.fromEntries(offlineSet.routines.map((r) => [r.id, r.updated])),
  };
  await cache.put(indexKey, new Response(JSON.stringify(index), { headers: { "Content-Type": "application/json" } }));
  const summary = { routines: offlineSet.routines.length, bytes: await cacheBytes(cache), at: Date.now() };
  await outbox.setMeta(`offline:${user}`, summary);
  await tellPages({ type: "offline-ready", ...summary });
}

function isVisitedPage(path) {
  return !path.startsWith("/run/") && !path.startsWith("/routines/");
}

async function fetchInto(cache, urls, user) {
  const queue = [...new Set(urls)];
  const worker = async () => {
    while (queue.length) {
      const url = queue.shift();
      try {
        // Marked so the server doesn't hand this background copy the runner's one-time
        // messages ("Routine saved."), which belong on the page they are looking at.
        const response = await fetch(url, {
          credentials: "same-origin",
          redirect: "manual",
          headers: { "X-Runpt-Offline-Copy": "1" },
        });
        if (response.ok && response.headers.get("X-Runpt-User") === String(user)) {
          await cache.put(url, response);
        }
      } catch {
        /* offline part-way: the next page load tries again */
      }
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
}

async function cacheBytes(cache) {
  let bytes = 0;
  for (const request of await cache.keys()) {
    const response = await cache.match(request);
    bytes += (await response.clone().arrayBuffer()).byteLength;
  }
  return bytes;
}

async function tellPages(message) {
  for (const client of await self.clients.matchAll({ type: "window" })) client.postMessage(message);
}

/* ---------- messages from pages, and Background Sync ---------- */

self.addEventListener("message", (event) => {
  const message = event.data || {};
  if (message.type === "skip-waiting") {
    self.skipWaiting();
  } else if (message.type === "cache-routines" && message.user) {
    event.waitUntil(keepOfflineSet(message.user).catch(() => {}));
  } else if (message.type === "forget-user" && message.user) {
    // Logout: this runner's pages go; their outbox (unsynced logs) stays.
    event.waitUntil((async () => {
      await caches.delete(userCacheName(message.user));
      await outbox.setMeta(`offline:${message.user}`, null);
      if (event.ports[0]) event.ports[0].postMessage("forgotten");
    })());
  } else if (message.type === "flush") {
    event.waitUntil(flushFromWorker());
  }
});

async function flushFromWorker() {
  const user = await signedInRunner();
  if (!user) return;
  const outcome = await outbox.flush(user);
  await tellPages({ type: "synced", outcome });
  // A failed flush makes Background Sync try again later.
  if (outcome === "failed") throw new Error("sync failed; will retry");
}

self.addEventListener("sync", (event) => {
  if (event.tag === "runpt-sync") event.waitUntil(flushFromWorker());
});
