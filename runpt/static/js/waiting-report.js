/* Logs waiting on this phone, told to the server for reminders (docs/reminders.md): the
 * server can't see the outbox, so after each sync attempt a phone with reminders on says
 * when its oldest waiting log was made (or that none waits), and its time zone. A runner
 * whose logs have waited more than 3 days gets a reminder to open runpt with a signal. */

import { outbox, user } from "./page.js";

const REPORT_URL = "/reminders/waiting";

export async function reportWaitingLogs() {
  if (!user || !("serviceWorker" in navigator) || !("PushManager" in window)) return;
  const registration = await navigator.serviceWorker.getRegistration();
  const subscription = registration && await registration.pushManager.getSubscription();
  if (!subscription) return;
  const waiting = await outbox.waiting(user);
  const oldest = waiting.length ? new Date(waiting[0].queued).toISOString() : null;
  await fetch(REPORT_URL, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    credentials: "same-origin",
    body: JSON.stringify({
      endpoint: subscription.endpoint,
      oldest,
      time_zone: Intl.DateTimeFormat().resolvedOptions().timeZone || null,
    }),
  });
}
