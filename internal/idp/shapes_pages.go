package idp

// The pages of each shape. Written for these tests from the public
// structure of each IdP family's login pages (their field names, controls
// and steps as anyone sees them in a browser); no vendor markup, styles or
// scripts are copied. {{.Base}} is the shape's path, {{.Next}} where to go
// after sign-in, {{.User}} the username so far, {{.Error}} the IdP's error
// text, {{.Flow}} the sign-in past its password.

const hiddenNext = `<input type="hidden" name="next" value="{{.Next}}">`

var shapes = []Shape{
	{
		Name: "adfs", Family: "AD FS 2016/2019 (forms authentication)", Username: "alice",
		Notes:     "one page; the submit control is a span with role=button; a 'Keep me signed in' box",
		userField: "UserName", passField: "Password", title: "Sign In",
		errorText: "Incorrect user ID or password. Type the correct user ID and password, and try again.",
		head:      `<style>.hidden{display:none}#submitButton{display:inline-block;padding:.4em 2em;background:#2672ec;color:#fff;cursor:pointer}input.text{display:block;margin:.5em 0;width:20em}</style>`,
		password: `<div id="fullPage"><div id="brandingWrapper"></div><div id="contentWrapper"><div id="content">
<div id="header"><span class="logoImage">Example Corp</span></div>
<main><div id="workArea"><div id="authArea"><div id="loginArea">
<div id="loginMessage">Sign in with your organizational account</div>
<form method="post" id="loginForm" autocomplete="off" novalidate action="{{.Base}}/password" onsubmit="return false">` + hiddenNext + `
<div id="error" class="fieldMargin error smallText"><span id="errorText" for="" aria-live="assertive" role="alert">{{.Error}}</span></div>
<div id="formsAuthenticationArea">
<div id="userNameArea"><label id="userNameInputLabel" for="userNameInput" class="hidden">User Account</label>
<input id="userNameInput" name="UserName" type="email" value="" tabindex="1" class="text fullWidth" spellcheck="false" placeholder="someone@example.com" autocomplete="off"></div>
<div id="passwordArea"><label id="passwordInputLabel" for="passwordInput" class="hidden">Password</label>
<input id="passwordInput" name="Password" type="password" tabindex="2" class="text fullWidth" placeholder="Password" autocomplete="off"></div>
<div id="kmsiArea"><input type="checkbox" name="Kmsi" id="kmsiInput" value="true" tabindex="3"><label for="kmsiInput">Keep me signed in</label></div>
<div id="submissionArea" class="submitMargin"><span id="submitButton" class="submit" tabindex="4" role="button"
 onkeypress="if (event && event.keyCode == 32) Login.submitLoginRequest();" onclick="return Login.submitLoginRequest();">Sign in</span></div>
</div><input id="optionForms" type="hidden" name="AuthMethod" value="FormsAuthentication"></form>
<div id="authOptions"><div id="introduction">Sign in with one of these options.</div></div>
</div></div></div></main>
<div id="footer"><span id="copyright">© Example Corp</span> <a id="helpDesk" href="#">Help</a></div></div></div></div>
<script>
var Login = { submitLoginRequest: function () {
  var u = document.getElementById("userNameInput"), p = document.getElementById("passwordInput"), e = document.getElementById("errorText");
  if (!u.value) { e.textContent = "Enter your user ID in the format \u0022domain\\user\u0022 or \u0022user@domain\u0022."; return false; }
  if (!p.value) { e.textContent = "Enter your password."; return false; }
  document.forms.loginForm.submit(); return false; } };
</script>`,
	},
	{
		Name: "shibboleth", Family: "Shibboleth IdP v4/v5", Username: "alice",
		Notes:     "one page with j_username/j_password, two checkboxes, then an attribute-release consent page (Accept / Reject)",
		userField: "j_username", passField: "j_password", title: "Web Login Service",
		errorText: "The password you entered was incorrect.",
		head:      `<style>.form-element{display:block;margin:.3em 0}.form-error{color:#b00}</style>`,
		password: `<div class="wrapper"><div class="container"><header><span class="logo">Example University</span></header>
<div class="content"><div class="column one">
<form action="{{.Base}}/password" method="post">` + hiddenNext + `<input type="hidden" name="csrf_token" value="_8a5c0d1e">
{{if .Error}}<section><p class="form-element form-error">{{.Error}}</p></section>{{end}}
<legend>Login to <strong>Amazon Web Services</strong></legend>
<div class="form-element-wrapper"><label for="username">Username</label>
<input class="form-element form-field" id="username" name="j_username" type="text" value=""></div>
<div class="form-element-wrapper"><label for="password">Password</label>
<input class="form-element form-field" id="password" name="j_password" type="password" value=""></div>
<div class="form-element-wrapper"><input type="checkbox" name="donotcache" id="donotcache" value="1"><label for="donotcache">Don't Remember Login</label></div>
<div class="form-element-wrapper"><input id="_shib_idp_revokeConsent" type="checkbox" name="_shib_idp_revokeConsent" value="true">
<label for="_shib_idp_revokeConsent">Clear prior granting of permission for release of your information to this service.</label></div>
<div class="form-element-wrapper"><button class="form-element form-button" type="submit" name="_eventId_proceed">Login</button></div>
</form>
<ul class="list list-help"><li class="list-help-item"><a href="#"><span class="item-marker">&rsaquo;</span> Forgot your password?</a></li>
<li class="list-help-item"><a href="#"><span class="item-marker">&rsaquo;</span> Need Help?</a></li></ul>
</div><div class="column two"><p>Amazon Web Services</p></div></div></div></div>`,
		consent: `<div class="wrapper"><div class="container"><header><span class="logo">Example University</span></header>
<form action="{{.Base}}/consent" method="post">` + hiddenNext + `<input type="hidden" name="flow" value="{{.Flow}}">
<p>You are about to access the service: <strong>Amazon Web Services</strong></p>
<p>Information to be Provided to Service</p>
<table><tr><td>Role</td><td>arn:aws:iam::…</td></tr><tr><td>RoleSessionName</td><td>{{.User}}</td></tr></table>
<p>The information above would be shared with the service if you proceed. Do you agree to release this information to the service every time you access it?</p>
<p>Select an information release consent duration:</p>
<div><input id="_shib_idp_doNotRememberConsent" type="radio" name="_shib_idp_consentOptions" value="_shib_idp_doNotRememberConsent">
<label for="_shib_idp_doNotRememberConsent">Ask me again at next login</label></div>
<div><input id="_shib_idp_rememberConsent" type="radio" checked name="_shib_idp_consentOptions" value="_shib_idp_rememberConsent">
<label for="_shib_idp_rememberConsent">Ask me again if information to be provided to this service changes</label></div>
<div><input id="_shib_idp_globalConsent" type="radio" name="_shib_idp_consentOptions" value="_shib_idp_globalConsent">
<label for="_shib_idp_globalConsent">Do not ask me again</label></div>
<div style="text-align:center"><input type="submit" name="_eventId_AttributeReleaseRejected" value="Reject" style="margin-right:30px">
<input type="submit" name="_eventId_proceed" value="Accept"></div></form></div></div>`,
	},
	{
		Name: "keycloak-de", Family: "Keycloak (keycloak.v2 theme), German", Username: "alice",
		lang: "de", Notes: "one page; a locale menu of links and a 'Passwort vergessen?' link before the submit input",
		userField: "username", passField: "password", title: "Anmeldung bei Example",
		errorText: "Ungültiger Benutzername oder Passwort.",
		password: `<div class="login-pf-page"><div id="kc-header"><div id="kc-header-wrapper">Example</div></div>
<div class="card-pf"><header class="login-pf-header">
<div id="kc-locale"><div id="kc-locale-wrapper"><div class="kc-dropdown" id="kc-locale-dropdown"><a href="#" id="kc-current-locale-link">Deutsch</a>
<ul><li><a href="#">English</a></li><li><a href="#">Français</a></li></ul></div></div></div>
<h1 id="kc-page-title">Melden Sie sich bei Ihrem Konto an</h1></header>
<div id="kc-content"><div id="kc-content-wrapper">
{{if .Error}}<div class="alert-error pf-c-alert pf-m-inline pf-m-danger"><span class="kc-feedback-text">{{.Error}}</span></div>{{end}}
<div id="kc-form"><div id="kc-form-wrapper">
<form id="kc-form-login" onsubmit="login.disabled = true; return true;" action="{{.Base}}/password" method="post">` + hiddenNext + `
<div class="form-group"><label for="username" class="pf-c-form__label pf-c-form__label-text">Benutzername oder E-Mail</label>
<input tabindex="1" id="username" class="pf-c-form-control" name="username" value="" type="text" autofocus autocomplete="off" aria-invalid=""></div>
<div class="form-group"><label for="password" class="pf-c-form__label pf-c-form__label-text">Passwort</label>
<input tabindex="2" id="password" class="pf-c-form-control" name="password" type="password" autocomplete="off" aria-invalid=""></div>
<div class="form-group login-pf-settings"><div id="kc-form-options"><div class="checkbox"><label><input tabindex="3" id="rememberMe" name="rememberMe" type="checkbox"> Angemeldet bleiben</label></div></div>
<div><span><a tabindex="5" href="#">Passwort vergessen?</a></span></div></div>
<div id="kc-form-buttons" class="form-group"><input type="hidden" id="id-hidden-input" name="credentialId">
<input tabindex="4" class="pf-c-button pf-m-primary pf-m-block btn-lg" name="login" id="kc-login" type="submit" value="Anmelden"></div>
</form></div></div></div></div>
<div id="kc-info"><div id="kc-registration-container"><div id="kc-registration"><span>Neuer Benutzer? <a tabindex="6" href="#">Registrieren</a></span></div></div></div>
</div></div>`,
	},
	{
		Name: "okta-classic", Family: "Okta Sign-In Widget (classic engine)", Username: "alice",
		Notes:     "one page drawn by script after load; a 'Remember me' box; help links",
		userField: "username", passField: "password", title: "Example Corp - Sign In",
		errorText: "Unable to sign in",
		password: `<div id="okta-login-container"><div class="okta-sign-in-header auth-header">Example Corp</div></div>
<template id="widget"><div id="okta-sign-in" class="auth-container main-container"><div class="auth-content"><div class="auth-content-inner">
<div class="primary-auth"><form method="POST" action="{{.Base}}/password" data-se="o-form" class="primary-auth-form o-form o-form-edit-mode">` + hiddenNext + `
<div data-se="o-form-content" class="o-form-content o-form-theme clearfix"><h2 data-se="o-form-head" class="okta-form-title o-form-head">Sign In</h2>
<div class="o-form-error-container{{if .Error}} o-form-has-errors{{end}}" data-se="o-form-error-container">{{if .Error}}<div class="okta-form-infobox-error infobox infobox-error" role="alert"><span class="icon error-16"></span><p>{{.Error}}</p></div>{{end}}</div>
<div class="o-form-fieldset-container" data-se="o-form-fieldset-container">
<div data-se="o-form-fieldset" class="o-form-fieldset o-form-label-top"><div data-se="o-form-label" class="okta-form-label o-form-label"><label for="okta-signin-username">Username</label></div>
<div data-se="o-form-input-container" class="o-form-input"><span data-se="o-form-input-username" class="o-form-input-name-username o-form-control okta-form-input-field input-fix">
<input type="text" placeholder="" name="username" id="okta-signin-username" value="" aria-label="" autocomplete="username" aria-required="true" required></span></div></div>
<div data-se="o-form-fieldset" class="o-form-fieldset o-form-label-top"><div data-se="o-form-label" class="okta-form-label o-form-label"><label for="okta-signin-password">Password</label></div>
<div data-se="o-form-input-container" class="o-form-input"><span data-se="o-form-input-password" class="o-form-input-name-password o-form-control okta-form-input-field input-fix">
<input type="password" placeholder="" name="password" id="okta-signin-password" value="" aria-label="" autocomplete="current-password" aria-invalid="false" aria-required="true" required></span></div></div>
<div data-se="o-form-fieldset" class="o-form-fieldset o-form-label-top margin-btm-0"><div data-se="o-form-input-container" class="o-form-input"><span data-se="o-form-input-remember">
<div class="custom-checkbox"><input type="checkbox" name="remember" id="input42"><label for="input42" data-se-for-name="remember">Remember me</label></div></span></div></div>
</div></div><div class="o-form-button-bar"><input class="button button-primary" type="submit" value="Sign In" id="okta-signin-submit" data-type="save"></div></form>
<div class="auth-footer"><a href="#" data-se="needhelp" aria-expanded="false" class="link help js-help">Need help signing in?</a>
<ul class="help-links js-help-links" style="display:none"><li><a href="#" class="link js-forgot-password">Forgot password?</a></li><li><a href="#" class="link js-unlock">Unlock account?</a></li></ul></div>
</div></div></div></div></template>
<script>window.addEventListener("load", function () { setTimeout(function () {
  document.getElementById("okta-login-container").appendChild(document.getElementById("widget").content.cloneNode(true)); }, 250); });</script>`,
	},
	{
		Name: "okta-ie", Family: "Okta Identity Engine (identifier first)", Username: "alice",
		Notes:     "identifier, then password on the same page after an XHR; a 'Keep me signed in' box",
		userField: "identifier", passField: "credentials.passcode", title: "Example Corp - Sign In",
		errorText: "Password is incorrect",
		password: `<main id="okta-sign-in" class="auth-container main-container siw-main-view"><div class="okta-sign-in-header auth-header"><h1>Example Corp</h1></div>
<div class="auth-content"><div class="auth-content-inner"><div class="siw-main-view identify-recovery primary-auth">
<form id="identify" data-se="o-form" class="ion-form o-form o-form-edit-mode" novalidate>
<div class="o-form-content o-form-theme clearfix"><h2 data-se="o-form-head" class="okta-form-title o-form-head">Sign In</h2>
<div class="o-form-error-container" data-se="o-form-error-container" id="err1"></div>
<div class="o-form-fieldset-container"><div data-se="o-form-fieldset-identifier" class="o-form-fieldset o-form-label-top">
<div class="okta-form-label o-form-label"><label for="input28">Username</label></div>
<div class="o-form-input"><span class="o-form-input-name-identifier o-form-control okta-form-input-field input-fix"><input type="text" name="identifier" id="input28" value="" autocomplete="username" aria-label="Username"></span></div></div>
<div data-se="o-form-fieldset-rememberMe" class="o-form-fieldset o-form-label-top"><div class="custom-checkbox"><input type="checkbox" name="rememberMe" id="input36"><label for="input36">Keep me signed in</label></div></div></div></div>
<div class="o-form-button-bar"><input class="button button-primary" type="submit" value="Next" data-type="save"></div></form>
<form id="challenge" data-se="o-form" class="ion-form o-form o-form-edit-mode" novalidate style="display:none">
<div class="o-form-content o-form-theme clearfix"><div class="identifier-container"><span class="identifier" id="who"></span></div>
<h2 class="okta-form-title o-form-head">Verify with your password</h2>
<div class="o-form-error-container" id="err2"></div>
<div class="o-form-fieldset-container"><div data-se="o-form-fieldset-credentials.passcode" class="o-form-fieldset o-form-label-top">
<div class="okta-form-label o-form-label"><label for="input59">Password</label></div>
<div class="o-form-input"><span class="o-form-input-name-credentials.passcode o-form-control okta-form-input-field input-fix"><input type="password" name="credentials.passcode" id="input59" autocomplete="current-password"></span></div></div></div></div>
<div class="o-form-button-bar"><input class="button button-primary" type="submit" value="Verify" data-type="save"></div></form>
<div class="auth-footer"><a href="#" class="link js-forgot-password">Forgot password?</a> <a href="#" class="link js-back">Back to sign in</a></div>
</div></div></div></main>
<form id="final" method="post" action="{{.Base}}/password" style="display:none">` + hiddenNext + `<input type="hidden" name="identifier" value="{{.User}}"><input type="hidden" name="credentials.passcode"><input type="hidden" name="rememberMe"></form>
<script>
(function () {
  var id = document.getElementById("identify"), ch = document.getElementById("challenge"), fin = document.getElementById("final");
  var initial = {{.Error}};
  if (initial) { document.getElementById("err2").innerHTML = '<div class="okta-form-infobox-error infobox infobox-error" role="alert"><p></p></div>';
    document.querySelector("#err2 p").textContent = initial; document.getElementById("who").textContent = fin.identifier.value; }
  id.addEventListener("submit", function (e) {
    e.preventDefault();
    var who = id.identifier.value;
    fetch("{{.Base}}/check", {method: "POST", body: new URLSearchParams({identifier: who})}).then(function (r) { return r.json(); }).then(function (j) {
      if (!j.ok) { document.getElementById("err1").innerHTML = '<div class="okta-form-infobox-error infobox infobox-error" role="alert"><p>There is no account with the Username ' + who.replace(/</g, "&lt;") + '.</p></div>'; return; }
      document.getElementById("who").textContent = who;
      fin.identifier.value = who; fin.rememberMe.value = id.rememberMe.checked ? "on" : "";
      id.style.display = "none"; ch.style.display = "";
    });
  });
  ch.addEventListener("submit", function (e) { e.preventDefault(); fin["credentials.passcode"].value = ch["credentials.passcode"].value; fin.submit(); });
  if (initial) { id.style.display = "none"; ch.style.display = ""; }
})();
</script>`,
	},
	{
		Name: "entra-picker", Family: "Microsoft Entra ID (account picker, password, Stay signed in?)", Username: "bob@example.com",
		Notes:     "'Pick an account' tiles with a per-tile menu button; password page; 'Stay signed in?' with Yes/No and a checkbox",
		userField: "login", passField: "passwd", title: "Sign in to your account",
		errorText: "Your account or password is incorrect. If you don't remember your password, reset it now.",
		head:      `<style>.table{display:table;width:22em;padding:.5em;border-bottom:1px solid #ddd;cursor:pointer}.table-cell{display:table-cell;vertical-align:middle}.tile-menu button{width:2em}</style>`,
		picker: `<div class="outer"><div class="middle"><div class="inner"><div class="logo">Microsoft</div>
<div role="main"><div class="row title"><div role="heading" aria-level="1" id="loginHeader">Pick an account</div></div>
<div class="row tile-container"><div id="tilesHolder" class="tile-container" role="listbox" aria-label="Pick an account">
{{range .Accounts}}<div class="row tile"><div class="table" role="button" tabindex="0" data-test-id="{{.}}" onclick="location.href={{$.Link "pick" .}}">
<div class="table-cell tile-img"><img role="presentation" alt="" width="48" height="48"></div>
<div class="table-cell text-left content"><div><small>{{.}}</small></div><div><small>Signed in</small></div></div>
<div class="table-cell tile-menu"><button type="button" class="tile-menu-button" aria-label="Sign out and forget {{.}}" onclick="event.stopPropagation()">&#8942;</button></div></div></div>
{{end}}<div class="row tile"><div class="table" role="button" tabindex="0" id="otherTile" onclick="location.href={{.Link "another" ""}}">
<div class="table-cell tile-img"><img role="presentation" alt="" width="48" height="48"></div>
<div class="table-cell text-left content"><div id="otherTileText">Use another account</div></div></div></div>
</div></div></div></div></div></div>`,
		identifier: `<div class="logo">Microsoft</div><div role="heading" aria-level="1">Sign in</div>
<form name="f1" method="post" action="{{.Base}}/identify" autocomplete="off" novalidate>` + hiddenNext + `
<div id="usernameError" class="error ext-error" role="alert" aria-live="assertive">{{.Error}}</div>
<input type="email" name="login" id="i0116" maxlength="113" lang="en" class="form-control ltr_override input ext-input text-box ext-text-box" aria-required="true" aria-label="Enter your email, phone, or Skype." placeholder="Email, phone, or Skype">
<div><a id="cantAccessAccount" href="#">Can't access your account?</a></div>
<div class="win-button-pin-bottom"><input type="submit" id="idSIButton9" class="win-button button_primary button ext-button primary ext-primary" value="Next"></div></form>`,
		password: `<div class="logo">Microsoft</div>
<div class="identityBanner"><button type="button" class="backButton" id="idBtn_Back" aria-label="Back">&larr;</button><div id="displayName" class="identity" title="{{.User}}">{{.User}}</div></div>
<div role="heading" aria-level="1" id="loginHeader">Enter password</div>
<form name="f1" method="post" action="{{.Base}}/password" autocomplete="off" novalidate>` + hiddenNext + `
<input type="hidden" name="login" value="{{.User}}"><input type="hidden" name="loginfmt" value="{{.User}}">
<div id="passwordError" class="error ext-error" role="alert" aria-live="assertive">{{.Error}}</div>
<input name="passwd" type="password" id="i0118" autocomplete="off" class="form-control input ext-input text-box ext-text-box" aria-required="true" aria-label="Enter the password for {{.User}}" placeholder="Password">
<div><a id="idA_PWD_ForgotPassword" role="link" href="#">Forgot my password</a></div>
<div class="win-button-pin-bottom"><input type="submit" id="idSIButton9" class="win-button button_primary button ext-button primary ext-primary" value="Sign in"></div></form>`,
		staySignedIn: `<div class="logo">Microsoft</div><div class="identity">{{.User}}</div>
<div role="heading" aria-level="1" class="row text-title">Stay signed in?</div>
<form name="f1" method="post" action="{{.Base}}/stay">` + hiddenNext + `<input type="hidden" name="flow" value="{{.Flow}}"><input type="hidden" name="LoginOptions" value="1" id="LoginOptions">
<div class="row text-body"><div id="KmsiDescription">Do this to reduce the number of times you are asked to sign in.</div></div>
<div class="row"><label><input name="DontShowAgain" type="checkbox" id="KmsiCheckboxField"> <span>Don't show this again</span></label></div>
<div class="win-button-pin-bottom"><input type="button" id="idBtn_Back" class="win-button button-secondary button ext-button secondary ext-secondary" value="No"
 onclick="document.getElementById('LoginOptions').value = '3'; this.form.submit()">
<input type="submit" id="idSIButton9" class="win-button button_primary button ext-button primary ext-primary" value="Yes"></div></form>`,
	},
	{
		Name: "entra-ja", Family: "Microsoft Entra ID, Japanese", Username: "bob@example.com",
		lang: "ja", Notes: "identifier page, password page, 'サインインの状態を維持しますか?' (はい / いいえ)",
		userField: "login", passField: "passwd", title: "アカウントにサインイン",
		errorText: "アカウントまたはパスワードが正しくありません。",
		identifier: `<div class="logo">Microsoft</div><div role="heading" aria-level="1">サインイン</div>
<form name="f1" method="post" action="{{.Base}}/identify" autocomplete="off" novalidate>` + hiddenNext + `
<div id="usernameError" class="error ext-error" role="alert" aria-live="assertive">{{.Error}}</div>
<input type="email" name="login" id="i0116" class="form-control" aria-label="メール アドレス、電話番号、または Skype を入力します。" placeholder="メール、電話、Skype">
<div><a id="cantAccessAccount" href="#">アカウントにアクセスできない場合</a></div>
<div><input type="submit" id="idSIButton9" class="button_primary" value="次へ"></div></form>`,
		password: `<div class="logo">Microsoft</div><div class="identityBanner"><button type="button" id="idBtn_Back" aria-label="戻る">&larr;</button><div class="identity">{{.User}}</div></div>
<div role="heading" aria-level="1">パスワードの入力</div>
<form name="f1" method="post" action="{{.Base}}/password" autocomplete="off" novalidate>` + hiddenNext + `
<input type="hidden" name="login" value="{{.User}}">
<div id="passwordError" class="error ext-error" role="alert" aria-live="assertive">{{.Error}}</div>
<input name="passwd" type="password" id="i0118" class="form-control" aria-label="{{.User}} のパスワードを入力してください" placeholder="パスワード">
<div><a id="idA_PWD_ForgotPassword" role="link" href="#">パスワードを忘れた場合</a></div>
<div><input type="submit" id="idSIButton9" class="button_primary" value="サインイン"></div></form>`,
		staySignedIn: `<div class="logo">Microsoft</div><div class="identity">{{.User}}</div>
<div role="heading" aria-level="1">サインインの状態を維持しますか?</div>
<form name="f1" method="post" action="{{.Base}}/stay">` + hiddenNext + `<input type="hidden" name="flow" value="{{.Flow}}"><input type="hidden" name="LoginOptions" value="1" id="LoginOptions">
<div>これにより、サインインを求められる回数を減らすことができます。</div>
<div><label><input name="DontShowAgain" type="checkbox"> <span>今後このメッセージを表示しない</span></label></div>
<div><input type="button" id="idBtn_Back" value="いいえ" onclick="document.getElementById('LoginOptions').value = '3'; this.form.submit()">
<input type="submit" id="idSIButton9" class="button_primary" value="はい"></div></form>`,
	},
	{
		Name: "pingfederate", Family: "PingFederate HTML form adapter", Username: "alice",
		Notes:     "one page; 'Sign On' is a link that posts by script; 'Forgot Password?' link before it; 'Remember My Username'",
		userField: "pf.username", passField: "pf.pass", title: "Sign On",
		errorText: "We didn't recognize the username or password you entered. Please try again.",
		head:      `<style>.ping-button{display:inline-block;padding:.4em 2em;background:#1c75bc;color:#fff;text-decoration:none}</style>`,
		password: `<div class="ping-container"><div class="ping-header">Example Corp</div>
<div class="ping-body-container"><div class="section-title">Sign On</div>
<form method="POST" action="{{.Base}}/password" autocomplete="off">` + hiddenNext + `
{{if .Error}}<div class="ping-error">{{.Error}}</div>{{end}}
<div class="ping-input-label">Username</div><div class="ping-input-container"><input id="username" type="text" size="36" name="pf.username" value="" autocorrect="off" autocapitalize="off"></div>
<div class="ping-input-label">Password</div><div class="ping-input-container"><input id="password" type="password" size="36" name="pf.pass"></div>
<div class="ping-input-container"><label class="input-checkbox">Remember My Username<input type="checkbox" id="rememberUsername" name="pf.rememberUsername"></label></div>
<div class="ping-buttons"><input type="hidden" name="pf.ok" value=""><input type="hidden" name="pf.cancel" value="">
<a href="#" class="forgot-password" id="forgot">Forgot Password?</a><br><a href="#" class="forgot-password" id="trouble">Trouble Signing On?</a><br>
<a href="#" onclick="postOk(); return false;" class="ping-button normal allow" id="signOnButton" title="Sign On">Sign On</a></div>
</form></div><div class="ping-footer-container"><div class="ping-credits"></div></div></div>
<script>function postOk() { var f = document.forms[0]; f["pf.ok"].value = "clicked"; f.submit(); }</script>`,
	},
	{
		Name: "google", Family: "Google Workspace (identifier, then password, one script-driven page)", Username: "alice",
		Notes:     "every control is type=button; 'Create account' and 'Forgot email?' come before 'Next'",
		userField: "identifier", passField: "Passwd", title: "Sign in - Google Accounts",
		errorText: "Wrong password. Try again or click Forgot password to reset it.",
		password: `<div class="main"><div class="card"><div class="logo">Google</div>
<section id="idView"><h1 id="headingText">Sign in</h1><div id="headingSubtext">to continue to Amazon Web Services</div>
<div class="field"><input type="email" class="whsOnd zHQkBf" autocomplete="username" spellcheck="false" tabindex="0" aria-label="Email or phone" name="identifier" autocapitalize="none" id="identifierId" dir="ltr">
<div class="o6cuMc" aria-live="assertive" id="idError"></div></div>
<div><button type="button" class="link">Forgot email?</button></div>
<div class="dMNVAe">Not your computer? Use a private browsing window to sign in. <a href="#">Learn more about using Guest mode</a></div>
<div class="buttons"><div id="createAccount"><button type="button" class="secondary"><span>Create account</span></button></div>
<div id="identifierNext"><button type="button" class="primary" id="nextId"><span>Next</span></button></div></div></section>
<section id="pwView" style="display:none"><h1>Welcome</h1><div class="chip" id="chip"></div>
<div class="field"><input type="password" class="whsOnd zHQkBf" autocomplete="current-password" spellcheck="false" tabindex="0" aria-label="Enter your password" name="Passwd" dir="ltr" id="pw">
<div aria-live="assertive" id="pwError">{{.Error}}</div></div>
<div><label><input type="checkbox" id="showPw" onclick="document.getElementById('pw').type = this.checked ? 'text' : 'password'"> Show password</label></div>
<div class="buttons"><div><button type="button" class="link">Forgot password?</button></div>
<div id="passwordNext"><button type="button" class="primary" id="nextPw"><span>Next</span></button></div></div></section>
</div><footer><div><button type="button">English (United States)</button></div><ul><li><a href="#">Help</a></li><li><a href="#">Privacy</a></li><li><a href="#">Terms</a></li></ul></footer></div>
<form id="final" method="post" action="{{.Base}}/password" style="display:none">` + hiddenNext + `<input type="hidden" name="identifier" value="{{.User}}"><input type="hidden" name="Passwd"></form>
<script>
(function () {
  var fin = document.getElementById("final");
  function toPassword(who) { document.getElementById("chip").textContent = who; fin.identifier.value = who;
    document.getElementById("idView").style.display = "none"; document.getElementById("pwView").style.display = ""; }
  document.getElementById("nextId").addEventListener("click", function () {
    var who = document.getElementById("identifierId").value.trim();
    if (!who) { document.getElementById("idError").textContent = "Enter an email or phone number"; return; }
    toPassword(who); });
  document.getElementById("nextPw").addEventListener("click", function () {
    var pw = document.getElementById("pw").value;
    if (!pw) { document.getElementById("pwError").textContent = "Enter a password"; return; }
    fin.Passwd.value = pw; fin.submit(); });
  if (fin.identifier.value) toPassword(fin.identifier.value);
})();
</script>`,
	},
	{
		Name: "simplesamlphp-fr", Family: "SimpleSAMLphp (core:loginuserpass), French", Username: "alice",
		lang: "fr", Notes: "one page; a language bar of links; the submit button disables itself on click",
		userField: "username", passField: "password", title: "Entrez votre nom d'utilisateur et votre mot de passe",
		errorText: "Mauvais nom d'utilisateur ou mot de passe",
		password: `<div id="wrap"><div id="header"><h1><a href="#">SimpleSAMLphp</a></h1></div>
<div id="languagebar"><a href="#">English</a> | <a href="#">Deutsch</a> | Français | <a href="#">Español</a></div>
<div id="content">
{{if .Error}}<div class="message-box error"><h3>{{.Error}}</h3><p>Soit il n'existe aucun utilisateur avec ce nom, soit le mot de passe est incorrect.</p></div>{{end}}
<h2>Entrez votre nom d'utilisateur et votre mot de passe</h2>
<p>Un service a demandé à ce que vous vous authentifiez. Cela signifie que vous devez entrer votre nom d'utilisateur et votre mot de passe dans le formulaire ci-dessous.</p>
<form action="{{.Base}}/password" method="post" name="f">` + hiddenNext + `
<table><tr><td><label for="username">Nom d'utilisateur</label></td><td><input id="username" type="text" tabindex="1" name="username" value=""></td></tr>
<tr><td><label for="password">Mot de passe</label></td><td><input id="password" type="password" tabindex="2" name="password"></td></tr>
<tr><td></td><td><input type="checkbox" id="remember_username" tabindex="4" name="remember_username" value="Yes"><small>Se souvenir de mon nom d'utilisateur</small></td></tr>
<tr><td></td><td><button class="btn" id="submit_button" tabindex="6" type="submit" onclick="this.textContent='Traitement...'; this.disabled=true; this.form.submit(); return true;">Connexion</button></td></tr></table>
<input type="hidden" name="AuthState" value="_c7e2d8a9b1f3"></form>
<h2>Aide ! Je ne me souviens pas de mon mot de passe.</h2><p>Tant pis ! Sans votre nom d'utilisateur et votre mot de passe, vous ne pouvez pas vous authentifier et accéder au service.</p>
</div><div id="footer"><hr>Copyright &copy; 2007-2024 UNINETT AS</div></div>`,
	},
	{
		Name: "authentik", Family: "authentik flow executor (web components, shadow DOM)", Username: "alice",
		Notes:     "identification stage then password stage, both inside open shadow roots",
		userField: "uidField", passField: "password", title: "Welcome to authentik!",
		errorText: "Invalid password",
		password: `<ak-flow-executor></ak-flow-executor>
<form id="final" method="post" action="{{.Base}}/password" style="display:none">` + hiddenNext + `<input type="hidden" name="uidField" value="{{.User}}"><input type="hidden" name="password"></form>
<script>
(function () {
  var initialError = {{.Error}};
  class FlowExecutor extends HTMLElement {
    connectedCallback() {
      this.root = this.attachShadow({mode: "open"});
      if (initialError) this.passwordStage(initialError); else this.identification();
    }
    identification() {
      this.root.innerHTML = '<style>.pf-c-form__group{display:block;margin:.5em 0}.pf-c-button{display:block;width:100%}</style>' +
        '<div class="pf-c-login__main"><header class="pf-c-login__main-header"><h1 class="pf-c-title pf-m-3xl">Welcome to authentik!</h1></header>' +
        '<div class="pf-c-login__main-body"><form class="pf-c-form">' +
        '<div class="pf-c-form__group"><label class="pf-c-form__label" for="uid"><span class="pf-c-form__label-text">Email or Username</span></label>' +
        '<input id="uid" type="text" name="uidField" placeholder="Email or Username" autocomplete="username" class="pf-c-form-control" required></div>' +
        '<div class="pf-c-form__group pf-m-action"><button type="submit" class="pf-c-button pf-m-primary pf-m-block">Log in</button></div></form></div>' +
        '<footer class="pf-c-login__main-footer"><div class="pf-c-login__main-footer-band"><p class="pf-c-login__main-footer-band-item">Need an account? <a role="link" href="#">Sign up.</a></p></div>' +
        '<a href="#" class="pf-c-button pf-m-link">Forgot username or password?</a></footer></div>';
      var self = this;
      this.root.querySelector("form").addEventListener("submit", function (e) {
        e.preventDefault(); document.getElementById("final").uidField.value = self.root.querySelector("#uid").value; self.passwordStage(""); });
    }
    passwordStage(error) {
      var who = document.getElementById("final").uidField.value.replace(/</g, "&lt;");
      this.root.innerHTML = '<div class="pf-c-login__main"><header><h1 class="pf-c-title pf-m-3xl">Welcome to authentik!</h1></header>' +
        '<div class="pf-c-login__main-body"><form class="pf-c-form"><div class="form-control-static"><div class="avatar">' + who + '</div><a href="#">Not you?</a></div>' +
        '<div class="pf-c-form__group"><label class="pf-c-form__label" for="pw"><span class="pf-c-form__label-text">Password</span></label>' +
        '<input id="pw" type="password" name="password" placeholder="Please enter your password" autocomplete="current-password" class="pf-c-form-control" required>' +
        (error ? '<p class="pf-c-form__helper-text pf-m-error">' + error + '</p>' : '') + '</div>' +
        '<div class="pf-c-form__group pf-m-action"><button type="submit" class="pf-c-button pf-m-primary pf-m-block">Continue</button></div></form></div></div>';
      var self = this;
      this.root.querySelector("form").addEventListener("submit", function (e) {
        e.preventDefault(); var f = document.getElementById("final"); f.password.value = self.root.querySelector("#pw").value; f.submit(); });
    }
  }
  customElements.define("ak-flow-executor", FlowExecutor);
})();
</script>`,
	},
	{
		Name: "cas-es", Family: "Apereo CAS 6/7, Spanish", Username: "alice",
		lang: "es", Notes: "one page; a 'warn' checkbox; the button says INICIAR SESIÓN",
		userField: "username", passField: "password", title: "CAS – Servicio de Autenticación Central",
		errorText: "Credenciales no válidas.",
		password: `<header id="app-bar" class="mdc-top-app-bar"><div class="mdc-top-app-bar__row"><span class="mdc-top-app-bar__title">CAS</span>
<nav><button type="button" class="mdc-icon-button" aria-label="Cambiar idioma">🌐</button></nav></div></header>
<main role="main" id="main-content" class="container-lg py-4"><div id="content" class="d-flex justify-content-center">
<section id="loginForm" class="login-section login-form card-body">
<form method="post" id="fm1" action="{{.Base}}/password">` + hiddenNext + `
<h2 class="text-center"><span>Ingrese su nombre de usuario y contraseña</span></h2>
{{if .Error}}<div id="loginErrorsPanel" class="banner banner-danger alert alert-danger banner-dismissible" role="alert"><p>{{.Error}}</p></div>{{end}}
<section class="cas-field"><div class="d-flex"><label for="username" class="mdc-text-field mdc-text-field--outlined"><span class="mdc-floating-label">Usuario:</span>
<input class="mdc-text-field__input form-control" id="username" size="25" type="text" accesskey="u" tabindex="1" autocomplete="off" name="username" value=""></label></div></section>
<section class="cas-field"><div class="d-flex"><label for="password" class="mdc-text-field mdc-text-field--outlined"><span class="mdc-floating-label">Contraseña:</span>
<input class="mdc-text-field__input form-control pwd" type="password" id="password" size="25" tabindex="2" accesskey="c" autocomplete="off" name="password" value=""></label>
<button class="reveal-password mdc-button mdc-button--raised mdc-input-group-append" type="button" tabindex="3" aria-label="Mostrar contraseña">👁</button></div></section>
<section class="cas-field form-check"><input type="checkbox" name="warn" id="warn" value="true" tabindex="5"><label for="warn">Avisarme antes de abrir sesión en otros sitios.</label></section>
<input type="hidden" name="execution" value="e1s1"><input type="hidden" name="_eventId" value="submit"><input type="hidden" name="geolocation">
<button class="mdc-button mdc-button--raised" name="submitBtn" accesskey="l" tabindex="6" type="submit"><span class="mdc-button__label">INICIAR SESIÓN</span></button>
<span><a href="#" class="mdc-button">¿Olvidó su contraseña?</a></span>
</form></section></div></main>`,
	},
	{
		Name: "jumpcloud", Family: "JumpCloud user portal (e-mail first, then password)", Username: "bob@example.com",
		Notes:     "'User Portal' / 'Admin Portal' tab buttons come before the e-mail field; 'Continue' then 'SSO Login'",
		userField: "email", passField: "password", title: "JumpCloud User Portal Login",
		errorText: "Authentication failed.",
		password: `<div id="app"><div class="LoginPage"><div class="tabs" role="tablist">
<button type="button" role="tab" aria-selected="true" class="tab active">User Portal</button><button type="button" role="tab" aria-selected="false" class="tab">Admin Portal</button></div>
<form class="LoginForm" id="step1" novalidate><h1>User Portal</h1>
<div class="field"><label for="email">Email</label><input id="email" name="email" type="email" placeholder="Email" autocomplete="email"></div>
<div class="error" role="alert" id="err1"></div>
<button type="submit" class="Button primary" data-test-id="LoginForm__submit">Continue</button></form>
<form class="LoginForm" id="step2" novalidate style="display:none"><h1>User Portal</h1><div id="who" class="email"></div>
<div class="field"><label for="password">Password</label><input id="password" name="password" type="password" placeholder="Password" autocomplete="current-password"></div>
<div class="error" role="alert" id="err2">{{.Error}}</div>
<a href="#" class="forgot">Forgot Password?</a>
<button type="submit" class="Button primary">SSO Login</button></form></div></div>
<form id="final" method="post" action="{{.Base}}/password" style="display:none">` + hiddenNext + `<input type="hidden" name="email" value="{{.User}}"><input type="hidden" name="password"></form>
<script>
(function () {
  var s1 = document.getElementById("step1"), s2 = document.getElementById("step2"), fin = document.getElementById("final");
  function toPassword() { document.getElementById("who").textContent = fin.email.value; s1.style.display = "none"; s2.style.display = ""; }
  s1.addEventListener("submit", function (e) { e.preventDefault(); var who = s1.email.value.trim();
    if (!who.includes("@")) { document.getElementById("err1").textContent = "Please enter a valid email address."; return; }
    fin.email.value = who; toPassword(); });
  s2.addEventListener("submit", function (e) { e.preventDefault(); fin.password.value = s2.password.value; fin.submit(); });
  if (fin.email.value) toPassword();
})();
</script>`,
	},
	{
		Name: "corp-prefilled", Family: "an in-house IdP page: several buttons, a late stylesheet and a remembered user", Username: "",
		Notes: "the username is pre-filled; a typeless 'Add attribute' button comes before 'Sign in'; a collapsed " +
			"'Name Qualifier' field is visible until a stylesheet that arrives 700 ms late hides it",
		userField: "user", passField: "secret", title: "Example Corp Single Sign-On",
		errorText: "Incorrect password.",
		head: `<script>document.addEventListener("DOMContentLoaded", function () { var l = document.createElement("link"); l.rel = "stylesheet";
  l.href = "/shapes/static/late.css"; document.head.appendChild(l); });</script>`,
		password: `<div class="card"><h1>Example Corp Single Sign-On</h1>
<form method="post" action="{{.Base}}/password">` + hiddenNext + `
{{if .Error}}<p class="error" role="alert">{{.Error}}</p>{{end}}
<label for="acct">Account</label><input type="text" id="acct" name="user" value="alice" autocomplete="username">
<button class="secondary" onclick="document.getElementById('attrs').showModal(); return false;">Add attribute</button>
<div class="advanced"><label for="nq">Name Qualifier</label><input type="text" id="nq" name="nameQualifier">
<label for="spnq">SP Name Qualifier</label><input type="text" id="spnq" name="spNameQualifier"></div>
<label for="secret">Password</label><input type="password" id="secret" name="secret">
<label><input type="checkbox" name="remember" checked> Remember this device</label>
<div class="actions"><button type="submit" class="primary">Sign in</button><a href="#">Trouble signing in?</a></div>
</form>
<dialog id="attrs"><form method="dialog"><label>Attribute name <input type="text" name="attr"></label><button>Add</button><button value="cancel">Cancel</button></form></dialog>
</div>`,
	},
}
