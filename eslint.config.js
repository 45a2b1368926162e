// ESLint for runpt's own JavaScript (runpt/static/, vendored files aside), run by .ci/run.
// Each kind of file sees only the globals it really has, so a name that only exists
// because another file happened to load first is an error (`no-undef`):
// - js/*.js: ES modules of the pages; they reach outbox.js through `self.RunptOutbox`
//   (js/page.js) and htmx through its global.
// - outbox.js: a classic script loaded by the pages and imported by the worker.
// - sw*.js: the worker's classic scripts. The lower layers (sw-shared.js,
//   sw-offline-set.js) reach what is below them only through `self.Runpt...`, and
//   nothing of sw.js: see tests/test_worker_seams.py and docs/offline.md.
"use strict";

const js = require("@eslint/js");
const globals = require("globals");

module.exports = [
  { ignores: ["runpt/static/vendor/**", "node_modules/**"] },
  js.configs.recommended,
  {
    rules: {
      "no-undef": "error",
      "no-unused-vars": "error",
    },
  },
  {
    files: ["runpt/static/js/**/*.js"],
    languageOptions: {
      ecmaVersion: "latest",
      sourceType: "module",
      globals: { ...globals.browser, htmx: "readonly" },
    },
  },
  {
    files: ["runpt/static/outbox.js"],
    languageOptions: {
      ecmaVersion: "latest",
      sourceType: "script",
      globals: { ...globals.browser, ...globals.serviceworker },
    },
  },
  {
    files: ["runpt/static/sw*.js"],
    languageOptions: {
      ecmaVersion: "latest",
      sourceType: "script",
      globals: { ...globals.serviceworker },
    },
  },
  {
    files: ["eslint.config.js"],
    languageOptions: { sourceType: "commonjs", globals: { ...globals.node } },
  },
];
