package cmdutil

// First is the precedence resolver every command uses for a setting that
// can come from several places: it returns the first value that is set,
// given in order of precedence (flag, environment, account config, global
// config, default).
func First[T comparable](values ...T) T {
	var zero T
	for _, v := range values {
		if v != zero {
			return v
		}
	}
	return zero
}
