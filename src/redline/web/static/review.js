// One-key review: c confirm, d dismiss, e escalate, n note, Esc leaves the note, Enter starts.
let sent = false; // one decision per page: a second key press must not post a stale claim
document.addEventListener("keydown", (event) => {
  if (sent || event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  if (target.matches("input, textarea, select")) {
    if (event.key === "Escape") target.blur();
    return;
  }
  const decide = document.getElementById("decide-form");
  const actions = { c: "confirm", d: "dismiss", e: "escalate" };
  if (decide && actions[event.key]) {
    event.preventDefault();
    sent = true;
    decide.querySelector(`button[value="${actions[event.key]}"]`).click();
  } else if (decide && event.key === "n") {
    event.preventDefault();
    decide.elements.note.focus();
  } else if (event.key === "Enter" && document.getElementById("start-form")) {
    event.preventDefault();
    document.getElementById("start-form").requestSubmit();
  }
});
