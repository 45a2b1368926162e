/* Spoken cues, so a runner with the phone on the floor needn't look at it: the
 * exercise, side and dose when a step starts, what's next during a rest, "switch sides",
 * the last three seconds of a hold or rest, the go, and slow reps counted through their
 * tempo ("down, two, three, up"). The Web Speech API's speechSynthesis, where the
 * browser has it, with a voice on the phone itself so it works offline; where it hasn't,
 * the beeps (cues.js) still mark a timer's end.
 *
 * Every sentence comes from the step's markup (data-say-* attributes the server renders
 * from runpt/routines/spoken.py); only the countdown's numbers are made here. */

import { afterNextFrame } from "./page.js";

// Voice on or off for the session on screen (the runner's setting, or their choice in
// the player; "phone on the floor" turns it on). Counting is the tempo count under way.
const state = { on: false, counting: null };
const COUNT_FROM_S = 3;
const FIRST_COUNT_AFTER_MS = 1500; // "Go: 12 reps." is said first
const BEAT_MS = 1000; // a tempo is in seconds: one word a second

export function speechAvailable() {
  return "speechSynthesis" in window && "SpeechSynthesisUtterance" in window;
}

export function setVoice(on) {
  state.on = Boolean(on);
  if (!state.on) quiet();
  followSilentSwitch();
}

export function voiceOn() {
  return state.on && speechAvailable();
}

/** iPhone: ask for "ambient" audio (Safari 16.4+), which the ring/silent switch mutes
 * and which mixes with the runner's music instead of stopping it. Android tells web
 * pages nothing about its mute switch: the media volume decides. */
function followSilentSwitch() {
  try {
    if (navigator.audioSession) navigator.audioSession.type = "ambient";
  } catch {
    /* an older Safari: its own rules apply */
  }
}

/** A voice on the phone itself (localService) in the page's language: a network voice
 * would fall silent with no signal. Looked for once, and again when the phone's voices
 * change (Chromium lists them only after a moment). */
let chosenVoice; // undefined: not looked for yet; null: none fits

function localVoice() {
  if (chosenVoice === undefined) chosenVoice = findLocalVoice();
  return chosenVoice;
}

if (speechAvailable()) speechSynthesis.addEventListener("voiceschanged", () => { chosenVoice = undefined; });

function findLocalVoice() {
  const language = (document.documentElement.lang || "en").toLowerCase();
  const voices = speechSynthesis.getVoices() || [];
  const fits = (voice) => (voice.lang || "").toLowerCase().startsWith(language);
  return (
    voices.find((voice) => voice.localService && fits(voice) && voice.default) ||
    voices.find((voice) => voice.localService && fits(voice)) ||
    null
  );
}

/* What is to be said (and cancelled) goes to the phone's speech once the step it goes
 * with is on screen: speechSynthesis costs a slow phone a few milliseconds a call, which
 * would otherwise delay the step (docs/performance.md, issue 27). In order, a frame
 * later at most: a spoken cue is never out of order, nor late enough to notice. */
const CANCEL = null;
const toSpeech = [];
let handOverAsked = false;

function speakSoon(utterance) {
  toSpeech.push(utterance);
  if (handOverAsked) return;
  handOverAsked = true;
  // A hidden page (the screen off: a countdown's "3, 2, 1") draws no frames.
  if (document.hidden) setTimeout(speakNow, 0);
  else afterNextFrame(speakNow);
}

function speakNow() {
  handOverAsked = false;
  for (const utterance of toSpeech.splice(0)) {
    if (utterance === CANCEL) speechSynthesis.cancel();
    else speechSynthesis.speak(utterance);
  }
}

// The screen went off between a cue and its frame: that frame won't come.
document.addEventListener("visibilitychange", () => {
  if (document.hidden && toSpeech.length) speakNow();
});

function say(text, { interrupt = false } = {}) {
  if (!voiceOn() || !text) return;
  if (interrupt) silence();
  const utterance = new SpeechSynthesisUtterance(text);
  const voice = localVoice();
  if (voice) utterance.voice = voice;
  utterance.lang = document.documentElement.lang || "en";
  speakSoon(utterance);
}

/** Nothing said before this is said any more, nor goes on being said. */
function silence() {
  toSpeech.length = 0;
  speakSoon(CANCEL);
}

/** Everything being said or counted stops: the step on screen changed, or the
 * session ended. */
export function quiet() {
  stopCounting();
  if (speechAvailable()) silence();
}

function stopCounting() {
  if (state.counting) clearTimeout(state.counting);
  state.counting = null;
}

/** A step came on screen: what it is, and over a rest what comes next. */
export function sayStepStart(step) {
  stopCounting();
  say(step.dataset.sayStart, { interrupt: true });
}

/** A step flagged after a pain stop, held until the runner chooses: its caution, not
 * its start (nothing counts down until then). */
export function sayCaution(step) {
  stopCounting();
  const line = step.querySelector("[data-caution] .caution-line");
  if (line) say(`${line.textContent.trim()} Skip it, or do it anyway: choose on the screen.`, { interrupt: true });
}

/** The last seconds of a hold or a countdown: "3", "2", "1". */
export function sayCountdown(secondsLeft) {
  if (secondsLeft >= 1 && secondsLeft <= COUNT_FROM_S) say(String(secondsLeft));
}

/** A countdown ended: go, and for slow reps the tempo counted rep by rep. */
export function sayGo(step) {
  say(step.dataset.sayGo);
  if (step.dataset.tempoWords) countReps(step);
}

export function sayHoldDone(step) {
  say(step.dataset.sayHoldDone);
}

/** On the floor, after a set: "Any pain? Tap none, some, or too much." */
export function sayPainQuestion(step) {
  stopCounting();
  say(step.dataset.sayPain, { interrupt: true });
}

/** One word a second through each rep's tempo, for the set's reps, then "That's 12.
 * Log the set." A step change or a log stops it (quiet). */
function countReps(step) {
  stopCounting();
  const words = step.dataset.tempoWords.split(" ");
  const beats = words.length * Number(step.dataset.reps || 0);
  let beat = 0;
  const next = () => {
    if (beat === beats) {
      state.counting = null;
      say(step.dataset.sayRepsDone);
      return;
    }
    say(words[beat % words.length]);
    beat += 1;
    state.counting = setTimeout(next, BEAT_MS);
  };
  state.counting = setTimeout(next, FIRST_COUNT_AFTER_MS);
}
