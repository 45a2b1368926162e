/* The next-morning check (pain-monitoring model, docs/content-rules.md, rule 1: pain must settle by
 * the next morning; worse means less load next time). Asked once, on the first opening
 * on a later day; the answer is an event like any log, so it works offline. */

import { logEvent } from "./log.js";
import { outbox, user } from "./page.js";

function localDay(date = new Date()) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

function daysBetween(earlier, later) {
  return Math.round((Date.parse(`${later}T12:00:00Z`) - Date.parse(`${earlier}T12:00:00Z`)) / 86400000);
}

export function rememberForTomorrow(session) {
  return outbox.setMeta(`morning:${user}`, { session, day: localDay() });
}

async function sessionToAskAbout() {
  // This phone's last finished session, or one the server knows from another device.
  const fromServer = document.querySelector("[data-morning-session]");
  const candidates = [await outbox.getMeta(`morning:${user}`)];
  if (fromServer) candidates.push({ session: fromServer.dataset.morningSession, day: fromServer.dataset.morningDay });
  const asked = (await outbox.getMeta(`morning-asked:${user}`)) || [];
  return candidates.find((c) => c && !asked.includes(c.session) &&
    daysBetween(c.day, localDay()) >= 1 && daysBetween(c.day, localDay()) <= 2);
}

export async function askMorningQuestion() {
  const box = document.getElementById("morning-check");
  if (!box || document.getElementById("player-page")) return;
  const candidate = await sessionToAskAbout();
  if (!candidate) return;
  box.dataset.session = candidate.session;
  box.querySelector("[data-morning-when]").textContent =
    daysBetween(candidate.day, localDay()) === 1 ? "yesterday's session" : "your last session";
  box.hidden = false;
}

export async function answerMorningQuestion(button) {
  const box = document.getElementById("morning-check");
  const session = box.dataset.session;
  const feel = button.dataset.morningFeel;
  if (feel) await logEvent("morning.checked", session, { feel });
  const asked = (await outbox.getMeta(`morning-asked:${user}`)) || [];
  await outbox.setMeta(`morning-asked:${user}`, [...asked.slice(-20), session]);
  box.querySelector("[data-morning-choices]").hidden = true;
  const thanks = box.querySelector("[data-morning-thanks]");
  thanks.textContent = feel === "worse"
    ? "Saved. runpt will suggest less load for the exercises that hurt next time."
    : feel ? "Saved. Thanks!" : "OK, not this time.";
  thanks.hidden = false;
}
