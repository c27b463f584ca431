// Draft page: keep the "Open in mail app" link in step with the text the server last
// checked (the findings fragment carries the mailto URL it built).
document.addEventListener("DOMContentLoaded", () => {
  document.body.addEventListener("htmx:afterSwap", () => {
    const source = document.getElementById("draft-mailto-href");
    const link = document.getElementById("draft-mailto");
    if (source && link && source.dataset.href) link.href = source.dataset.href;
  });
});
