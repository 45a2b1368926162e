/* What the player does with the pain a runner logs, decided on the phone, so it works
 * with no signal (pain-monitoring model, docs/content-rules.md, rule 1). The zones, the
 * words that mean sharp pain come from the server's one rule (runpt/pain.py), written into the player page as data attributes. */

function rules() {
  const data = document.getElementById("pain-rules").dataset;
  const list = (text) => (text || "").split("|").filter(Boolean);
  return {
    safe: Number(data.safeMax),
    acceptable: Number(data.acceptableMax),
    sharp: list(data.sharpWords),
    not: list(data.notWords),
  };
}

const LETTERS = /[a-z']/;

/** Whether a note says the pain was sharp ("sharp at the front of the knee", "had to
 * stop"): whole words, any case, and not said away by the word before ("no sharp pain",
 * "not sharp", "wasn't sharp"). */
export function saysSharpPain(note, words = rules().sharp, notWords = rules().not) {
  if (!note) return false;
  const text = note.toLowerCase();
  return words.some((word) => {
    let from = 0;
    for (;;) {
      const at = text.indexOf(word, from);
      if (at < 0) return false;
      from = at + 1;
      const end = at + word.length;
      const whole = (at === 0 || !LETTERS.test(text[at - 1])) && (end === text.length || !LETTERS.test(text[end]));
      if (whole && !saidAway(text.slice(0, at), notWords)) return true;
    }
  });
}

/** The words before a keyword end with "no", "not" (or "n't"), "without", "never". */
function saidAway(before, notWords) {
  const last = before.trimEnd().split(/[^a-z']+/).at(-1) || "";
  return notWords.includes(last) || last.endsWith("n't");
}

/** What a logged set means now: {stop: "sharp-pain" | "pain"} ends the exercise for
 * today; {acceptable: pain} is a note on the next step; {} nothing to say. The runner's
 * "Sharp pain" tap (set.sharp) or a note saying it stops, whatever number was tapped;
 * so does pain above the acceptable zone. Pain at the top of it (5) goes on. */
export function painResponse(set) {
  const zones = rules();
  if (set.sharp || saysSharpPain(set.note, zones.sharp, zones.not)) return { stop: "sharp-pain" };
  if (set.pain !== null && set.pain !== undefined && set.pain > zones.acceptable) return { stop: "pain" };
  if (set.pain !== null && set.pain !== undefined && set.pain > zones.safe) return { acceptable: set.pain };
  return {};
}
