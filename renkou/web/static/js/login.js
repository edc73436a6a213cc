/* The log-in form: posts to /api/auth/login (which sets the session cookie), then opens the page asked for or the
   role's own page. */
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  const R = window.Renkou;
  const form = document.getElementById("login-form");
  const message = document.getElementById("login-message");
  const landing = JSON.parse(form.dataset.landing || "{}");

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    R.hideMessage(message);
    const body = {
      username: document.getElementById("username").value.trim(),
      password: document.getElementById("password").value,
    };
    try {
      const answer = await R.request("POST", "/api/auth/login", body);
      const role = answer.body.user.role;
      window.location.assign(form.dataset.next || landing[role] || "/");
    } catch (error) {
      R.showMessage(message, R.T("login_failed") + error.message, "error");
    }
  });
});
