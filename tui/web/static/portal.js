// The page's own script (no inline script: the Content-Security-Policy
// allows only files from this site). "Start again" reloads "/": a new
// session, at the Welcome screen.
window.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("button.restart")) {
    button.addEventListener("click", () => {
      window.location.href = "/";
    });
  }
});
