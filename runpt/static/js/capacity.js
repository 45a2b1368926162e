/* A capacity test on the phone (docs/content-rules.md, rules 3 and 10): one side, then the other,
 * each logged as a `capacity.tested` event through the outbox, so it works with no
 * signal and is sent once. Both sides share a sitting id, made when the test starts.
 * The comparison with norms is the server's (runpt/capacity/), shown once it syncs. */

import { showCueSetting } from "./cues.js";
import { logEvent } from "./log.js";
import { startClock, startMetronome } from "./metronome.js";
import { outbox } from "./page.js";

const SIDES = ["left", "right"];
const CHECKLIST = ["knee_over_toes", "pelvis_level", "trunk_upright"];

export function start(root) {
  const test = {
    root,
    slug: root.dataset.capacityTest,
    measure: root.dataset.measure,
    perMinute: Number(root.dataset.perMinute) || 30,
    sitting: null,
    side: 0,
    stop: null,
    busy: false,
    saved: {},
  };
  showCueSetting();
  root.addEventListener("click", (event) => onClick(test, event.target.closest("button")));
  root.dataset.ready = "yes"; // tests (and styles) can tell the page is live
}

function onClick(test, button) {
  if (!button) return;
  if (button.matches("[data-metronome-start]")) startCounting(test, button);
  else if (button.matches("[data-clock-start]")) startTiming(test, button);
  else if (button.matches("[data-metronome-stop], [data-clock-stop]")) stopMeasuring(test);
  else if (button.matches("[data-capacity-save]")) saveSide(test);
}

function sideBox(test) {
  return test.root.querySelector("[data-capacity-side]");
}

/** The sitting starts with the first side: both sides of this test share its id. */
function beginSitting(test) {
  test.sitting = test.sitting || outbox.newId();
}

function toggle(test, running) {
  const box = sideBox(test);
  box.querySelectorAll("[data-metronome-start], [data-clock-start]").forEach((b) => { b.hidden = running; });
  box.querySelectorAll("[data-metronome-stop], [data-clock-stop]").forEach((b) => { b.hidden = !running; });
}

function startCounting(test) {
  beginSitting(test);
  const box = sideBox(test);
  const count = box.querySelector("[data-count]");
  const field = box.querySelector("[name=reps]");
  count.textContent = "0";
  field.value = "";
  test.stop = startMetronome(box.querySelector("[data-metronome]"), test.perMinute, (reps) => {
    count.textContent = String(reps);
  });
  toggle(test, true);
}

function startTiming(test) {
  beginSitting(test);
  test.stop = startClock(sideBox(test).querySelector("[data-clock]"));
  toggle(test, true);
}

function stopMeasuring(test) {
  if (!test.stop) return;
  const amount = test.stop();
  test.stop = null;
  toggle(test, false);
  const field = sideBox(test).querySelector("[name=reps], [name=hold_s]");
  field.value = String(amount);
  field.focus();
}

/** What the runner said about themselves, for the norms: optional, null when not given. */
function about(test) {
  const box = test.root.querySelector("[data-capacity-about]");
  const incline = box.querySelector("[name=incline]");
  return {
    sex: box.querySelector("[name=sex]").value || null,
    age_band: box.querySelector("[name=age_band]").value || null,
    incline: incline ? incline.checked : null,
  };
}

/** The side's result, checked by the inputs' own limits (from the server's rules). */
function measured(test) {
  const box = sideBox(test);
  if (test.measure === "checklist") {
    return { checklist: Object.fromEntries(CHECKLIST.map((item) => [item, box.querySelector(`[name=${item}]`).checked])) };
  }
  const field = box.querySelector(`[name=${test.measure}]`);
  if (field.value === "" || !field.validity.valid) {
    field.setAttribute("aria-invalid", "true");
    throw new Error(`Give a whole number from ${field.min} to ${field.max}.`);
  }
  field.removeAttribute("aria-invalid");
  return { [test.measure]: Number(field.value) };
}

async function saveSide(test) {
  if (test.busy) return; // a second tap while the first is saved
  if (test.stop) stopMeasuring(test);
  const box = sideBox(test);
  const error = box.querySelector("[data-capacity-error]");
  let result;
  try {
    result = measured(test);
  } catch (problem) {
    error.textContent = problem.message;
    error.hidden = false;
    return;
  }
  error.hidden = true;
  beginSitting(test);
  test.busy = true;
  const side = SIDES[test.side];
  const pain = box.querySelector("[name=pain]").value;
  try {
    await logEvent("capacity.tested", test.sitting, {
      test: test.slug, side, ...result, pain: pain === "" ? null : Number(pain), ...about(test),
    });
  } finally {
    test.busy = false;
  }
  test.saved[side] = result;
  test.root.querySelector("[data-capacity-saved]").textContent = `${capitalised(side)} side saved on this phone.`;
  if (test.side === 0) nextSide(test);
  else finished(test);
}

function capitalised(word) {
  return word[0].toUpperCase() + word.slice(1);
}

function nextSide(test) {
  test.side = 1;
  const box = sideBox(test);
  box.dataset.capacitySide = "right";
  box.querySelectorAll("[data-side-name]").forEach((name) => {
    name.textContent = name.closest("h2") ? "Right" : "right";
  });
  box.querySelectorAll("input[type=number]").forEach((field) => { field.value = ""; });
  box.querySelectorAll("input[type=checkbox]").forEach((field) => { field.checked = false; });
  box.querySelector("[name=pain]").value = "";
  const count = box.querySelector("[data-count], [data-clock]");
  if (count) count.textContent = "0";
  box.querySelector("h2").focus?.();
}

function describe(test, result) {
  if (result.checklist) return `${Object.values(result.checklist).filter(Boolean).length} of 3`;
  return result.reps !== undefined ? `${result.reps} reps` : `${result.hold_s} s`;
}

function finished(test) {
  sideBox(test).hidden = true;
  const done = test.root.querySelector("[data-capacity-done]");
  done.querySelector("[data-capacity-summary]").textContent =
    `Left ${describe(test, test.saved.left)}, right ${describe(test, test.saved.right)}.`;
  done.hidden = false;
  done.focus();
}
