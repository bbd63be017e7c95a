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
