package kg

// ThreatTarget is whom a threat is directed against: the threat log records
// it, and the advisor matches it against whom a channel serves.
type ThreatTarget string

// Threat targets.
const (
	// TargetInstitution: the NHRI itself (independence, mandate, budget,
	// legal basis, premises).
	TargetInstitution ThreatTarget = "INSTITUTION"
	// TargetMembersOrStaff: its members or staff, as individual defenders.
	TargetMembersOrStaff ThreatTarget = "MEMBERS_OR_STAFF"
)

// Valid reports whether t is a known target.
func (t ThreatTarget) Valid() bool { return t == TargetInstitution || t == TargetMembersOrStaff }
