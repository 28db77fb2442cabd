// Keyboard shortcuts of the review desk. Every action is a plain form or link of the page, so
// the desk works without this script; it only maps one key to each of them:
// K confirm, P correct (then 1-5 category, T/S/R urgency, Enter save, Esc cancel), L skip,
// U undo the last decision. Keys typed into a field, or with Ctrl/Alt/Meta, are left alone.
"use strict";
(function () {
  const byId = (id) => document.getElementById(id);
  const correct = byId("correct");
  let sent = false; // one decision per page: a second key press must not send another form

  function send(form) {
    if (form && !sent) {
      form.requestSubmit(); // the submit listener below marks it sent
    }
  }

  // One decision per page by mouse or touch too: a second click on a slow connection sent a
  // second form, answered "decided by another officer".
  document.addEventListener("submit", (event) => {
    if (!(event.target instanceof HTMLFormElement) || event.target.method !== "post") {
      return;
    }
    if (sent) {
      event.preventDefault();
      return;
    }
    sent = true;
  });
  // Back to this page from the browser's cache: its forms may be sent again.
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) {
      sent = false;
    }
  });

  function typing(target) {
    return target instanceof Element && target.closest("input[type=text], input[type=password], textarea, select") !== null;
  }

  function correcting() {
    return correct !== null && correct.open;
  }

  function openCorrection() {
    correct.open = true;
    const checked = correct.querySelector("input[name=category]:checked");
    (checked || correct.querySelector("input")).focus();
  }

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.altKey || event.metaKey || event.isComposing) {
      return;
    }
    if (event.key === "Escape" && correcting()) {
      correct.open = false;
      correct.querySelector("summary").focus();
      event.preventDefault();
      return;
    }
    if (typing(event.target)) {
      return;
    }
    const key = event.key.toUpperCase();
    if (correcting()) {
      const choice = correct.querySelector(`input[data-key="${CSS.escape(key)}"]`);
      if (choice !== null) {
        choice.checked = true;
        choice.focus();
        event.preventDefault();
        return;
      }
      if (event.key === "Enter" && !(event.target instanceof Element && event.target.closest("button, summary, a"))) {
        send(byId("correction"));
        event.preventDefault();
        return;
      }
    }
    const actions = {
      K: () => !correcting() && send(byId("confirm")),
      P: () => correct !== null && openCorrection(),
      L: () => {
        const skip = byId("skip");
        if (skip !== null && !sent) {
          sent = true;
          skip.click();
        }
      },
      U: () => send(byId("undo")),
    };
    if (key in actions) {
      actions[key]();
      event.preventDefault();
    }
  });

  // A new complaint: its heading takes the focus, so a screen reader reads it first.
  const heading = byId("aduan") || byId("kosong");
  if (heading !== null && document.activeElement === document.body) {
    heading.focus();
  }
})();
