// samlgo's login-page detector. It runs in the page (open shadow roots
// included), marks what it recognises with data-samlgo="user|pass|otp|
// submit|bN" and returns what it found, for the autofill to act on and for
// a stall message to name. Configured CSS selectors, when given, win over
// the guesses. Fields samlgo already filled carry data-samlgo-filled and are
// skipped. It decides nothing about a page that is still settling: the
// caller acts only when "settled" is true.
((sel) => {
  // Every element, in document order, with open shadow roots walked.
  const all = [];
  const walk = (root) => {
    for (const el of root.querySelectorAll("*")) {
      all.push(el);
      if (el.shadowRoot) walk(el.shadowRoot);
    }
  };
  walk(document);
  for (const el of all) if (el.hasAttribute("data-samlgo")) el.removeAttribute("data-samlgo");

  // Seen by a person: laid out, not hidden by CSS, not transparent, not
  // pushed off the page (honeypots), not disabled.
  const shown = (el) => {
    if (!el || !el.isConnected) return false;
    if (el.checkVisibility && !el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) return false;
    const r = el.getBoundingClientRect();
    if (r.width < 2 || r.height < 2 || r.right <= 0 || r.bottom <= 0) return false;
    const s = getComputedStyle(el);
    return s.visibility !== "hidden" && s.display !== "none";
  };
  const usable = (el) => shown(el) && !el.disabled && el.getAttribute("aria-disabled") !== "true";
  const clip = (s, n) => { s = (s || "").replace(/\s+/g, " ").trim(); return s.length > n ? s.slice(0, n) + "…" : s; };
  const labelOf = (el) => {
    const parts = [];
    if (el.labels) for (const l of el.labels) parts.push(l.textContent);
    const by = el.getAttribute("aria-labelledby");
    if (by) for (const id of by.split(/\s+/)) { const l = el.getRootNode().getElementById ? el.getRootNode().getElementById(id) : null; if (l) parts.push(l.textContent); }
    parts.push(el.getAttribute("aria-label") || "", el.placeholder || "", el.title || "");
    return clip(parts.join(" "), 80);
  };
  const words = (el) => [el.name, el.id, el.getAttribute("autocomplete"), labelOf(el)].join(" ").toLowerCase();
  const deepQuery = (css) => {
    if (!css) return null;
    try {
      const roots = [document, ...all.filter((e) => e.shadowRoot).map((e) => e.shadowRoot)];
      for (const r of roots) { const el = r.querySelector(css); if (el) return el; }
    } catch (e) { /* a bad selector guesses instead */ }
    return null;
  };
  const pick = (css) => { const el = deepQuery(css); return usable(el) ? el : null; };
  const before = (a, b) => !!(a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING);

  const inputs = all.filter((el) => el.tagName === "INPUT" && usable(el) && !el.readOnly);
  const fresh = inputs.filter((el) => !el.hasAttribute("data-samlgo-filled"));
  const textual = (el) => ["text", "email", "tel", ""].includes(el.type);

  // Passwords: one visible, unfilled password field (two or more on one
  // page is a change-password form, not a sign-in).
  const passwords = fresh.filter((el) => el.type === "password");
  let pass = pick(sel.password) || (passwords.length === 1 ? passwords[0] : null);

  const codeWords = /\b(otp|totp|mfa|2fa|passcode|one.?time|verification|token|pin)\b|code|código|sicherheitscode|確認コード|验证码/;
  const looksLikeCode = (el) => (textual(el) || el.type === "number") &&
    (el.autocomplete === "one-time-code" || codeWords.test(words(el)));
  let otp = pick(sel.otp) || (pass ? null : fresh.find(looksLikeCode)) || null;

  // Usernames, ranked by what says so, never by just being a text input.
  const userScore = (el) => {
    if (!textual(el) || el === otp) return -1;
    const ac = (el.getAttribute("autocomplete") || "").toLowerCase();
    const w = words(el);
    let s = 0;
    if (/\busername\b/.test(ac)) s += 10;
    if (/\bemail\b/.test(ac)) s += 6;
    if (el.type === "email") s += 6;
    if (/j_username|username|user.?id|user.?name|\buser\b|login|e-?mail|\bupn\b|identifier|loginfmt|uid|account|benutzer|utilisateur|identifiant|usuario|correo|ユーザー|メール|アカウント|用户|邮箱|사용자|이메일/.test(w)) s += 5;
    if (/search|query|qualifier|captcha|phone|first.?name|last.?name|given|surname|company|tenant|domain|realm/.test(w)) s -= 8;
    return s;
  };
  let user = pick(sel.username);
  if (!user) {
    let best = null, bestScore = 0;
    for (const el of fresh) {
      const s = userScore(el);
      if (s > bestScore) { best = el; bestScore = s; }
    }
    user = best;
  }
  if (!user && pass) {
    // A plain text field right before the password in its form is the
    // username on pages that label nothing (older ADFS and CAS themes).
    const prior = fresh.filter((el) => textual(el) && el !== otp && el.form === pass.form && before(el, pass) && userScore(el) >= 0);
    if (prior.length === 1) user = prior[0];
  }
  if (otp && user === otp) user = null;
  // A username that is already there and was not typed by samlgo: the IdP
  // remembers the person (also in a read-only field, which is skipped above).
  let userValue = user ? user.value : "";

  // Buttons: what a person could press.
  const clickable = all.filter((el) => {
    const t = el.tagName;
    if (t === "BUTTON" || t === "A") return true;
    if (t === "INPUT") return ["submit", "button", "image"].includes(el.type);
    const role = el.getAttribute("role");
    return role === "button" || role === "link" || role === "option" || role === "menuitem";
  }).filter((el) => usable(el) && !el.closest("[data-samlgo-skip]"));
  // A clickable inside another is one control (an Entra tile's inner link).
  const buttons = clickable.filter((el) => !clickable.some((o) => o !== el && o.contains(el)));
  const text = (b) => clip((b.innerText || b.textContent || "") + " " + (b.tagName === "INPUT" ? (b.value || b.alt || "") : ""), 120) || clip(b.getAttribute("aria-label") || b.title || b.id || "", 120);
  const primary = /\b(sign ?in|sign ?on|log ?in|log ?on|continue|next|submit|verify|proceed|ok|yes|confirm|accept|allow|authenticate|send)\b|anmelden|einloggen|weiter|fortfahren|bestätigen|senden|überprüfen|akzeptieren|connexion|se connecter|s'identifier|suivant|continuer|valider|vérifier|envoyer|accepter|iniciar sesión|acceder|entrar|siguiente|continuar|enviar|verificar|aceptar|próximo|accedi|avanti|continua|aanmelden|inloggen|volgende|doorgaan|サインイン|ログイン|次へ|続行|送信|確認|承認|登录|登入|下一步|继续|提交|로그인|다음|계속/i;
  const negative = /forgot|reset|help|register|sign ?up|create|cancel|back|\badd\b|attribute|other|another|different|show|more|options|privacy|terms|switch|language|reject|deny|decline|\bno\b|vergessen|abbrechen|zurück|registrieren|hinzufügen|oublié|annuler|retour|créer|ajouter|olvid|cancelar|volver|crear|añadir|agregar|忘れ|キャンセル|戻る|作成|追加|別の|忘记|取消|返回/i;
  const info = buttons.map((b, i) => {
    const label = text(b);
    const id = "b" + i;
    b.setAttribute("data-samlgo", id);
    return { el: b, mark: id, label, primary: primary.test(label) && !negative.test(label), negative: negative.test(label),
      submit: (b.tagName === "BUTTON" && (b.getAttribute("type") || "submit").toLowerCase() === "submit") || (b.tagName === "INPUT" && b.type !== "button") };
  });

  // The control that submits a form: says so (in the page's language),
  // comes after the last field, is not a link elsewhere.
  const field = pass || otp || user;
  let submit = pick(sel.submit);
  if (!submit && field) {
    const last = [user, pass, otp].filter(Boolean).reduce((a, b) => (before(a, b) ? b : a));
    let best = null, bestScore = 0;
    for (const b of info) {
      if (b.negative) continue;
      let s = 0;
      if (b.primary) s += 10;
      if (b.submit) s += b.el.hasAttribute("type") ? 3 : 1;
      if (field.form && b.el.form === field.form) s += 2;
      if (before(last, b.el)) s += 2; else s -= 6;
      if (b.el.tagName === "A" && !b.primary) s -= 10;
      if (s > bestScore) { best = b.el; bestScore = s; }
    }
    submit = best;
  }

  // Settled: loaded, every stylesheet in, and the same layout as the last
  // look. A field seen before the page's CSS applied is not decided on.
  const sheets = [...document.querySelectorAll("link[rel~=stylesheet]")].every((l) =>
    l.disabled || l.sheet || performance.getEntriesByName(l.href).some((e) => e.responseEnd > 0));
  const controls = [...inputs, ...buttons];
  const sig = controls.map((el) => { const r = el.getBoundingClientRect(); return el.tagName + Math.round(r.x) + "," + Math.round(r.y) + "," + Math.round(r.width) + "," + Math.round(r.height); }).join(";");
  // The same controls, wherever they are: a page that keeps animating
  // them (a pulsing button) counts as settled once they stay the same
  // for a while.
  const structure = controls.map((el) => el.tagName + (el.type || "") + (el.name || "") + (el.id || "")).join(";");
  const g = window.__samlgo || (window.__samlgo = { sig: "", since: 0, structure: "", structureSince: 0 });
  const same = g.sig === sig;
  if (!same) { g.sig = sig; g.since = performance.now(); }
  if (g.structure !== structure) { g.structure = structure; g.structureSince = performance.now(); }
  const still = same || performance.now() - g.structureSince > 1500;
  const nav = performance.getEntriesByType("navigation")[0];
  const loaded = nav && nav.loadEventEnd > 0 ? nav.loadEventEnd : 0;

  // What the IdP says went wrong, in its words.
  const alerts = all.filter((el) => (el.getAttribute("role") === "alert" || el.getAttribute("aria-live") === "assertive" ||
    /(^|[\s_-])(error|alert-danger|alert-error|errors|login-error|form-error|o-form-error|kc-feedback-text|fieldError|error-message|errorText)([\s_-]|$)/i.test((typeof el.className === "string" ? el.className : "") + " " + el.id)) && shown(el));
  const idpError = clip(alerts.map((el) => el.innerText || el.textContent).find((t) => t && t.trim()) || "", 200);

  const mark = (el, k) => {
    if (!el) return "";
    el.setAttribute("data-samlgo", k);
    return k;
  };
  const describe = (el) => clip([el.type || el.tagName.toLowerCase(), el.name && "name=" + el.name, el.id && "id=" + el.id, labelOf(el) && JSON.stringify(labelOf(el))].filter(Boolean).join(" "), 100);
  const filledShown = inputs.filter((el) => el.hasAttribute("data-samlgo-filled")).length;
  const res = {
    url: location.href,
    title: clip(document.title, 80),
    settled: document.readyState === "complete" && sheets && still,
    since: Math.max(g.since, loaded),
    user: "", userValue,
    pass: "", otp: "", submit: "",
    filledShown,
    error: idpError,
    text: clip(document.body ? document.body.innerText : "", 400),
    fields: inputs.filter((el) => !["hidden", "checkbox", "radio"].includes(el.type)).map(describe).slice(0, 12),
    buttons: info.map((b) => ({ mark: b.mark, label: b.label, primary: b.primary, negative: b.negative })).slice(0, 40),
  };
  // Marks last: the buttons' own marks must not hide the roles.
  res.submit = mark(submit, "submit");
  res.user = mark(user, "user");
  res.pass = mark(pass, "pass");
  res.otp = mark(otp, "otp");
  return res;
})
