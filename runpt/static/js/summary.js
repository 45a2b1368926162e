/* The card at the end of a session: the session as the phone logged it. */

/** One set per step (a step logged again after Back counts once, as the server counts
 * it), the time taken and the highest pain, with what that pain means. */
export function showSummary(run, finishedAt) {
  const player = document.getElementById("player-page");
  player.querySelector("#player").replaceChildren();
  player.querySelector("[data-progress]").style.width = "100%";
  const summary = document.getElementById("summary");
  const sets = [...new Map(run.logged.map((set) => [set.index, set])).values()];
  const pains = sets.map((set) => set.pain).filter((pain) => pain !== null && pain !== undefined);
  const highest = pains.length ? Math.max(...pains) : null;
  const minutes = Math.max(1, Math.round((finishedAt - run.startedAt) / 60000));
  summary.querySelector("[data-summary-sets]").textContent = String(sets.length);
  summary.querySelector("[data-summary-time]").textContent = `${minutes} min`;
  summary.querySelector("[data-summary-pain]").textContent = highest === null ? "not logged" : `${highest} / 10`;
  const zone = highest === null ? "none" : painZone(highest);
  summary.querySelector("[data-summary-advice]").textContent = summary.dataset[`advice${zone[0].toUpperCase()}${zone.slice(1)}`];
  summary.hidden = false;
  summary.focus();
}

function painZone(pain) {
  const rules = document.getElementById("pain-rules").dataset;
  if (pain <= Number(rules.safeMax)) return "safe";
  return pain <= Number(rules.acceptableMax) ? "acceptable" : "tooMuch";
}
