package threatlog

// SetMaxCatchUp sets how many changed records the statistics read again
// before they read every incident, until the returned func restores it.
func SetMaxCatchUp(n int) (restore func()) {
	old := maxCatchUp
	maxCatchUp = n
	return func() { maxCatchUp = old }
}
