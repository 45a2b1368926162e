/* Logging: every fact a runner records goes to the outbox first, before any network
 * request, and is sent a moment later (docs/sync-protocol.md). */

import { outbox, user } from "./page.js";
import { askForBackgroundSync } from "./sw-client.js";
import { showSyncStatus, syncNow } from "./sync-status.js";

// Sending waits a moment so the next step is drawn first: the upload would otherwise
// compete with drawing it.
const SEND_AFTER_LOG_MS = 300;

export async function logEvent(type, session, data, extra = {}) {
  const event = { ...outbox.makeEvent(user, type, session, data), ...extra };
  await outbox.add(event); // outbox first: the log is safe before any network request
  showSyncStatus();
  setTimeout(() => {
    if (navigator.onLine) syncNow();
    askForBackgroundSync();
  }, SEND_AFTER_LOG_MS);
  return event;
}
