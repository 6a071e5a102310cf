// The review decision: one form, confirmed in a <dialog> before it is sent. Without JavaScript the form is
// sent directly (the server still refuses a change request or a refusal without a reason).
"use strict";

// ← and → step through the review queue (the links carry aria-keyshortcuts), unless a field, a player or
// the waveform slider has the keys, a dialog is open, or a modifier is held.
document.addEventListener("keydown", (event) => {
  if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
  const step = { ArrowLeft: "prev", ArrowRight: "next" }[event.key];
  const target = event.target;
  if (!step || document.querySelector("dialog[open]")) return;
  if (target instanceof Element && target.closest("input, textarea, select, video, audio, [role=slider], [contenteditable]")) return;
  const link = document.querySelector(`a[data-queue-step="${step}"]`);
  if (link) { event.preventDefault(); window.location.assign(link.href); }
});

document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form[data-confirm]");
  const dialog = form && document.getElementById(form.dataset.confirm);
  if (!form || !dialog || typeof dialog.showModal !== "function") return;
  const reason = form.querySelector("#reason");
  const text = dialog.querySelector("[data-confirm-text]");

  const chosen = () => form.querySelector("input[name=decision]:checked");
  ["change", "input"].forEach((name) => form.addEventListener(name, () => reason.setCustomValidity("")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const choice = chosen();
    if (!choice) return;
    if (choice.hasAttribute("data-needs-reason") && !reason.value.trim()) {
      reason.setCustomValidity(document.getElementById("reason-hint").textContent);
      reason.reportValidity();
      return;
    }
    const label = form.querySelector(`label[for="${choice.id}"]`).textContent.trim();
    text.textContent = dialog.dataset.template.replace("%DECISION%", label);
    dialog.showModal();
    dialog.querySelector("[data-confirm-yes]").focus();
  });
  dialog.querySelector("[data-cancel]").addEventListener("click", () => dialog.close());
  dialog.querySelector("[data-confirm-yes]").addEventListener("click", () => {
    dialog.querySelector("[data-confirm-yes]").disabled = true;
    form.submit();  // not requestSubmit(): the confirmation is this click
  });
});
