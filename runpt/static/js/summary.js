/* The card at the end of a session: the session as the phone logged it. */

import { stopLine } from "./pain-stop.js";
import { showProgress } from "./screen.js";

/** One set per step (a step logged again after Back counts once, as the server counts
 * it), the time taken, the highest pain (a stop's pain counts even if its set was logged
 * again lower), the exercises stopped for pain, and what that means. */
export function showSummary(session, finishedAt) {
  const player = document.getElementById("player-page");
  player.querySelector("#player").replaceChildren();
  showProgress(player, 1);
  const summary = document.getElementById("summary");
  const sets = [...new Map(session.logged.map((set) => [set.index, set])).values()];
  const stops = session.stops || [];
  const pains = [...sets, ...stops].map((one) => one.pain).filter((pain) => pain !== null && pain !== undefined);
  const highest = pains.length ? Math.max(...pains) : null;
  const minutes = Math.max(1, Math.round((finishedAt - session.startedAt) / 60000));
  summary.querySelector("[data-summary-sets]").textContent = String(sets.length);
  summary.querySelector("[data-summary-time]").textContent = `${minutes} min`;
  summary.querySelector("[data-summary-pain]").textContent = highest === null ? "not logged" : `${highest} / 10`;
  const list = summary.querySelector("[data-summary-stop-list]");
  list.replaceChildren(...stops.map((stop) => Object.assign(document.createElement("li"), { textContent: stopLine(stop) })));
  summary.querySelector("[data-summary-stops]").hidden = !stops.length;
  let zone = highest === null ? "none" : painZone(highest);
  if (stops.length) zone = "stopped"; // a stop says more than a number: sharp pain may be low
  summary.querySelector("[data-summary-advice]").textContent = summary.dataset[`advice${zone[0].toUpperCase()}${zone.slice(1)}`];
  summary.hidden = false;
  summary.focus();
}

function painZone(pain) {
  const rules = document.getElementById("pain-rules").dataset;
  if (pain <= Number(rules.safeMax)) return "safe";
  return pain <= Number(rules.acceptableMax) ? "acceptable" : "tooMuch";
}
