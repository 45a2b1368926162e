/* runpt outbox and sync loop.
 *
 * Loaded by pages (before the modules in js/) and by the service worker (importScripts), so the
 * same code drains the outbox from an open page or from a Background Sync event.
 *
 * Rules (docs/sync-protocol.md):
 * - Every log is written to IndexedDB first; the network is never waited on to log.
 * - An event leaves the outbox only after the server answered `accepted` or
 *   `duplicate`. Network errors, 5xx, 401 and redirects keep it for the next try.
 * - `rejected` events move to the "needs attention" store; never dropped silently.
 * - Entries carry their runner's user id; a flush sends only the signed-in runner's.
 * - One flush at a time, across tabs and the service worker (Web Locks).
 *
 * The phone's own state lives here, for pages and worker alike: the IndexedDB schema
 * (openDatabase), every key of the meta store (`keys`: a runner's are `<name>:<user id>`)
 * and the message types between pages and the service worker (`messages`). Logging out
 * and deleting an account clear a runner's keys through forgetRunner, so a key added to
 * `keys` is cleared with no other change.
 */
"use strict";

const RunptOutbox = (() => {
  const DB_NAME = "runpt";
  // 2: the session in progress moved from the store "runs" to "sessions", its unit's key
  // from "run-unit:" to "session-unit:" (each word one meaning: docs/architecture.md,
  // "Words"); `upgrade` moves what a phone already holds, mid-session too.
  const DB_VERSION = 2;
  const BATCH = 500;
  // A connection that accepts and never answers (one bar of signal) must not hold the
  // one-flush-at-a-time queue for ever: give up and try again at the next trigger. A
  // batch the server did store meanwhile comes back `duplicate` then.
  const SEND_TIMEOUT_MS = 20000;
  let databasePromise = null;

  /** Every key of the meta store. A runner's end in `:<user id>`, which is how
   * forgetRunner finds them all. */
  const keys = Object.freeze({
    signedIn: "signed-in", // who is signed in on this phone (the worker syncs for them)
    lastSync: (user) => `last-sync:${user}`,
    needsSignIn: (user) => `needs-sign-in:${user}`,
    offline: (user) => `offline:${user}`, // the routines kept offline, their size
    morning: (user) => `morning:${user}`, // the last session or run, to ask about next morning
    morningAsked: (user) => `morning-asked:${user}`, // sessions and runs already asked about
    logOutLater: (user) => `log-out-later:${user}`, // a logout made with no signal
    sessionUnit: (user) => `session-unit:${user}`, // the session in progress's kept routine
    startChecks: (user) => `start-checks:${user}`, // red-flag and triage answers per routine
  });

  /** The messages between pages and the service worker, by their `type`. */
  const messages = Object.freeze({
    skipWaiting: "skip-waiting", // page → worker: take the update now
    cacheRoutines: "cache-routines", // page → worker: keep the runner's offline set
    expectFresh: "expect-fresh", // page → worker: a form was sent, the next page is the server's
    dataChanged: "data-changed", // page → worker: logs were sent, copies may be behind
    forgetUser: "forget-user", // page → worker: logout or deletion, forget the runner
    flush: "flush", // page → worker: send what waits
    synced: "synced", // worker → pages: a flush ended
    offlineReady: "offline-ready", // worker → pages: the offline set changed
  });

  /** Paths runpt had before each word meant one thing, and the ones they are now. Phones
   * hold them in bookmarks, home-screen icons, pages kept offline and the session in
   * progress: the server redirects them (runpt/pages/old_urls.py, the same list), the
   * worker does with no signal (sw.js), and `upgrade` moves the kept session's. */
  const OLD_PATHS = Object.freeze([
    [/^\/run\/(\d+)$/, "/session/$1"],
    [/^\/run\/(\d+)\/steps\/(\d+)$/, "/session/$1/steps/$2"],
    [/^\/history\/plan$/, "/history/training-days"],
    [/^\/history\/plan\.ics$/, "/history/training-days.ics"],
    [/^\/running\/plan$/, "/running/stages"],
  ]);

  /** The path an old one is now, or null when `path` is not an old one. */
  function currentPath(path) {
    const found = OLD_PATHS.find(([old]) => old.test(path));
    return found ? path.replace(found[0], found[1]) : null;
  }

  function isRunnersKey(key, user) {
    return typeof key === "string" && key.slice(key.lastIndexOf(":") + 1) === String(user);
  }

  /** The page's banner for a database held by an older tab (base.html); the worker,
   * with no page of its own, only waits. */
  function showDatabaseHeld(held) {
    const banner = typeof document === "undefined" ? null : document.getElementById("database-held-banner");
    if (banner) banner.hidden = !held;
  }

  // While the database is held by an older tab (`onblocked`): who waits to know.
  let held = false;
  let isOpen = false;
  const whenHeld = [];
  const HELD_AFTER_MS = 1000; // an upgrade itself takes milliseconds

  /** "open" once the database is open, or at once "held" while an older tab holds it
   * (or "failed"): for the worker, which must answer a page even then (sw-shared.js). */
  function openOrHeld() {
    if (isOpen) return Promise.resolve("open");
    if (held) return Promise.resolve("held");
    return new Promise((resolve) => {
      whenHeld.push(resolve);
      openDatabase().then(() => resolve("open"), () => resolve("failed"));
      setTimeout(async () => {
        if (!isOpen && (await olderVersionHeld())) resolve("held");
      }, HELD_AFTER_MS);
    });
  }

  /** The database still at an older version than this code's, a while after this code
   * asked for its own: a tab of an older runpt holds it. Only the request that asks for
   * the upgrade hears `onblocked`; one queued behind it (a page behind the worker, or
   * the other way round) hears nothing, so each looks for itself. */
  async function olderVersionHeld() {
    if (!indexedDB.databases) return false;
    const mine = (await indexedDB.databases()).find((database) => database.name === DB_NAME);
    return Boolean(mine && mine.version < DB_VERSION);
  }

  function watchForOlderTab() {
    setTimeout(async () => {
      if (!isOpen && (await olderVersionHeld())) showDatabaseHeld(true);
    }, HELD_AFTER_MS);
  }

  function openDatabase() {
    if (databasePromise) return databasePromise;
    databasePromise = new Promise((resolve, reject) => {
      const opening = indexedDB.open(DB_NAME, DB_VERSION);
      watchForOlderTab();
      opening.onupgradeneeded = (event) => upgrade(opening.result, opening.transaction, event.oldVersion);
      // An open tab of an older runpt holds the database at its version (older code
      // never lets go): the upgrade waits until it closes. Say so on the page, rather
      // than a session that won't start with nothing shown (docs/offline.md).
      opening.onblocked = () => {
        held = true;
        showDatabaseHeld(true);
        for (const tell of whenHeld.splice(0)) tell("held");
      };
      opening.onsuccess = () => {
        held = false;
        isOpen = true;
        whenHeld.length = 0;
        showDatabaseHeld(false);
        const db = opening.result;
        // A newer runpt (another tab, the updated worker) upgrading the schema: let it.
        db.onversionchange = () => {
          db.close();
          isOpen = false;
          databasePromise = null;
        };
        resolve(db);
      };
      opening.onerror = () => reject(opening.error);
    });
    return databasePromise;
  }

  /** The schema, from whatever version the phone holds (0: none yet). */
  function upgrade(db, tx, oldVersion) {
    if (oldVersion < 1) {
      db.createObjectStore("outbox", { keyPath: "id" }).createIndex("user", "user");
      db.createObjectStore("attention", { keyPath: "id" }).createIndex("user", "user");
      // Small facts: who is signed in, when each runner last synced.
      db.createObjectStore("meta", { keyPath: "key" });
    }
    if (oldVersion < 2) {
      // One session in progress per runner on this device.
      db.createObjectStore("sessions", { keyPath: "user" });
      if (oldVersion >= 1) moveSessionsInProgress(db, tx);
    }
  }

  /** Version 1 kept the session in progress in "runs" and its unit under "run-unit:":
   * both move, in the upgrade's own transaction (all or nothing), so a phone mid-session
   * resumes where it was after the update; its player URL moves to the one it is now. */
  function moveSessionsInProgress(db, tx) {
    const sessions = tx.objectStore("sessions");
    const kept = tx.objectStore("runs").getAll();
    kept.onsuccess = () => {
      for (const session of kept.result) {
        const moved = session.playerUrl && currentPath(session.playerUrl);
        sessions.put(moved ? { ...session, playerUrl: moved } : session);
      }
      db.deleteObjectStore("runs");
    };
    const meta = tx.objectStore("meta");
    const entries = meta.openCursor(IDBKeyRange.bound("run-unit:", "run-unit:\uffff"));
    entries.onsuccess = () => {
      const entry = entries.result;
      if (!entry) return;
      meta.put({ key: keys.sessionUnit(entry.value.key.slice("run-unit:".length)), value: entry.value.value });
      entry.delete();
      entry.continue();
    };
  }

  /** Run `work(stores)` in one transaction; resolves with its result once committed.
   * If `work` throws, the transaction is aborted: nothing of it is written. */
  async function transaction(names, mode, work) {
    const db = await openDatabase();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(names, mode);
      const stores = Object.fromEntries(names.map((name) => [name, tx.objectStore(name)]));
      const abort = (problem) => {
        reject(problem);
        try {
          tx.abort();
        } catch {
          /* already finished */
        }
      };
      let result;
      try {
        Promise.resolve(work(stores)).then((value) => { result = value; }, abort);
      } catch (problem) {
        abort(problem);
      }
      tx.oncomplete = () => resolve(result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error || new Error("transaction aborted"));
    });
  }

  function asPromise(request) {
    return new Promise((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  /** The device's local time with its UTC offset, e.g. 2026-11-27T07:30:05.120+01:00. */
  function localTimestamp(date = new Date()) {
    const pad = (n, width = 2) => String(Math.abs(n)).padStart(width, "0");
    const offset = -date.getTimezoneOffset();
    const sign = offset >= 0 ? "+" : "-";
    return (
      `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
      `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}` +
      `.${pad(date.getMilliseconds(), 3)}${sign}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`
    );
  }

  /** A new id (an event's, a session's): a UUID version 7 (RFC 9562), its first 48 bits
   * the time in milliseconds, the other 74 free bits random. Ids made one after another
   * sort one after another, so the server's indexes take a sync batch at their end
   * rather than all over (docs/performance.md, round 3); still unguessable. Written in
   * the one lower-case form the server takes (docs/sync-protocol.md). */
  function newId(now = Date.now()) {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    let time = now;
    for (let i = 5; i >= 0; i -= 1) {
      bytes[i] = time % 256;
      time = Math.floor(time / 256);
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x70; // version 7
    bytes[8] = (bytes[8] & 0x3f) | 0x80; // the RFC's variant
    const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  /** A new event. Its id is made here, at the moment of the action, never in markup. */
  function makeEvent(user, type, session, data) {
    return {
      id: newId(),
      type,
      at: localTimestamp(),
      session,
      data,
      user,
      queued: Date.now(),
    };
  }

  function add(event) {
    return transaction(["outbox"], "readwrite", ({ outbox }) => outbox.add(event));
  }

  /** Events (one, or several: a set and the pain stop it caused) and the session in
   * progress that counts them, in one transaction: all are written or none, so a resumed
   * session never counts a set, or remembers a stop, that isn't in the outbox. */
  function addWithSession(events, session) {
    return transaction(["outbox", "sessions"], "readwrite", ({ outbox, sessions }) => {
      for (const event of [].concat(events)) outbox.add(event);
      sessions.put(session);
    });
  }

  async function waiting(user) {
    const entries = await transaction(["outbox"], "readonly", ({ outbox }) =>
      asPromise(outbox.index("user").getAll(user)));
    return entries.sort((a, b) => a.queued - b.queued);
  }

  function needingAttention(user) {
    return transaction(["attention"], "readonly", ({ attention }) =>
      asPromise(attention.index("user").getAll(user)));
  }

  function getMeta(key) {
    return transaction(["meta"], "readonly", ({ meta }) => asPromise(meta.get(key)))
      .then((entry) => (entry ? entry.value : undefined));
  }

  function setMeta(key, value) {
    return transaction(["meta"], "readwrite", ({ meta }) => meta.put({ key, value }));
  }

  function deleteMeta(key) {
    return transaction(["meta"], "readwrite", ({ meta }) => meta.delete(key));
  }

  /** Read, change and write one meta entry in one transaction, so two writers (a page
   * and the service worker) can't lose each other's change. */
  function updateMeta(key, change) {
    return transaction(["meta"], "readwrite", async ({ meta }) => {
      const entry = await asPromise(meta.get(key));
      const value = change(entry ? entry.value : undefined);
      meta.put({ key, value });
      return value;
    });
  }

  /** Apply the server's answers: drop what it holds, set aside what it refused. */
  function settle(batch, results) {
    const byId = new Map(batch.map((event) => [event.id, event]));
    return transaction(["outbox", "attention"], "readwrite", ({ outbox, attention }) => {
      for (const result of results) {
        const event = byId.get(result.id);
        if (!event) continue;
        if (result.status === "accepted" || result.status === "duplicate") {
          outbox.delete(event.id);
        } else if (result.status === "rejected") {
          attention.put({ ...event, error: result.error || "refused by the server" });
          outbox.delete(event.id);
        }
      }
    });
  }

  /** POST one batch. Returns "ok", "signed-out" or "failed" (keep and retry later). */
  async function sendBatch(syncUrl, batch) {
    let response;
    try {
      response = await fetch(syncUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        credentials: "same-origin",
        redirect: "manual",
        signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
        body: JSON.stringify({
          events: batch.map(({ id, type, at, session, data }) => ({ id, type, at, session, data })),
        }),
      });
    } catch {
      return "failed"; // offline, DNS, server down: the outbox keeps everything
    }
    if (response.status === 401) return "signed-out";
    if (!response.ok) return "failed"; // 5xx, 413, an opaque redirect: keep and retry
    let answer;
    try {
      answer = await response.json();
    } catch {
      return "failed"; // cut off mid-answer, or timed out while reading it
    }
    if (!answer || !Array.isArray(answer.results)) return "failed";
    await settle(batch, answer.results);
    return "ok";
  }

  async function drain(user, syncUrl) {
    const pending = await waiting(user);
    for (let start = 0; start < pending.length; start += BATCH) {
      const outcome = await sendBatch(syncUrl, pending.slice(start, start + BATCH));
      if (outcome === "signed-out") {
        await setMeta(keys.needsSignIn(user), true);
        return outcome;
      }
      if (outcome !== "ok") return outcome;
    }
    await setMeta(keys.needsSignIn(user), false);
    await setMeta(keys.lastSync(user), Date.now());
    // "sent": the server has logs it didn't have a moment ago, so pages made before
    // show less than it knows (the service worker stops trusting its copies as current).
    return pending.length ? "sent" : "ok";
  }

  /* The session in progress, one per runner on this device: it survives a killed app. */

  function loadSession(user) {
    return transaction(["sessions"], "readonly", ({ sessions }) => asPromise(sessions.get(user)));
  }

  function saveSession(session) {
    return transaction(["sessions"], "readwrite", ({ sessions }) => sessions.put(session));
  }

  function clearSession(user) {
    return transaction(["sessions", "meta"], "readwrite", ({ sessions, meta }) => {
      sessions.delete(user);
      meta.delete(keys.sessionUnit(user));
    });
  }

  /** Everything this device holds for one runner: outbox, refused logs, the session in
   * progress and every key of theirs. `keepLogs` (logging out): their logs not synced
   * yet stay, to sync at their next sign-in; nothing else of theirs does. */
  function forgetRunner(user, { keepLogs = false } = {}) {
    return transaction(["outbox", "attention", "sessions", "meta"], "readwrite", (stores) => {
      for (const name of keepLogs ? [] : ["outbox", "attention"]) {
        const cursor = stores[name].index("user").openKeyCursor(IDBKeyRange.only(user));
        cursor.onsuccess = () => {
          if (!cursor.result) return;
          stores[name].delete(cursor.result.primaryKey);
          cursor.result.continue();
        };
      }
      stores.sessions.delete(user);
      // Their keys, and "signed-in" when it still names them.
      const entries = stores.meta.openCursor();
      entries.onsuccess = () => {
        const entry = entries.result;
        if (!entry) return;
        const { key, value } = entry.value;
        if (isRunnersKey(key, user) || (key === keys.signedIn && value === user)) entry.delete();
        entry.continue();
      };
    });
  }

  /** What the phone keeps for a runner, for Settings: logs waiting (and since when),
   * refused logs, and how many of their keys (answers, kept routines) it holds. */
  async function keptFor(user) {
    const [waitingLogs, refused, metaKeys] = await Promise.all([
      waiting(user),
      needingAttention(user),
      transaction(["meta"], "readonly", ({ meta }) => asPromise(meta.getAllKeys())),
    ]);
    return {
      waiting: waitingLogs.length,
      oldestQueued: waitingLogs.length ? waitingLogs[0].queued : null,
      refused: refused.length,
      keys: metaKeys.filter((key) => isRunnersKey(key, user)),
    };
  }

  let running = null;
  let nextRun = null;

  /** Send the runner's waiting events: "sent", "ok" (nothing waited), "signed-out" or
   * "failed". One flush at a time (Web Locks also keep tabs
   * and the service worker apart). A call during a flush queues exactly one more, so
   * a log made meanwhile is not left behind and a burst of triggers costs one run. */
  function flush(user, syncUrl = "/api/sync") {
    if (!user) return Promise.resolve("no-user");
    if (nextRun) return nextRun;
    const drainOnce = () =>
      self.navigator && navigator.locks
        ? navigator.locks.request("runpt-sync", () => drain(user, syncUrl))
        : drain(user, syncUrl);
    const start = () => {
      nextRun = null;
      running = drainOnce().finally(() => { running = null; });
      return running;
    };
    if (running) {
      nextRun = running.catch(() => {}).then(start);
      return nextRun;
    }
    return start();
  }

  return {
    keys, messages, currentPath, openDatabase, openOrHeld, transaction, asPromise, localTimestamp, newId, makeEvent, add,
    addWithSession, waiting, needingAttention, getMeta, setMeta, deleteMeta, updateMeta, flush, forgetRunner,
    keptFor, loadSession, saveSession, clearSession,
  };
})();

self.RunptOutbox = RunptOutbox;
