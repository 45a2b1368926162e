/* runpt service worker: the app opens and a whole session runs with no signal, and a
 * signal that answers nothing (one bar on a trail) is no slower than none at all.
 *
 * Caches (one name per purpose; the shell's name carries the version):
 * - runpt-shell-<version>: styles, scripts, htmx, icons, the offline pages. Taken at
 *   install; `activate` deletes only older runpt shell caches.
 * - runpt-user-<id>: one runner's offline set (sw-offline-set.js) and the pages they
 *   opened. Only responses the server marked with that runner's id go in, and only
 *   the signed-in runner's cache is read, so two runners on one phone never see each
 *   other's pages.
 * - runpt-shared: a file shared to runpt, until the server has read it (sw-share.js).
 * Never cached: anything but GET, /api/*, /auth/*, this file.
 *
 * A path runpt had before a rename (`outbox.currentPath`: /run/5 is /session/5 now) is
 * answered with a redirect to the path it is now, here too, so an old bookmark, a
 * home-screen icon or a page kept before the update opens with no signal; at activation
 * the copies kept under old paths move to the new ones.
 *
 * The version and shell list are filled in by the server (runpt/pwa/routes.py) from
 * the files' own hashes, so any change to them is a new worker.
 */
"use strict";

// One way down: outbox.js, then the shared layer, then the offline set, then reminders
// (push and notification taps, with their own listeners); this file only
// reaches them through their namespaces (sw-shared.js says why).
importScripts(
  "/static/outbox.js", "/static/sw-shared.js", "/static/sw-offline-set.js", "/static/sw-share.js",
  "/static/sw-reminders.js",
);

const VERSION = "__VERSION__";
const SHELL = ["__SHELL__"];
const SHELL_CACHE = `runpt-shell-${VERSION}`;
const OFFLINE_PAGE = "/offline";
// How long a page waits for the network when the phone has a copy: a few times what the
// server usually takes, never under PAGE_WAIT_MIN_MS. After a wait runs out, the network
// is "suspect" for a while: pages come from the phone at once and refresh behind.
const PAGE_WAIT_MIN_MS = 300;
const PAGE_WAIT_MAX_MS = 2000;
const SUSPECT_FOR_MS = 30000;
// Right after the runner sent a form, the next page must be the server's answer.
const FRESH_WAIT_MS = 8000;
const FRESH_FOR_MS = 10000;
const NO_COPY_WAIT_MS = 10000;
const OTHER_WAIT_MS = 4000;

const {
  outbox, network, copiesMayBeBehind, signedInRunner, userCacheName, unitPath, routineIdOfUnit,
  stepOf, copyRequest, remember, fromUserCache, tellPages,
} = self.RunptWorker;
const { isCurrentCopy, keepRoutineFrom, keepOfflineSetSoon } = self.RunptOfflineSet;
const { isShare, keepShared } = self.RunptShare;
const { messages } = outbox;

self.addEventListener("install", (event) => {
  // No skipWaiting here: a new version waits until the runner taps "Update", so a
  // session in progress is never swapped out from under them.
  event.waitUntil(caches.open(SHELL_CACHE).then((cache) => cache.addAll(SHELL)));
  routeShellPastTheWorker(event);
});

/** Where the browser has static routes (Chromium 123+), the shell's files (styles,
 * every script module, icons) come from this version's shell cache without running the
 * worker at all, as `fromShell` below would serve them: opening runpt with no signal
 * then waits neither for the worker to start nor for twenty fetch events one after
 * another. Anything the cache lacks goes to the network, as in `fromShell`. */
function routeShellPastTheWorker(event) {
  if (typeof event.addRoutes !== "function" || typeof URLPattern === "undefined") return;
  const files = SHELL.filter((path) => path.startsWith("/static/"));
  const condition = {
    or: files.map((pathname) => ({ urlPattern: new URLPattern({ pathname, search: "" }) })),
  };
  event.waitUntil(
    Promise.resolve()
      .then(() => event.addRoutes({ condition, source: { cacheName: SHELL_CACHE } }))
      .catch(() => {}), // not this browser's kind of route: the fetch handler serves them
  );
}

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(
      names
        .filter((name) => name.startsWith("runpt-shell-") && name !== SHELL_CACHE)
        .map((name) => caches.delete(name)),
    );
    await Promise.all(names.filter((name) => name.startsWith("runpt-user-")).map(moveOldCopies));
    await self.clients.claim();
  })());
});

/** A runner's copies kept under a path runpt had before a rename go under the path it
 * is now (unless the new one is kept already), so the new URLs open offline before the
 * offline set is next refreshed. */
async function moveOldCopies(name) {
  const cache = await caches.open(name);
  for (const request of await cache.keys()) {
    const url = new URL(request.url);
    const moved = outbox.currentPath(url.pathname);
    if (!moved) continue;
    const now = new URL(moved + url.search, url);
    if (!(await cache.match(now.href))) await cache.put(now.href, await cache.match(request));
    await cache.delete(request);
  }
}

/* ---------- fetch: route each request to a small strategy ---------- */

self.addEventListener("fetch", (event) => {
  const request = event.request;
  // A file shared from another app: kept on the phone first (sw-share.js).
  if (isShare(request)) {
    event.respondWith(keepShared(request));
    return;
  }
  if (request.method !== "GET") return; // POSTs (logs, forms) always go to the network
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/") || url.pathname.startsWith("/auth/") || url.pathname === "/sw.js") {
    return;
  }
  const moved = outbox.currentPath(url.pathname);
  if (moved) {
    // An old path (a bookmark, a page kept before the update): where it is now, as the
    // server would answer (runpt/pages/old_urls.py), signal or none.
    event.respondWith(Response.redirect(new URL(moved + url.search, url).href, 308));
    return;
  }
  if (SHELL.includes(url.pathname)) {
    event.respondWith(fromShell(request));
  } else if (routineIdOfUnit(url.pathname) !== null) {
    event.respondWith(routineForPlayer(request, event));
  } else if (request.mode === "navigate") {
    event.respondWith(pageFromPhoneOrNetwork(event));
  } else if (stepOf(url.pathname)) {
    event.respondWith(stepFromUnit(request, event));
  } else {
    event.respondWith(networkThenCache(request));
  }
});

async function fromShell(request) {
  const cached = await caches.match(request, { cacheName: SHELL_CACHE });
  return cached || fetch(request);
}

function offlinePage() {
  return caches.match(OFFLINE_PAGE, { cacheName: SHELL_CACHE }).then((page) => page || Response.error());
}

/** A promise that rejects if `promise` hasn't settled within `milliseconds`. */
function within(promise, milliseconds) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("network too slow")), milliseconds);
    promise.then(
      (value) => { clearTimeout(timer); resolve(value); },
      (error) => { clearTimeout(timer); reject(error); },
    );
  });
}

/** How long this navigation waits for the network before the phone's copy. The page
 * right after a form the runner sent waits longest: it must be the server's answer. */
function pageWait() {
  if (Date.now() < network.freshUntil) {
    network.freshUntil = 0; // for this navigation only
    return FRESH_WAIT_MS;
  }
  return Math.min(PAGE_WAIT_MAX_MS, Math.max(PAGE_WAIT_MIN_MS, 3 * network.typicalMs));
}

/** Learn what this server usually takes, from pages that came in time. A page that
 * lost the race (it came seconds later, after a hung connection) says nothing of it. */
function learnTypical(milliseconds) {
  network.typicalMs = 0.7 * network.typicalMs + 0.3 * Math.min(milliseconds, PAGE_WAIT_MAX_MS);
  network.suspectUntil = 0;
}

/** Pages: the network when it answers within a short wait (fresh data), else the
 * phone's copy at once, refreshed behind the scenes; with no copy, the network for
 * longer, then the offline page. */
async function pageFromPhoneOrNetwork(event) {
  const request = event.request;
  const started = Date.now();
  const fresh = fetch(request).then(async (response) => {
    await remember(request, response.clone());
    return response;
  });
  const cached = await fromUserCache(request, true);
  if (!cached) {
    try {
      return await within(fresh, NO_COPY_WAIT_MS);
    } catch {
      return offlinePage();
    }
  }
  event.waitUntil(fresh.then(() => { network.suspectUntil = 0; }, () => {}));
  const offline = self.navigator && self.navigator.onLine === false;
  if (offline || Date.now() < network.suspectUntil) return cached;
  // Unless the runner just sent a form, a copy known to be current needs no wait.
  if (Date.now() >= network.freshUntil && (await isCurrentCopy(request))) return cached;
  try {
    const response = await within(fresh, pageWait());
    learnTypical(Date.now() - started);
    return response;
  } catch {
    network.suspectUntil = Date.now() + SUSPECT_FOR_MS;
    return cached;
  }
}

/** The routine the player steps through: the phone's whole copy when it is of the
 * routine as the page knew it (`changed`: its last edit), else the server's, kept as a
 * unit on the way; with no connection, an older whole copy is better than none. */
async function routineForPlayer(request, event) {
  const url = new URL(request.url);
  const wanted = url.searchParams.get("changed");
  const user = await signedInRunner();
  const cached = user ? await (await caches.open(userCacheName(user))).match(url.pathname) : undefined;
  if (cached && (!wanted || cached.headers.get("X-Runpt-Routine-Changed") === wanted)) return cached;
  try {
    const response = await within(fetch(request.url, copyRequest()), NO_COPY_WAIT_MS);
    if (response.ok && user) event.waitUntil(keepRoutineFrom(response.clone(), user));
    if (response.ok || !cached) return response;
  } catch {
    /* no signal: the phone's copy, if any, below */
  }
  return cached || notOnThisPhone();
}

function notOnThisPhone() {
  const body = { error: "This routine isn't saved on your phone yet. Connect once to keep it offline." };
  return new Response(JSON.stringify(body), { status: 503, headers: { "Content-Type": "application/json" } });
}

/** One step fragment (htmx's way in): from the routine's unit on the phone. */
async function stepFromUnit(request, event) {
  const [routineId, index] = stepOf(new URL(request.url).pathname);
  const user = await signedInRunner();
  const cache = user ? await caches.open(userCacheName(user)) : null;
  const unit = cache ? await cache.match(unitPath(routineId)) : undefined;
  const refresh = fetch(request);
  if (unit) {
    const html = (await unit.json()).steps[index];
    if (html) {
      event.waitUntil(refresh.catch(() => {}));
      return new Response(html, { headers: { "Content-Type": "text/html; charset=utf-8" } });
    }
  }
  return refresh.catch(() => new Response(
    "<p class=\"error\" role=\"alert\">This step isn't saved on your phone yet. Reconnect once to keep it offline.</p>",
    { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } },
  ));
}

async function networkThenCache(request) {
  try {
    const response = await within(fetch(request), OTHER_WAIT_MS);
    remember(request, response.clone());
    return response;
  } catch (error) {
    const cached = await fromUserCache(request);
    if (cached) return cached;
    throw error;
  }
}

/* ---------- messages from pages, and Background Sync ---------- */

self.addEventListener("message", (event) => {
  const message = event.data || {};
  if (message.type === messages.skipWaiting) {
    self.skipWaiting();
  } else if (message.type === messages.cacheRoutines && message.user) {
    event.waitUntil(keepOfflineSetSoon(message.user).catch(() => {}));
  } else if (message.type === messages.expectFresh) {
    network.freshUntil = Date.now() + FRESH_FOR_MS;
    copiesMayBeBehind();
  } else if (message.type === messages.dataChanged) {
    copiesMayBeBehind();
    event.waitUntil(keepOfflineSetBetweenSessions().catch(() => {}));
  } else if (message.type === messages.forgetUser && message.user) {
    // Logout or deletion: this runner's pages and every key of theirs go; their logs
    // not synced yet stay (a deletion's page has already dropped those).
    event.waitUntil((async () => {
      await caches.delete(userCacheName(message.user));
      await outbox.forgetRunner(message.user, { keepLogs: true });
      if (event.ports[0]) event.ports[0].postMessage("forgotten");
    })());
  } else if (message.type === messages.flush) {
    event.waitUntil(flushFromWorker());
  }
});

async function flushFromWorker() {
  const user = await signedInRunner();
  if (!user) return;
  const outcome = await outbox.flush(user);
  if (outcome === "sent") copiesMayBeBehind();
  await tellPages({ type: messages.synced, outcome });
  // After the pages heard: the refresh can take seconds, and they show "Synced" now.
  if (outcome === "sent") await keepOfflineSetBetweenSessions().catch(() => {});
  // A failed flush makes Background Sync try again later.
  if (outcome === "failed") throw new Error("sync failed; will retry");
}

/** Logs were sent: the phone's copies of the pages they show (history, results) are
 * behind the server. Keep the new ones now, so a runner who loses the signal right after
 * a sync sees what was synced; not while a session is in progress (its steps show the
 * logs it was started with, and the player holds its own copy of the routine). */
async function keepOfflineSetBetweenSessions() {
  const user = await signedInRunner();
  if (user && !(await outbox.loadSession(user))) await keepOfflineSetSoon(user);
}

self.addEventListener("sync", (event) => {
  if (event.tag === "runpt-sync") event.waitUntil(flushFromWorker());
});
