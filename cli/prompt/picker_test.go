package prompt

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

func keys(p *picker, msgs ...tea.KeyMsg) {
	for _, m := range msgs {
		p.Update(m)
	}
}

func runes(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

var pickLabels = []string{"dev (210987654321)  team/Deployer", "prod (123456789012)  Admin", "prod (123456789012)  ReadOnly"}

// TestPickerFilterWordsAnyOrder: every typed word must match, in any
// order, and the title counts what is shown (issue 15).
func TestPickerFilterWordsAnyOrder(t *testing.T) {
	p := newPicker("Choose an AWS role", pickLabels, 0)
	if v := p.View(); !strings.Contains(v, "(3 of 3)") || !strings.Contains(v, "> dev") {
		t.Errorf("view:\n%s", v)
	}
	for _, r := range "only prod" {
		if r == ' ' {
			keys(p, tea.KeyMsg{Type: tea.KeySpace})
		} else {
			keys(p, runes(string(r)))
		}
	}
	if v := p.View(); !strings.Contains(v, "(1 of 3)") || !strings.Contains(v, "> prod (123456789012)  ReadOnly") {
		t.Errorf("filtered view:\n%s", v)
	}
	keys(p, tea.KeyMsg{Type: tea.KeyEnter})
	if !p.done || p.cancelled || p.chosen != 2 {
		t.Errorf("chose %d (done %v, cancelled %v)", p.chosen, p.done, p.cancelled)
	}
}

// TestPickerCancelKeys: Ctrl-C, Esc and q cancel; Esc first clears a
// filter, and q typed into a filter is a letter.
func TestPickerCancelKeys(t *testing.T) {
	for name, seq := range map[string][]tea.KeyMsg{
		"ctrl-c":             {{Type: tea.KeyCtrlC}},
		"esc":                {{Type: tea.KeyEsc}},
		"q":                  {runes("q")},
		"esc clears, then q": {runes("a"), {Type: tea.KeyEsc}, runes("q")},
	} {
		p := newPicker("t", pickLabels, 0)
		keys(p, seq...)
		if !p.done || !p.cancelled {
			t.Errorf("%s: done %v cancelled %v", name, p.done, p.cancelled)
		}
	}
	p := newPicker("t", pickLabels, 0)
	keys(p, runes("a"), runes("q"))
	if p.done || string(p.filter) != "aq" || !strings.Contains(p.View(), "(0 of 3)") || !strings.Contains(p.View(), "no role matches") {
		t.Errorf("q in a filter: done %v filter %q\n%s", p.done, string(p.filter), p.View())
	}
	keys(p, tea.KeyMsg{Type: tea.KeyEnter}) // nothing to choose
	if p.done {
		t.Error("Enter chose from an empty list")
	}
}

// TestPickerPreselectAndMove: the last role starts highlighted; the cursor
// stays in the list.
func TestPickerPreselectAndMove(t *testing.T) {
	p := newPicker("t", pickLabels, 2)
	if !strings.Contains(p.View(), "> prod (123456789012)  ReadOnly") {
		t.Errorf("preselected view:\n%s", p.View())
	}
	keys(p, tea.KeyMsg{Type: tea.KeyDown}, tea.KeyMsg{Type: tea.KeyUp}, tea.KeyMsg{Type: tea.KeyUp}, tea.KeyMsg{Type: tea.KeyHome}, tea.KeyMsg{Type: tea.KeyUp})
	keys(p, tea.KeyMsg{Type: tea.KeyEnter})
	if p.chosen != 0 {
		t.Errorf("chose %d, want 0", p.chosen)
	}
	long := make([]string, 40)
	for i := range long {
		long[i] = strings.Repeat("x", i+1)
	}
	p = newPicker("t", long, 30)
	if v := p.View(); !strings.Contains(v, "> "+long[30]+"\n") || !strings.Contains(v, "… 9 more") {
		t.Errorf("scrolled view:\n%s", v)
	}
}
