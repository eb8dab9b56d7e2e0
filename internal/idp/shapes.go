package idp

import (
	"html/template"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"
)

// Shape is a login page shape of a real IdP family, written for samlgo's
// tests from the public structure of those pages (field names, button
// kinds, steps, extra questions), not copied from any vendor. The autofill
// must get through every shape without selectors.
//
// A shape's sign-in starts at SignOnURL("shape=NAME"): an unknown visitor
// goes through the shape's pages (account picker, identifier, password,
// "Stay signed in?", consent, in the shape's order) and then gets the
// session cookie and the usual POST to AWS.
type Shape struct {
	// Name is the shape's name in SignOnURL("shape=NAME").
	Name string
	// Family is the IdP family the shape is modelled on.
	Family string
	// Notes say what the shape tests.
	Notes string
	// Username is what the person types; empty when the page holds it
	// already (a remembered user).
	Username string

	// userField and passField are the names the shape's forms post.
	userField, passField string
	// picker, identifier, password, staySignedIn, consent are the page
	// bodies; identifier empty means one page for both.
	picker, identifier, password, staySignedIn, consent string
	title, head, errorText, lang                        string
}

// Shapes are the login-page shapes the test IdP serves.
func Shapes() []Shape {
	out := make([]Shape, len(shapes))
	copy(out, shapes)
	return out
}

// ShapePosts returns the forms posted to a shape's pages, without
// passwords, so tests can check what the autofill left alone (a
// remember-me box) and what it answered ("Stay signed in?").
func (s *Server) ShapePosts(name string) []url.Values {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]url.Values(nil), s.posted[name]...)
}

func findShape(name string) *Shape {
	for i := range shapes {
		if shapes[i].Name == name {
			return &shapes[i]
		}
	}
	return nil
}

// startShape begins a shape's sign-in for a visitor without a session.
func (s *Server) startShape(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("shape")
	next := r.URL.RequestURI()
	http.Redirect(w, r, "/shapes/"+url.PathEscape(name)+"/start?"+url.Values{"next": {next}}.Encode(), http.StatusFound)
}

// serveShape serves /shapes/NAME/STEP and /shapes/static/late.css.
func (s *Server) serveShape(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/shapes/"), "/")
	if len(parts) != 2 {
		http.NotFound(w, r)
		return
	}
	if parts[0] == "static" && parts[1] == "late.css" {
		serveLateCSS(w, r)
		return
	}
	sh := findShape(parts[0])
	if sh == nil {
		http.NotFound(w, r)
		return
	}
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	next := r.FormValue("next")
	if next == "" || next[0] != '/' {
		next = "/sso/aws?shape=" + url.QueryEscape(sh.Name)
	}
	if r.Method == http.MethodPost {
		s.recordPost(sh.Name, r.PostForm, sh.passField)
	}
	d := shapeData{Base: "/shapes/" + sh.Name, Next: next, Shape: sh}
	step := parts[1]
	switch {
	case step == "start" && sh.picker != "":
		d.Accounts = s.pickerAccounts()
		s.shapePage(w, sh, sh.picker, d)
	case step == "start" && sh.identifier != "":
		s.shapePage(w, sh, sh.identifier, d)
	case step == "start":
		s.shapePage(w, sh, sh.password, d)
	case step == "another":
		s.shapePage(w, sh, sh.identifier, d)
	case step == "pick":
		d.User = r.FormValue("login_hint")
		s.shapePage(w, sh, sh.password, d)
	case step == "identify" && r.Method == http.MethodPost:
		d.User = strings.TrimSpace(r.FormValue(sh.userField))
		s.mu.Lock()
		u := s.users[d.User]
		s.mu.Unlock()
		if u == nil {
			d.Error = sh.errorText
			s.shapePage(w, sh, sh.identifier, d)
			return
		}
		s.shapePage(w, sh, sh.password, d)
	case step == "check" && r.Method == http.MethodPost:
		// An identifier-first page that asks by XHR (Okta Identity Engine).
		s.mu.Lock()
		u := s.users[strings.TrimSpace(r.FormValue(sh.userField))]
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if u == nil {
			_, _ = w.Write([]byte(`{"ok":false}`))
			return
		}
		_, _ = w.Write([]byte(`{"ok":true}`))
	case step == "password" && r.Method == http.MethodPost:
		d.User = strings.TrimSpace(r.FormValue(sh.userField))
		s.mu.Lock()
		u := s.users[d.User]
		s.mu.Unlock()
		if u == nil || u.Password != r.FormValue(sh.passField) {
			d.Error = sh.errorText
			if sh.identifier != "" && sh.picker == "" && u == nil {
				s.shapePage(w, sh, sh.identifier, d)
				return
			}
			s.shapePage(w, sh, sh.password, d)
			return
		}
		d.Flow = s.newFlow(u.Name)
		s.afterPassword(w, r, sh, d, "password")
	case (step == "stay" || step == "consent") && r.Method == http.MethodPost:
		user := s.flowUser(r.FormValue("flow"))
		if user == "" {
			http.Error(w, "unknown sign-in flow", http.StatusBadRequest)
			return
		}
		d.Flow, d.User = r.FormValue("flow"), user
		s.afterPassword(w, r, sh, d, step)
	default:
		http.NotFound(w, r)
	}
}

// afterPassword shows the pages that follow an accepted password, in
// order, then signs the person in.
func (s *Server) afterPassword(w http.ResponseWriter, r *http.Request, sh *Shape, d shapeData, done string) {
	order := []string{"password", "stay", "consent"}
	pages := map[string]string{"stay": sh.staySignedIn, "consent": sh.consent}
	at := 0
	for i, p := range order {
		if p == done {
			at = i + 1
		}
	}
	for _, p := range order[at:] {
		if pages[p] != "" {
			s.shapePage(w, sh, pages[p], d)
			return
		}
	}
	user := s.flowUser(d.Flow)
	id := randomID()
	s.mu.Lock()
	delete(s.flows, d.Flow)
	s.sessions[id] = user
	s.logins++
	s.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: "idp_session", Value: id, Path: "/", HttpOnly: true, Expires: time.Now().Add(12 * time.Hour)})
	http.Redirect(w, r, d.Next, http.StatusSeeOther)
}

func (s *Server) newFlow(user string) string {
	id := randomID()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.flows == nil {
		s.flows = map[string]string{}
	}
	s.flows[id] = user
	return id
}

func (s *Server) flowUser(id string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.flows[id]
}

func (s *Server) recordPost(shape string, form url.Values, passField string) {
	c := url.Values{}
	for k, v := range form {
		if k != passField {
			c[k] = append([]string(nil), v...)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.posted == nil {
		s.posted = map[string][]url.Values{}
	}
	s.posted[shape] = append(s.posted[shape], c)
}

// pickerAccounts are the tiles of an account picker: someone else who used
// this browser, then the IdP's users with an e-mail address.
func (s *Server) pickerAccounts() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []string{}
	for name := range s.users {
		if strings.Contains(name, "@") {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return append([]string{"carol.jones@example.com"}, out...)
}

type shapeData struct {
	Base, Next, User, Error, Flow string
	Accounts                      []string
	Shape                         *Shape
}

// Link is the address of a step of the shape, carrying where to go after
// the sign-in and, for an account picker's tile, the account.
func (d shapeData) Link(step, hint string) string {
	q := url.Values{"next": {d.Next}}
	if hint != "" {
		q.Set("login_hint", hint)
	}
	return d.Base + "/" + step + "?" + q.Encode()
}

// serveLateCSS answers after a delay, as a slow CDN does: the page's
// fields are laid out without it until then.
func serveLateCSS(w http.ResponseWriter, r *http.Request) {
	select {
	case <-r.Context().Done():
		return
	case <-time.After(700 * time.Millisecond):
	}
	w.Header().Set("Content-Type", "text/css")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte(`.advanced{display:none}.card{max-width:26em;margin:2em auto;padding:1em 2em;border:1px solid #ccc}
input[type=text],input[type=password]{display:block;width:100%;margin:.3em 0 1em}
.actions{display:flex;flex-direction:row-reverse;justify-content:space-between}`))
}

var shapeTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("shape").Parse(`<!doctype html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{{.Title}}</title>
{{.Head}}</head><body>{{.Body}}</body></html>`))
})

func (s *Server) shapePage(w http.ResponseWriter, sh *Shape, body string, d shapeData) {
	b, err := template.New("body").Parse(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	var buf strings.Builder
	if err := b.Execute(&buf, d); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	lang := sh.lang
	if lang == "" {
		lang = "en"
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_ = shapeTemplate().Execute(w, map[string]any{
		"Lang": lang, "Title": sh.title, "Head": template.HTML(sh.head), "Body": template.HTML(buf.String()),
	})
}
