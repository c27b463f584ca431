// Contacts list: "select all" and showing only the fields the chosen bulk action needs.
// The list works without this file: every field is then shown.
(() => {
  const sync = (form) => {
    const action = form.querySelector("[name=action]");
    if (!action) return;
    const needed = { tag: "tag", cadence: "cadence", tier: "tier" }[action.value];
    form.querySelectorAll("[data-bulk-field]").forEach((field) => {
      field.hidden = field.dataset.bulkField !== needed;
    });
  };
  const init = (root) => root.querySelectorAll("form[data-bulk]").forEach(sync);

  document.addEventListener("DOMContentLoaded", () => init(document));
  document.addEventListener("htmx:afterSettle", (event) => init(event.target));

  document.addEventListener("change", (event) => {
    const target = event.target;
    const form = target.closest("form[data-bulk]");
    if (!form) return;
    if (target.matches("[data-select-all]")) {
      form.querySelectorAll("input[name=ids]").forEach((box) => { box.checked = target.checked; });
    }
    if (target.matches("[name=action]")) sync(form);
  });

  document.addEventListener("submit", (event) => {
    const form = event.target.closest("form[data-bulk]");
    if (!form) return;
    const count = form.querySelectorAll("input[name=ids]:checked").length;
    if (count === 0) {
      event.preventDefault();
      window.alert("Select at least one contact first.");
      return;
    }
    if (form.querySelector("[name=action]").value === "archive"
        && !window.confirm(`Archive ${count} contact${count === 1 ? "" : "s"}? You can undo this.`)) {
      event.preventDefault();
    }
  });
})();
