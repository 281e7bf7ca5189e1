package snapshot

import "testing"

func TestImageOf(t *testing.T) {
	const d = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	tests := []struct {
		spec, id  string
		ref, want string
	}{
		{"nginx:1.27", "docker.io/library/nginx@" + d, "docker.io/library/nginx@" + d, d},
		{"nginx:1.27", "docker-pullable://nginx@" + d, "nginx@" + d, d},
		{"nginx:1.27", "docker://sha256:ffff", "nginx:1.27", ""},
		{"nginx:1.27", "sha256:ffff", "nginx:1.27", ""},
		{"nginx:1.27", "", "nginx:1.27", ""},
		{"reg:5000/app@" + d, "", "reg:5000/app@" + d, d},
	}
	for _, tt := range tests {
		got := ImageOf(tt.spec, tt.id)
		if got.Ref != tt.ref || got.Digest != tt.want {
			t.Errorf("ImageOf(%q, %q) = %+v, want ref %q digest %q", tt.spec, tt.id, got, tt.ref, tt.want)
		}
	}
}
