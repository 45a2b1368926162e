/* The one next-morning question, for strength sessions and runs alike (pain-monitoring
 * model, docs/content-rules.md, rule 1: pain must settle by the next morning; worse means
 * less load next time). Asked on home (#morning) on the runner's morning after, by this
 * phone's clock, and on that day only: never days late (runpt/history/morning.py is the
 * server's side of the same rule). The answer is an event like any log, so it works
 * offline; a session and a run done the same day are answered together. */

import { logEvent } from "./log.js";
import { outbox, user } from "./page.js";

const keys = outbox.keys;

export function localDay(date = new Date()) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

function daysBetween(earlier, later) {
  return Math.round((Date.parse(`${later}T12:00:00Z`) - Date.parse(`${earlier}T12:00:00Z`)) / 86400000);
}

/** What this phone just finished (a session) or logged (a run, on the day it was run),
 * before the server may know of it. */
export function rememberForTomorrow(session, kind = "session", day = localDay()) {
  return outbox.setMeta(keys.morning(user), { session, kind, day });
}

async function dueNow() {
  const box = document.getElementById("morning");
  const fromServer = [...box.querySelectorAll("[data-morning-item]")].map((item) => ({ ...item.dataset }));
  const asked = (await outbox.getMeta(keys.morningAsked(user))) || [];
  const today = localDay();
  const due = new Map();
  for (const c of [await outbox.getMeta(keys.morning(user)), ...fromServer]) {
    if (c && !asked.includes(c.session) && daysBetween(c.day, today) === 1) {
      due.set(c.session, { session: c.session, kind: c.kind || "session" });
    }
  }
  return [...due.values()];
}

function whatOf(due) {
  const kinds = ["session", "run"].filter((kind) => due.some((c) => c.kind === kind));
  return `yesterday's ${kinds.join(" and ")}`;
}

export async function askMorningQuestion() {
  const box = document.getElementById("morning");
  if (!box) return;
  const due = await dueNow();
  box.hidden = due.length === 0;
  if (!due.length) return;
  box.dataset.sessions = due.map((c) => c.session).join(" ");
  box.dataset.kinds = due.map((c) => c.kind).join(" ");
  box.querySelector("[data-morning-when]").textContent = whatOf(due);
  // Opened from the next-morning reminder (/#morning): the question is what they came for.
  if (location.hash === "#morning") box.scrollIntoView({ block: "start" });
}

function problem(box, message) {
  const error = box.querySelector("[data-morning-error]");
  error.textContent = message;
  error.hidden = !message;
}

export async function answerMorningQuestion(button) {
  const box = document.getElementById("morning");
  const sessions = (box.dataset.sessions || "").split(" ").filter(Boolean);
  const feel = button.dataset.morningFeel;
  const painText = box.querySelector("[data-morning-pain]").value;
  const pain = painText === "" ? null : Number(painText);
  // The walk-run plan moves on only with the pain the morning after a run (rule 14).
  if (feel && pain === null && (box.dataset.kinds || "").includes("run")) {
    problem(box, "Choose the pain this morning too: the walk-run plan moves on only when it is low.");
    return;
  }
  problem(box, "");
  if (feel) {
    for (const session of sessions) await logEvent("morning.checked", session, { feel, pain });
  }
  const asked = (await outbox.getMeta(keys.morningAsked(user))) || [];
  await outbox.setMeta(keys.morningAsked(user), [...asked.slice(-20), ...sessions]);
  box.querySelectorAll("[data-morning-choices]").forEach((part) => { part.hidden = true; });
  const thanks = box.querySelector("[data-morning-thanks]");
  thanks.textContent = feel === "worse"
    ? "Saved. runpt will suggest less load for the exercises that hurt next time."
    : feel ? "Saved. Thanks!" : "OK, not this time.";
  thanks.hidden = false;
}
