package node

// The patch-level tables of KP-NODE-061, KP-NODE-062 and KP-NODE-063: small, reviewed, dated.
// They hold what a node's status.nodeInfo can show without an agent; everything they do not
// hold is NOT_EVALUATED, never PASS by omission of a row. Reviewed 2026-12-07.

import (
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/util/version"
)

const patchTableReviewed = "2026-12-07"

// versionRange is [Introduced, Fixed) of one release line: Introduced empty means every
// version of the line below Fixed; Fixed empty means no fixed version on that line.
type versionRange struct {
	Introduced, Fixed string
}

func (r versionRange) contains(v *version.Version) bool {
	if r.Introduced != "" && v.LessThan(version.MustParseGeneric(r.Introduced)) {
		return false
	}
	return r.Fixed == "" || v.LessThan(version.MustParseGeneric(r.Fixed))
}

func (r versionRange) String() string {
	switch {
	case r.Introduced == "":
		return "before " + r.Fixed
	case r.Fixed == "":
		return r.Introduced + " and later on its line (no fix on it)"
	}
	return fmt.Sprintf("%s to before %s", r.Introduced, r.Fixed)
}

// escapeCVE is a container-escape vulnerability and the versions of one component it affects.
type escapeCVE struct {
	CVE     string
	Summary string
	// Component is the nodeInfo field's prefix: "containerd", "cri-o", "docker" for the
	// runtime; "linux" for the kernel.
	Component string
	Affected  []versionRange
	// Source is the advisory the ranges come from.
	Source string
}

// runtimeEscapes: runc escapes, reached through the runtime releases that bundle runc (a
// runtime built from a distribution's packages may take runc from another package: the
// verdict names the runtime version and says so).
var runtimeEscapes = []escapeCVE{
	{CVE: "CVE-2024-21626", Summary: "runc leaks a host directory file descriptor into the container (\"Leaky Vessels\"): the container's process reaches the host filesystem",
		Component: "containerd", Affected: []versionRange{{Fixed: "1.6.28"}, {Introduced: "1.7.0", Fixed: "1.7.13"}},
		Source: "GHSA-xr7r-f8xq-vfvv (runc 1.1.12); containerd 1.6.28 and 1.7.13 release notes (runc 1.1.12)"},
	{CVE: "CVE-2024-21626", Summary: "runc leaks a host directory file descriptor into the container (\"Leaky Vessels\")",
		Component: "docker", Affected: []versionRange{{Fixed: "24.0.9"}, {Introduced: "25.0.0", Fixed: "25.0.2"}},
		Source: "GHSA-xr7r-f8xq-vfvv; Docker Engine 24.0.9 and 25.0.2 release notes"},
	{CVE: "CVE-2024-21626", Summary: "runc leaks a host directory file descriptor into the container (\"Leaky Vessels\")",
		Component: "cri-o", Affected: []versionRange{{Fixed: "1.27.3"}, {Introduced: "1.28.0", Fixed: "1.28.3"}, {Introduced: "1.29.0", Fixed: "1.29.1"}},
		Source: "GHSA-xr7r-f8xq-vfvv; CRI-O 1.27.3, 1.28.3 and 1.29.1 (static bundles with runc 1.1.12)"},
	{CVE: "CVE-2019-5736", Summary: "a container process overwrites the host's runc binary through /proc/self/exe and runs as root on the host",
		Component: "containerd", Affected: []versionRange{{Fixed: "1.1.6"}, {Introduced: "1.2.0", Fixed: "1.2.4"}},
		Source: "CVE-2019-5736 (runc 1.0.0-rc7); containerd 1.1.6 and 1.2.4 release notes"},
	{CVE: "CVE-2019-5736", Summary: "a container process overwrites the host's runc binary through /proc/self/exe",
		Component: "docker", Affected: []versionRange{{Fixed: "18.09.2"}},
		Source: "CVE-2019-5736; Docker Engine 18.09.2 release notes"},
}

// kernelEscapes: kernel vulnerabilities used to leave a container, by upstream stable line.
var kernelEscapes = []escapeCVE{
	{CVE: "CVE-2022-0847", Summary: "\"Dirty Pipe\": an unprivileged process overwrites read-only files, the host's included through shared mounts",
		Component: "linux", Affected: []versionRange{{Introduced: "5.8", Fixed: "5.10.102"}, {Introduced: "5.11", Fixed: "5.15.25"}, {Introduced: "5.16", Fixed: "5.16.11"}},
		Source: "CVE-2022-0847 (introduced in 5.8; fixed in 5.16.11, 5.15.25, 5.10.102)"},
	{CVE: "CVE-2022-0185", Summary: "heap overflow in the filesystem context API (legacy_parse_param): a container with CAP_SYS_ADMIN in a user namespace escapes",
		Component: "linux", Affected: []versionRange{{Introduced: "5.1", Fixed: "5.4.173"}, {Introduced: "5.5", Fixed: "5.10.93"}, {Introduced: "5.11", Fixed: "5.15.16"}, {Introduced: "5.16", Fixed: "5.16.2"}},
		Source: "CVE-2022-0185 (introduced in 5.1; fixed in 5.16.2, 5.15.16, 5.10.93, 5.4.173)"},
}

// affected returns the CVEs of table that affect version v of component.
func affected(table []escapeCVE, component string, v *version.Version) []escapeCVE {
	var out []escapeCVE
	for _, c := range table {
		if c.Component != component {
			continue
		}
		for _, r := range c.Affected {
			if r.contains(v) {
				out = append(out, c)
				break
			}
		}
	}
	return out
}

// osRelease is an OS release whose security support ends on EndOfSupport; Prefix matches the
// start of status.nodeInfo.osImage.
type osRelease struct {
	Prefix       string
	EndOfSupport string // YYYY-MM-DD
	Source       string
}

// osReleases: standard security support of the node OS images seen in Kubernetes estates, each
// from its vendor's lifecycle page. Paid extensions (Ubuntu Pro, RHEL ELS, Debian ELTS) are not
// counted: the node is out of the support everyone gets.
var osReleases = []osRelease{
	{"Ubuntu 18.04", "2023-05-31", "ubuntu.com/about/release-cycle"},
	{"Ubuntu 20.04", "2025-05-31", "ubuntu.com/about/release-cycle"},
	{"Ubuntu 22.04", "2027-06-01", "ubuntu.com/about/release-cycle"},
	{"Ubuntu 24.04", "2029-05-31", "ubuntu.com/about/release-cycle"},
	{"Debian GNU/Linux 7", "2018-05-31", "wiki.debian.org/LTS"},
	{"Debian GNU/Linux 8", "2020-06-30", "wiki.debian.org/LTS"},
	{"Debian GNU/Linux 9", "2022-06-30", "wiki.debian.org/LTS"},
	{"Debian GNU/Linux 10", "2024-06-30", "wiki.debian.org/LTS"},
	{"Debian GNU/Linux 11", "2026-08-31", "wiki.debian.org/LTS"},
	{"Debian GNU/Linux 12", "2028-06-30", "wiki.debian.org/LTS"},
	{"Debian GNU/Linux 13", "2030-06-30", "wiki.debian.org/LTS"},
	{"CentOS Linux 7", "2024-06-30", "centos.org/centos-linux-eol"},
	{"CentOS Linux 8", "2021-12-31", "centos.org/centos-linux-eol"},
	{"CentOS Stream 8", "2024-05-31", "centos.org/cl-vs-cs"},
	{"CentOS Stream 9", "2027-05-31", "centos.org/cl-vs-cs"},
	{"Red Hat Enterprise Linux 7", "2024-06-30", "access.redhat.com/support/policy/updates/errata"},
	{"Red Hat Enterprise Linux 8", "2029-05-31", "access.redhat.com/support/policy/updates/errata"},
	{"Red Hat Enterprise Linux 9", "2032-05-31", "access.redhat.com/support/policy/updates/errata"},
	{"Amazon Linux 2023", "2029-06-30", "aws.amazon.com/linux/amazon-linux-2023/faqs"},
	{"Amazon Linux 2", "2026-06-30", "aws.amazon.com/amazon-linux-2/faqs"},
	{"SUSE Linux Enterprise Server 12", "2024-10-31", "suse.com/lifecycle"},
	{"SUSE Linux Enterprise Server 15", "2031-07-31", "suse.com/lifecycle"},
}

// lookupOS returns the release osImage names, the longest prefix winning ("Amazon Linux 2023"
// over "Amazon Linux 2").
func lookupOS(osImage string) (osRelease, bool) {
	best, found := osRelease{}, false
	for _, r := range osReleases {
		if len(osImage) >= len(r.Prefix) && osImage[:len(r.Prefix)] == r.Prefix && len(r.Prefix) > len(best.Prefix) {
			// "Amazon Linux 2" must not match "Amazon Linux 2023"; "Ubuntu 22.04" matches its
			// point release "Ubuntu 22.04.5 LTS".
			if len(osImage) == len(r.Prefix) || !isDigit(osImage[len(r.Prefix)]) {
				best, found = r, true
			}
		}
	}
	return best, found
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

func mustDate(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}
