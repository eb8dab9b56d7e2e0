// samlgo's login-form detector. It runs in the page, marks the fields it
// recognises with data-samlgo="user|pass|otp|submit" and returns what it
// found. Configured CSS selectors, when given, win over the guesses.
// Fields samlgo already filled carry data-samlgo-filled and are skipped.
((sel) => {
  const visible = (el) => {
    if (!el || el.disabled || el.readOnly) return false;
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== "hidden" && s.display !== "none";
  };
  const words = (el) => [el.name, el.id, el.getAttribute("autocomplete"), el.placeholder,
    el.getAttribute("aria-label"), el.labels ? [...el.labels].map((l) => l.textContent).join(" ") : ""]
    .join(" ").toLowerCase();
  const pick = (css) => { try { const el = css && document.querySelector(css); return visible(el) ? el : null; } catch (e) { return null; } };
  const inputs = [...document.querySelectorAll("input")].filter((el) => visible(el) && !el.hasAttribute("data-samlgo-filled"));
  const textual = (el) => ["text", "email", "tel", ""].includes(el.type);

  let pass = pick(sel.password) || inputs.find((el) => el.type === "password");
  const looksLikeCode = (el) => (textual(el) || el.type === "number") &&
    (el.autocomplete === "one-time-code" || /\b(otp|totp|mfa|2fa|passcode|one.?time|verification|token)\b|code/.test(words(el)));
  let otp = pick(sel.otp) || (pass ? null : inputs.find(looksLikeCode));
  let user = pick(sel.username) || inputs.find((el) => textual(el) && el !== otp &&
    /user|login|e-?mail|account|upn|identifier|\bname\b/.test(words(el)));
  if (!user && pass) user = inputs.find((el) => textual(el) && el !== otp);
  if (otp && user === otp) user = null;

  const field = pass || otp || user;
  let submit = pick(sel.submit);
  if (!submit && field) {
    const scope = field.form || document;
    const buttons = [...scope.querySelectorAll("button, input[type=submit], input[type=button], input[type=image], [role=button], a")].filter(visible);
    const label = (b) => ((b.textContent || "") + " " + (b.value || "") + " " + (b.id || "") + " " + (b.getAttribute("aria-label") || "")).trim();
    const says = (b) => /sign|log ?in|next|continue|submit|verify|proceed|weiter|anmelden|connexion|suivant/i.test(label(b));
    // A real submit button first; then a button or link (PingFederate's
    // "Sign On" is an <a>, ADFS's a span with role=button) that says so.
    submit = buttons.find((b) => b.type === "submit" && b.tagName !== "A") ||
      buttons.find((b) => b.tagName !== "A" && says(b)) ||
      buttons.find((b) => b.tagName === "A" && says(b) && !/forgot|reset|help|register|sign ?up|create/i.test(label(b)));
  }
  const mark = (el, k) => {
    if (!el) return "";
    el.setAttribute("data-samlgo", k);
    return '[data-samlgo="' + k + '"]';
  };
  return {
    url: location.href,
    user: mark(user, "user"),
    userValue: user ? user.value : "",
    pass: mark(pass, "pass"),
    otp: mark(otp, "otp"),
    submit: mark(submit, "submit"),
  };
})
