/* The check before set 1: a routine's red flags and triage come before its first set,
 * whichever way it is started (home, a routine's page, the player, a resumed session). What
 * the runner answered is kept on this phone, per runner and routine, in the outbox's
 * meta store: the check needs no signal, and a routine answered once starts at once
 * after that. Starting from a page without the check (home) opens the player page,
 * which the phone keeps offline, to its start card (session/_start_check.html). */

import { outbox, user } from "./page.js";

const key = () => outbox.keys.startChecks(user);

/** {routine reference: {version, clear, answers, fits, at}}: what this runner answered.
 * A runner's copy of a built-in routine shares the built-in's answers (`data-check-for`):
 * accepting a suggestion makes a copy, with the same words. */
async function answered() {
  return (await outbox.getMeta(key())) || {};
}

/** The runner's answers to this button's routine, if given to the check's words as
 * they read now (`data-start-check` names their version): changed words ask again. */
async function answersTo(button) {
  const mine = (await answered())[button.dataset.checkFor];
  return mine && mine.version === button.dataset.startCheck ? mine : null;
}

function fieldsOf(button) {
  return button.form ? button.form.querySelector("[data-start-check-fields]") : null;
}

function startButtonOf(fields) {
  return fields.form.querySelector("[data-start-session]");
}

/** What the answers on screen mean: "start", "unanswered", "other" (another routine
 * fits) or "stop" (see a clinician). A stop outweighs everything. */
function verdict(fields) {
  const chosen = [...fields.querySelectorAll("[data-answer]:checked")].map((input) => input.dataset.answer);
  if (chosen.includes("stop")) return "stop";
  if (chosen.includes("other")) return "other";
  const clear = fields.querySelector("[data-check-clear]");
  const questions = fields.querySelectorAll("[data-triage]").length;
  if ((clear && !clear.checked) || chosen.length < questions) return "unanswered";
  return "start";
}

function onScreen(fields) {
  const clear = fields.querySelector("[data-check-clear]");
  return {
    clear: clear ? clear.checked : true,
    answers: [...fields.querySelectorAll("[data-triage]")].map((question) => {
      const chosen = question.querySelector("[data-answer]:checked");
      return chosen ? Number(chosen.value) : null;
    }),
  };
}

/** Each chosen answer's meaning in view; Start gone while an answer points elsewhere. */
function showOutcome(fields) {
  const chosen = new Set(
    [...fields.querySelectorAll("[data-answer]:checked")].map(
      (input) => `${input.closest("[data-triage]").dataset.question}-${input.value}`,
    ),
  );
  for (const outcome of fields.querySelectorAll("[data-outcome]")) {
    outcome.hidden = !chosen.has(outcome.dataset.outcome);
  }
  const elsewhere = ["stop", "other"].includes(verdict(fields));
  const button = startButtonOf(fields);
  button.hidden = elsewhere;
  button.disabled = elsewhere;
  for (const end of fields.querySelectorAll("[data-end-kept]")) {
    end.hidden = !(button.dataset.resumeSession && verdict(fields) === "stop");
  }
}

/** The player holds a session of this routine kept from before its check (`button` is
 * its start card's Start, now "Go on with the session"): a "see a clinician" answer
 * offers to end it, so it never waits for ever. */
export function offerEndingKept(button) {
  const fields = fieldsOf(button);
  if (fields) showOutcome(fields);
}

function fillIn(fields, kept) {
  const clear = fields.querySelector("[data-check-clear]");
  if (clear) clear.checked = Boolean(kept.clear);
  fields.querySelectorAll("[data-triage]").forEach((question, number) => {
    const value = (kept.answers || [])[number];
    const input = value === null || value === undefined ? null : question.querySelector(`[data-answer][value="${value}"]`);
    if (input) input.checked = true;
  });
}

let shown = null;

/** On page load, once: every check on the page shows what the runner answered before;
 * on the player's start card a routine that fits folds its check away. */
export function showStartChecks() {
  shown = shown || fillInAll();
  return shown;
}

async function fillInAll() {
  const all = document.querySelectorAll("[data-start-check-fields]");
  if (!all.length || !user) return;
  for (const fields of all) {
    const mine = await answersTo(startButtonOf(fields));
    if (mine) fillIn(fields, mine);
    showOutcome(fields);
    if (fields.matches("[data-fold]") && mine && mine.fits && verdict(fields) === "start") fields.hidden = true;
  }
}

/** An answer changed: kept at once (a stop answer too, so Start stays gone next time). */
export async function onStartCheckChange(input) {
  const fields = input.closest("[data-start-check-fields]");
  if (!fields || !user) return false;
  showOutcome(fields);
  const button = startButtonOf(fields);
  const reference = button.dataset.checkFor;
  const answers = {
    version: button.dataset.startCheck, ...onScreen(fields), fits: verdict(fields) === "start", at: Date.now(),
  };
  await outbox.updateMeta(key(), (kept) => ({ ...(kept || {}), [reference]: answers }));
  return true;
}

/** May `button` start its routine now? "answered" when it has no red flags or triage,
 * or the runner's answers say this routine fits; else the check is to be answered:
 * "shown" on this page when it holds it (`tapped`: the browser says which field is
 * missing), or "on-player" (the player page's start card holds it). */
export async function startCheck(button, tapped = true) {
  if (!button.hasAttribute("data-start-check")) return "answered";
  const fields = fieldsOf(button);
  if (!fields) {
    const mine = await answersTo(button);
    return mine && mine.fits ? "answered" : "on-player";
  }
  if (verdict(fields) === "start") return "answered";
  fields.hidden = false;
  if (tapped) fields.form.reportValidity();
  else fields.scrollIntoView({ block: "start" });
  return "shown";
}

/** Adding a problem in Settings or the first-run questions asks its routines' checks
 * again: the page after the save names them (runner/_new_problems.html). */
export async function forgetStartChecks() {
  const marker = document.querySelector("[data-forget-start-checks]");
  if (!marker || !user) return;
  const references = marker.dataset.forgetStartChecks.split(" ").filter(Boolean);
  await outbox.updateMeta(key(), (kept) => {
    const left = { ...(kept || {}) };
    for (const reference of references) delete left[reference];
    return left;
  });
}
