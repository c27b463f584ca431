// Dashboard: keep keyboard focus where the user was after an inline action, and close
// an open menu (<details>) on Escape. The page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  document.body.addEventListener("htmx:afterSettle", (event) => {
    const target = event.detail.elt;
    if (!target || !target.querySelector) return;
    const focus = target.matches("[data-autofocus]") ? target : target.querySelector("[data-autofocus]");
    if (focus) focus.focus();
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const open = document.activeElement && document.activeElement.closest("details.menu[open]");
    if (!open) return;
    open.removeAttribute("open");
    open.querySelector("summary").focus();
  });
  // One menu open at a time.
  document.body.addEventListener("toggle", (event) => {
    const details = event.target;
    if (!details.matches || !details.matches("details.menu") || !details.open) return;
    document.querySelectorAll("details.menu[open]").forEach((other) => {
      if (other !== details) other.removeAttribute("open");
    });
  }, true);
});
