package prompt

import (
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
)

// picker is the role list: type to filter (every word, in any order),
// ↑/↓ to move, Enter to choose; Esc clears the filter, and with no filter
// Esc or q cancels, as Ctrl-C does.
type picker struct {
	title  string
	labels []string
	lower  []string
	filter []rune
	shown  []int // indexes of labels that match the filter
	cursor int   // position in shown
	top    int   // first row of shown on screen
	height int

	chosen    int
	done      bool
	cancelled bool
}

func newPicker(title string, labels []string, preselect int) *picker {
	p := &picker{title: title, labels: labels, height: 12, chosen: -1}
	for _, l := range labels {
		p.lower = append(p.lower, strings.ToLower(l))
	}
	p.refilter()
	if preselect > 0 && preselect < len(labels) {
		p.cursor = preselect
		p.scroll()
	}
	return p
}

// matches: every word of the filter is in the label, in any order.
func (p *picker) matches(i int) bool {
	for _, w := range strings.Fields(strings.ToLower(string(p.filter))) {
		if !strings.Contains(p.lower[i], w) {
			return false
		}
	}
	return true
}

func (p *picker) refilter() {
	p.shown = p.shown[:0]
	for i := range p.labels {
		if p.matches(i) {
			p.shown = append(p.shown, i)
		}
	}
	p.cursor, p.top = 0, 0
}

func (p *picker) move(by int) {
	if len(p.shown) == 0 {
		return
	}
	p.cursor = min(max(p.cursor+by, 0), len(p.shown)-1)
	p.scroll()
}

func (p *picker) scroll() {
	if p.cursor < p.top {
		p.top = p.cursor
	}
	if p.cursor >= p.top+p.height {
		p.top = p.cursor - p.height + 1
	}
}

func (p *picker) Init() tea.Cmd { return nil }

func (p *picker) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		return p, nil
	}
	quit := func(cancel bool) (tea.Model, tea.Cmd) {
		p.done, p.cancelled = true, cancel
		return p, tea.Quit
	}
	switch k.Type {
	case tea.KeyCtrlC:
		return quit(true)
	case tea.KeyEsc:
		if len(p.filter) == 0 {
			return quit(true)
		}
		p.filter = nil
		p.refilter()
	case tea.KeyEnter:
		if len(p.shown) > 0 {
			p.chosen = p.shown[p.cursor]
			return quit(false)
		}
	case tea.KeyUp, tea.KeyCtrlP:
		p.move(-1)
	case tea.KeyDown, tea.KeyCtrlN, tea.KeyTab:
		p.move(1)
	case tea.KeyPgUp:
		p.move(-p.height)
	case tea.KeyPgDown:
		p.move(p.height)
	case tea.KeyHome:
		p.move(-len(p.shown))
	case tea.KeyEnd:
		p.move(len(p.shown))
	case tea.KeyBackspace, tea.KeyCtrlH:
		if len(p.filter) > 0 {
			p.filter = p.filter[:len(p.filter)-1]
			p.refilter()
		}
	case tea.KeyCtrlU:
		p.filter = nil
		p.refilter()
	case tea.KeySpace:
		if len(p.filter) > 0 {
			p.filter = append(p.filter, ' ')
		}
	case tea.KeyRunes:
		if len(p.filter) == 0 && string(k.Runes) == "q" {
			return quit(true)
		}
		p.filter = append(p.filter, k.Runes...)
		p.refilter()
	}
	return p, nil
}

func (p *picker) View() string {
	if p.done {
		return "" // the list goes; what was chosen is said by the caller
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%d of %d)\n", p.title, len(p.shown), len(p.labels))
	if len(p.filter) > 0 {
		fmt.Fprintf(&b, "filter: %s▏ (esc clears)\n", string(p.filter))
	} else {
		b.WriteString("type to filter · ↑/↓ move · enter choose · esc or q cancel\n")
	}
	if len(p.shown) == 0 {
		b.WriteString("  (no role matches)\n")
	}
	for row := p.top; row < len(p.shown) && row < p.top+p.height; row++ {
		mark := "  "
		if row == p.cursor {
			mark = "> "
		}
		b.WriteString(mark + p.labels[p.shown[row]] + "\n")
	}
	if len(p.shown) > p.top+p.height {
		fmt.Fprintf(&b, "  … %d more\n", len(p.shown)-p.top-p.height)
	}
	return b.String()
}
