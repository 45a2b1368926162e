/* runpt service worker, reminders (imported by sw.js after sw-offline-set.js).
 *
 * The server sends each reminder (docs/reminders.md) in the Declarative Web Push shape:
 *   {"web_push": 8030, "notification": {"title", "body", "navigate", "tag", "lang"}}
 * Safari 18.4+ shows that itself without running this file. Everywhere else the push
 * event arrives here and this file shows the same notification; tapping it opens the
 * page it is about (`navigate`), in a runpt window already open if there is one.
 *
 * Depends on nothing of the other worker files; sw.js needs nothing from it but its
 * listeners. What tests read is in `self.RunptReminders`.
 */
"use strict";

self.RunptReminders = (() => {
  const FALLBACK = { title: "runpt", body: "Open runpt.", navigate: "/" };

  /** The notification a push body asks for: the declarative shape, or the fallback when
   * the body isn't one (a push must always show something). */
  function notificationOf(text) {
    let body = null;
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
    const shown = body && body.web_push === 8030 && body.notification;
    if (!shown || typeof shown.title !== "string") return FALLBACK;
    return {
      title: shown.title,
      body: typeof shown.body === "string" ? shown.body : "",
      navigate: pageOf(shown.navigate),
      tag: typeof shown.tag === "string" ? shown.tag : undefined,
      lang: typeof shown.lang === "string" ? shown.lang : undefined,
    };
  }

  /** Only runpt's own pages are opened: another site's address becomes home. */
  function pageOf(navigate) {
    try {
      const url = new URL(navigate, self.location.origin);
      return url.origin === self.location.origin ? url.href : new URL("/", self.location.origin).href;
    } catch {
      return new URL("/", self.location.origin).href;
    }
  }

  function show(notification) {
    return self.registration.showNotification(notification.title, {
      body: notification.body,
      tag: notification.tag,
      lang: notification.lang,
      icon: "/static/icons/icon-192.png",
      badge: "/static/icons/icon-192.png",
      data: { navigate: notification.navigate },
    });
  }

  /** A runpt window already open goes to the page (and comes to the front); otherwise a
   * new one opens there. */
  async function open(url) {
    const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
    const mine = windows.find((client) => new URL(client.url).origin === self.location.origin);
    if (mine) {
      try {
        await mine.focus();
      } catch {
        // Focusing needs the tap's permission; the page still goes where it should.
      }
      return mine.navigate(url);
    }
    return self.clients.openWindow(url);
  }

  self.addEventListener("push", (event) => {
    const text = event.data ? event.data.text() : "";
    event.waitUntil(show(notificationOf(text)));
  });

  /** A tap on a reminder: close it and open its page. */
  function tapped(notification) {
    notification.close();
    const data = notification.data || {};
    return open(pageOf(data.navigate || "/"));
  }

  self.addEventListener("notificationclick", (event) => {
    event.waitUntil(tapped(event.notification));
  });

  return Object.freeze({ notificationOf, pageOf, tapped });
})();
