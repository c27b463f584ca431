// Settings page: offer the browser's own time zone when it differs from the saved one.
document.addEventListener("DOMContentLoaded", () => {
  const button = document.querySelector("[data-detect-time-zone]");
  if (!button || !window.Intl) return;
  const select = document.querySelector(button.dataset.detectTimeZone);
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!select || !zone || select.value === zone) return;
  if (![...select.options].some((option) => option.value === zone)) return;
  button.textContent = `Use this browser's time zone (${zone.replaceAll("_", " ")})`;
  button.hidden = false;
  button.addEventListener("click", () => {
    select.value = zone;
    button.hidden = true;
  });
});
