/* Turning the step on screen into the next one in place (player.js): the elements the two
 * steps share stay on the page, and only what differs is written, so a slow phone
 * restyles and lays out a few changed nodes instead of a whole new step (its figure,
 * pain dock and buttons). Between two sets of one exercise that is a few words: the set,
 * the side, the dose, "last time".
 *
 * In order, not matched by id as general morphing libraries do (idiomorph was tried:
 * its matching cost a 4x-throttled phone ~12 ms a tap, more than it saved): both steps
 * come from one template, so their children come in the same order. An element is
 * known by its tag and first class (its part of the template). Where an optional part
 * (a hold, a tempo, a suggestion) is in one step and not the other, it is put in or
 * taken out, and the parts after it are matched up again: otherwise every later part
 * would be rewritten, the form with the focused Log set replaced, and a slow phone made
 * to restyle the whole step (docs/performance.md, issue 27). A subtree equal to its new
 * copy (compared in the browser's own code, `isEqualNode`) is left alone.
 *
 * Afterwards the live step is the new copy node for node, and its form controls hold
 * the new copy's values: nothing the runner entered in the last set survives (pain,
 * reps, a note), and what the player filled in (a carried load) is there. */

const CONTROLS = "input, select, textarea";

/** Make `live` (on the page) what `next` (not on the page) is. `next` is used up: nodes
 * of it may move into `live`. */
export function morph(live, next) {
  const wanted = [...next.querySelectorAll(CONTROLS)].map(stateOf);
  syncAttributes(live, next);
  morphChildren(live, next);
  live.querySelectorAll(CONTROLS).forEach((control, n) => setState(control, wanted[n]));
}

function morphChildren(live, next) {
  let old = live.firstChild;
  let fresh = next.firstChild;
  while (fresh) {
    const following = fresh.nextSibling;
    if (!old) {
      live.appendChild(fresh);
    } else if (sameKind(old, fresh)) {
      morphNode(old, fresh);
      old = old.nextSibling;
    } else {
      const later = laterOfKind(old, fresh);
      if (later) {
        removeUpTo(old, later); // parts the next step doesn't have
        morphNode(later, fresh);
        old = later.nextSibling;
      } else {
        live.insertBefore(fresh, old); // a part the last step didn't have
      }
    }
    fresh = following;
  }
  while (old) {
    const after = old.nextSibling;
    old.remove();
    old = after;
  }
}

function sameKind(old, fresh) {
  if (old.nodeType !== fresh.nodeType) return false;
  if (old.nodeType !== Node.ELEMENT_NODE) return true; // text with text, comment with comment
  return old.nodeName === fresh.nodeName && partOf(old) === partOf(fresh);
}

/** Which part of the template an element is: its first class ("dose-now", "log-form").
 * Read from the attribute: `classList` would make a list object for every element of
 * the next step, each tap (docs/performance.md, issue 27). */
function partOf(element) {
  const names = element.getAttribute("class");
  if (!names) return "";
  const space = names.indexOf(" ");
  return space < 0 ? names : names.slice(0, space);
}

/** A sibling after `old` that is the part `fresh` is, if the steps have that part in
 * common. Only elements are looked for: the whitespace between parts matches anything. */
function laterOfKind(old, fresh) {
  if (fresh.nodeType !== Node.ELEMENT_NODE) return null;
  for (let node = old.nextSibling; node; node = node.nextSibling) {
    if (sameKind(node, fresh)) return node;
  }
  return null;
}

function removeUpTo(node, end) {
  while (node !== end) {
    const after = node.nextSibling;
    node.remove();
    node = after;
  }
}

function morphNode(old, fresh) {
  if (old.nodeType !== Node.ELEMENT_NODE) {
    if (old.nodeValue !== fresh.nodeValue) old.nodeValue = fresh.nodeValue;
    return;
  }
  if (old.isEqualNode(fresh)) return;
  syncAttributes(old, fresh);
  morphChildren(old, fresh);
}

function syncAttributes(old, fresh) {
  const wanted = fresh.attributes;
  for (let n = 0; n < wanted.length; n++) {
    const { namespaceURI, localName, name, value } = wanted[n];
    if (old.getAttributeNS(namespaceURI, localName) !== value) old.setAttributeNS(namespaceURI, name, value);
  }
  const had = old.attributes;
  if (had.length === wanted.length) return; // every one of them is one of the wanted
  for (let n = had.length - 1; n >= 0; n--) {
    const { namespaceURI, localName } = had[n];
    if (!fresh.hasAttributeNS(namespaceURI, localName)) old.removeAttributeNS(namespaceURI, localName);
  }
}

/* A control's live state (what a runner typed or tapped, or a script set) is not in its
 * attributes: it is carried over separately, and written only where it differs. */
function stateOf(control) {
  return { value: control.value, checked: control.checked };
}

function setState(control, { value, checked }) {
  if (control.type === "checkbox" || control.type === "radio") {
    if (control.checked !== checked) control.checked = checked;
  } else if (control.type !== "file" && control.value !== value) {
    control.value = value;
  }
}
