package sts

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// AuthorizationMessage is the document DecodeAuthorizationMessage returns
// (STS API Reference, DecodeAuthorizationMessage: "whether the request
// was denied due to an explicit or implicit deny … the principal … the
// requested action … the requested resource … the values of condition
// keys"). Only what the summary uses is read.
type AuthorizationMessage struct {
	Allowed           bool `json:"allowed"`
	ExplicitDeny      bool `json:"explicitDeny"`
	MatchedStatements struct {
		Items []json.RawMessage `json:"items"`
	} `json:"matchedStatements"`
	Context struct {
		Principal struct {
			ID  string `json:"id"`
			ARN string `json:"arn"`
		} `json:"principal"`
		Action   string `json:"action"`
		Resource string `json:"resource"`
	} `json:"context"`
}

// maxSummaryField bounds what the summary quotes of one field.
const maxSummaryField = 200

// SummarizeAuthorization reads a decoded authorization message and returns
// one line: allowed or denied (explicitly or implicitly), the action, the
// resource, the principal and the number of matched statements, with the
// statements' ids when they have them. It also returns the document
// indented for people.
func SummarizeAuthorization(decoded string) (summary string, pretty []byte, err error) {
	var m AuthorizationMessage
	if err := json.Unmarshal([]byte(decoded), &m); err != nil {
		return "", nil, fmt.Errorf("the decoded message is not the JSON document STS documents: %w", oneLine(err))
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, []byte(decoded), "", "  "); err != nil {
		return "", nil, fmt.Errorf("the decoded message is not JSON: %w", oneLine(err))
	}
	buf.WriteByte('\n')
	var b strings.Builder
	switch {
	case m.Allowed:
		b.WriteString("allowed")
	case m.ExplicitDeny:
		b.WriteString("denied (explicit deny)")
	default:
		b.WriteString("denied (no statement allows it)")
	}
	fmt.Fprintf(&b, ": %s on %s", field(m.Context.Action, "an unnamed action"), field(m.Context.Resource, "an unnamed resource"))
	if p := cmp(m.Context.Principal.ARN, m.Context.Principal.ID); p != "" {
		fmt.Fprintf(&b, " for %s", field(p, ""))
	}
	if n := len(m.MatchedStatements.Items); n > 0 {
		var ids []string
		for _, raw := range m.MatchedStatements.Items {
			var st struct {
				StatementID string `json:"statementId"`
				Sid         string `json:"sid"`
			}
			if json.Unmarshal(raw, &st) == nil {
				if id := cmp(st.StatementID, st.Sid); id != "" {
					ids = append(ids, field(id, ""))
				}
			}
		}
		fmt.Fprintf(&b, "; %d matched statement(s)", n)
		if len(ids) > 0 {
			fmt.Fprintf(&b, ": %s", strings.Join(ids, ", "))
		}
	}
	return b.String(), buf.Bytes(), nil
}

func cmp(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// field makes a value from the document safe for one line of the
// terminal: control characters become '?', and it is cut short.
func field(s, empty string) string {
	if s == "" {
		return empty
	}
	s = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return '?'
		}
		return r
	}, s)
	if r := []rune(s); len(r) > maxSummaryField {
		s = string(r[:maxSummaryField]) + "…"
	}
	return s
}

func oneLine(err error) error {
	return fmt.Errorf("%s", strings.ReplaceAll(err.Error(), "\n", " "))
}
