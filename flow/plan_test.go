package flow

import (
	"errors"
	"testing"
	"time"

	"github.com/samlgo/samlgo/assertion"
	"github.com/samlgo/samlgo/internal/idp"
)

func response(t *testing.T, o idp.ResponseOptions) *assertion.Response {
	t.Helper()
	s, err := idp.NewSigner("https://idp.example.test/metadata")
	if err != nil {
		t.Fatal(err)
	}
	o.SessionName = "alice@example.com"
	doc, err := s.Response(o)
	if err != nil {
		t.Fatal(err)
	}
	r, err := assertion.Parse(doc)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

const (
	admin = "arn:aws:iam::123456789012:role/Admin,arn:aws:iam::123456789012:saml-provider/P"
	read  = "arn:aws:iam::123456789012:role/ReadOnly,arn:aws:iam::123456789012:saml-provider/P"
	dev   = "arn:aws:iam::210987654321:role/team/Deployer,arn:aws:iam::210987654321:saml-provider/P"
)

func TestMakePlan(t *testing.T) {
	resp := response(t, idp.ResponseOptions{Roles: []string{admin, read, dev}, SessionDuration: 7200})
	cases := []struct {
		name     string
		o        PlanOptions
		choose   func([]assertion.Role, assertion.Aliases) (assertion.Role, error)
		profiles []string
		duration time.Duration
		err      func(error) bool
	}{
		{name: "selector", o: PlanOptions{Selector: "ReadOnly"}, profiles: []string{"saml"}, duration: 2 * time.Hour},
		{name: "chosen duration wins", o: PlanOptions{Selector: "ReadOnly", Duration: 30 * time.Minute, Profile: "p"}, profiles: []string{"p"}, duration: 30 * time.Minute},
		{name: "all roles", o: PlanOptions{AllRoles: true, Aliases: assertion.Aliases{"210987654321": "dev"}},
			profiles: []string{"123456789012-Admin", "123456789012-ReadOnly", "dev-Deployer"}, duration: 2 * time.Hour},
		{name: "all roles narrowed", o: PlanOptions{AllRoles: true, Selector: "123456789012:*", ProfileTemplate: "{account}-{role}"},
			profiles: []string{"123456789012-Admin", "123456789012-ReadOnly"}, duration: 2 * time.Hour},
		{name: "picker", o: PlanOptions{}, choose: func(r []assertion.Role, _ assertion.Aliases) (assertion.Role, error) { return r[2], nil },
			profiles: []string{"saml"}, duration: 2 * time.Hour},
		{name: "no one to ask", o: PlanOptions{}, err: func(err error) bool {
			var ce *ChoiceError
			return errors.As(err, &ce) && errors.Is(err, ErrNoOneToAsk) && len(ce.Roles) == 3
		}},
		{name: "no match", o: PlanOptions{Selector: "Nope"}, err: func(err error) bool {
			var ce *ChoiceError
			var se *assertion.SelectionError
			return errors.As(err, &ce) && errors.As(err, &se)
		}},
		{name: "template naming two alike", o: PlanOptions{AllRoles: true, ProfileTemplate: "{account}"}, err: func(err error) bool {
			var re *RequestError
			return errors.As(err, &re)
		}},
		{name: "principal filter", o: PlanOptions{Principal: "arn:aws:iam::1:saml-provider/X"}, err: func(err error) bool {
			var ce *ChoiceError
			return errors.As(err, &ce) && len(ce.Roles) == 3
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := MakePlan(resp, c.o, time.Now(), c.choose)
			if c.err != nil {
				if !c.err(err) {
					t.Fatalf("err = %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Profiles) != len(c.profiles) || p.Duration != c.duration {
				t.Fatalf("plan = %+v", p)
			}
			for i := range c.profiles {
				if p.Profiles[i] != c.profiles[i] {
					t.Errorf("profiles = %v, want %v", p.Profiles, c.profiles)
				}
			}
		})
	}
}

func TestDurationFromAssertion(t *testing.T) {
	for _, c := range []struct{ chosen, attr, want time.Duration }{
		{0, 0, time.Hour},
		{0, 2 * time.Hour, 2 * time.Hour},
		{0, 30 * time.Hour, 12 * time.Hour},
		{0, time.Minute, 15 * time.Minute},
		{45 * time.Minute, 2 * time.Hour, 45 * time.Minute},
	} {
		if got := duration(c.chosen, c.attr); got != c.want {
			t.Errorf("duration(%v, %v) = %v, want %v", c.chosen, c.attr, got, c.want)
		}
	}
}

func TestExpiredAssertion(t *testing.T) {
	resp := response(t, idp.ResponseOptions{Roles: []string{admin}, Now: time.Now().Add(-time.Hour)})
	if _, err := MakePlan(resp, PlanOptions{}, time.Now(), nil); !errors.Is(err, assertion.ErrExpired) {
		t.Errorf("err = %v", err)
	}
}

// TestPlanTargets: renewal plans the roles Targets names into their own
// profiles, without the picker; a role the assertion no longer offers is
// left out and named (Gone), and none offered is a ChoiceError.
func TestPlanTargets(t *testing.T) {
	resp := response(t, idp.ResponseOptions{Roles: []string{admin, read}})
	adminARN, readARN, devARN := "arn:aws:iam::123456789012:role/Admin", "arn:aws:iam::123456789012:role/ReadOnly", "arn:aws:iam::210987654321:role/team/Deployer"
	noPicker := func([]assertion.Role, assertion.Aliases) (assertion.Role, error) {
		t.Error("the picker was asked")
		return assertion.Role{}, errors.New("no")
	}
	p, err := MakePlan(resp, PlanOptions{Targets: map[string]string{readARN: "ro", adminARN: "adm", devARN: "deploy"}}, time.Now(), noPicker)
	if err != nil || len(p.Roles) != 2 || p.Profiles[0] != "adm" || p.Profiles[1] != "ro" || len(p.Gone) != 1 || p.Gone[0] != "deploy" {
		t.Fatalf("plan %+v, %v", p, err)
	}
	var ce *ChoiceError
	if _, err := MakePlan(resp, PlanOptions{Targets: map[string]string{devARN: "deploy"}}, time.Now(), noPicker); !errors.As(err, &ce) {
		t.Errorf("no target offered: %v", err)
	}
}
