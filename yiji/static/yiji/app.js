// Behaviour the pages declare with data attributes, so that no page needs inline event
// handlers and the Content-Security-Policy can forbid them.
document.addEventListener("change", (event) => {
  const field = event.target.closest("[data-autosubmit]");
  if (field && field.form) field.form.submit();
});
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
window.addEventListener("load", () => {
  if (document.body.hasAttribute("data-print-on-load")) window.print();
});

// One navigation menu open at a time; a click elsewhere closes it.
document.addEventListener("click", (event) => {
  for (const menu of document.querySelectorAll("nav.main details.menu[open]")) {
    if (!menu.contains(event.target)) menu.open = false;
  }
});

// A search's result ticked in a picker (items or the patient on a requisition) moves into
// the chosen list, so the next search does not take it away; a radio replaces the last one.
document.addEventListener("change", (event) => {
  const box = event.target.closest("input[data-move-to]");
  if (!box || !box.checked) return;
  const target = document.querySelector(box.dataset.moveTo);
  if (!target) return;
  if (box.type === "radio") target.replaceChildren();
  box.removeAttribute("data-move-to");
  target.appendChild(box.closest("label"));
});

// One key for the commonest action of a screen (data-hotkey="n": call the next patient),
// never while the user is typing in a field.
document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.target.closest("input, textarea, select, [contenteditable]")) return;
  const target = document.querySelector(`[data-hotkey="${event.key.toLowerCase()}"]`);
  if (target) {
    event.preventDefault();
    target.click();
  }
});

// Keyboard shortcuts a page declares: data-shortcut="ctrl+s" (or "ctrl+enter", "alt+n");
// a field is focused, anything else clicked. They work while typing, as an editor's must.
document.addEventListener("keydown", (event) => {
  if (!(event.ctrlKey || event.metaKey || event.altKey)) return;
  const combo = [
    event.ctrlKey || event.metaKey ? "ctrl" : "",
    event.altKey ? "alt" : "",
    event.key.toLowerCase(),
  ].filter(Boolean).join("+");
  const target = document.querySelector(`[data-shortcut~="${combo}"]`);
  if (!target) return;
  event.preventDefault();
  if (target.matches("input, textarea, select")) target.focus();
  else target.click();
});

// Enter in a field clicks the button it names (data-enter-clicks="#submit"): Enter in the
// signature field signs, rather than submitting the form's first button.
document.addEventListener("keydown", (event) => {
  if (event.key !== "Enter") return;
  const field = event.target.closest("[data-enter-clicks]");
  if (!field) return;
  const button = document.querySelector(field.dataset.enterClicks);
  if (button) {
    event.preventDefault();
    button.click();
  }
});

// A search box that narrows a list on the page (data-filter="selector"): by the text, or by
// the pinyin initials an element carries (data-initials).
document.addEventListener("input", (event) => {
  const box = event.target.closest("[data-filter]");
  if (!box) return;
  const query = box.value.trim().toLowerCase();
  for (const element of document.querySelectorAll(box.dataset.filter)) {
    const text = element.textContent.toLowerCase();
    element.hidden = Boolean(query) && !text.includes(query)
      && !(element.dataset.initials || "").startsWith(query);
  }
});
