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
    const buttons = [...scope.querySelectorAll("button, input[type=submit], input[type=button], [role=button]")].filter(visible);
    submit = buttons.find((b) => b.type === "submit") ||
      buttons.find((b) => /sign|log ?in|next|continue|submit|verify|weiter|anmelden|connexion|suivant/i.test((b.textContent || "") + " " + (b.value || "")));
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
