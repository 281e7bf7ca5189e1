package network

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/kubeposture/kubeposture/checks"
	"github.com/kubeposture/kubeposture/internal/componentflags"
	"github.com/kubeposture/kubeposture/snapshot"
)

// nginxInputs are what the ingress-nginx controller controls read: the controllers
// (Deployments, DaemonSets), their ConfigMaps, and the Ingresses they serve.
var nginxInputs = []snapshot.Resource{snapshot.ResDeployments, snapshot.ResDaemonSets, snapshot.ResConfigMaps, snapshot.ResIngresses}

// nginxController is an ingress-nginx controller (kubernetes/ingress-nginx) found in a
// Deployment or DaemonSet, with the ConfigMap its --configmap flag names: the only way this
// project reads its configuration.
type nginxController struct {
	res   checks.Resource
	image string
	// version is the image tag's vMAJOR.MINOR.PATCH; known is false when the tag is not one.
	version [3]int
	known   bool
	// class is the ingress class it serves (--ingress-class, "nginx" by default).
	class string
	// configMap is the --configmap value (NAMESPACE/NAME), "" without the flag (defaults
	// apply); cm is that ConfigMap, nil when the flag is absent or the ConfigMap is not in the
	// snapshot.
	configMap string
	cm        *corev1.ConfigMap
}

// setting returns the controller's ConfigMap value of key, and whether it is set.
func (c *nginxController) setting(key string) (string, bool) {
	if c.cm == nil {
		return "", false
	}
	v, ok := c.cm.Data[key]
	return strings.TrimSpace(v), ok
}

// before reports whether the controller's version is known and older than v.
func (c *nginxController) before(v [3]int) bool {
	if !c.known {
		return false
	}
	for i := range 3 {
		if c.version[i] != v[i] {
			return c.version[i] < v[i]
		}
	}
	return false
}

// where names the settings keys in the controller's ConfigMap, or its defaults without one.
func (c *nginxController) where(keys string) string {
	if c.configMap == "" {
		return "no --configmap: the controller's defaults of " + keys
	}
	return "ConfigMap " + c.configMap + " " + keys
}

// missingConfigMap is the reason a controller cannot be judged: its --configmap names a
// ConfigMap the snapshot does not hold.
func (c *nginxController) missingConfigMap() string {
	if c.configMap != "" && c.cm == nil {
		return "the controller's --configmap " + c.configMap + " is not in the snapshot"
	}
	return ""
}

// nginxControllers finds the ingress-nginx controllers: a container whose image is
// ingress-nginx/controller or whose program is /nginx-ingress-controller (the project's
// binary; F5 NGINX's own controller is another product, with other settings).
func nginxControllers(s *snapshot.Snapshot) []nginxController {
	cms := map[string]*corev1.ConfigMap{}
	for i := range s.ConfigMaps {
		cm := &s.ConfigMaps[i]
		cms[cm.Namespace+"/"+cm.Name] = cm
	}
	var out []nginxController
	add := func(kind, ns, name string, spec *corev1.PodSpec) {
		for _, c := range spec.Containers {
			words := append(append([]string{}, c.Command...), c.Args...)
			if !strings.Contains(c.Image, "ingress-nginx/controller") &&
				(len(words) == 0 || !strings.HasSuffix(words[0], "/nginx-ingress-controller")) {
				continue
			}
			ctl := nginxController{res: checks.Resource{Kind: kind, Namespace: ns, Name: name}, image: c.Image, class: "nginx"}
			ctl.version, ctl.known = imageVersion(c.Image)
			flags := componentflags.Parse(words, nil, nil)
			for _, f := range flags { // last wins, as pflag
				switch f.Name {
				case "configmap":
					ctl.configMap = expandEnv(f.Value, c.Env, ns)
				case "ingress-class":
					ctl.class = f.Value
				}
			}
			if ctl.configMap != "" {
				ctl.cm = cms[ctl.configMap]
			}
			out = append(out, ctl)
			return
		}
	}
	for i := range s.Deployments {
		d := &s.Deployments[i]
		add("Deployment", d.Namespace, d.Name, &d.Spec.Template.Spec)
	}
	for i := range s.DaemonSets {
		d := &s.DaemonSets[i]
		add("DaemonSet", d.Namespace, d.Name, &d.Spec.Template.Spec)
	}
	return out
}

// expandEnv expands $(VAR) references in a container argument as the kubelet does, for
// literal values and the pod's namespace (the Helm chart passes
// --configmap=$(POD_NAMESPACE)/NAME with POD_NAMESPACE from metadata.namespace).
func expandEnv(v string, env []corev1.EnvVar, ns string) string {
	for _, e := range env {
		ref := "$(" + e.Name + ")"
		if !strings.Contains(v, ref) {
			continue
		}
		switch {
		case e.ValueFrom == nil:
			v = strings.ReplaceAll(v, ref, e.Value)
		case e.ValueFrom.FieldRef != nil && e.ValueFrom.FieldRef.FieldPath == "metadata.namespace":
			v = strings.ReplaceAll(v, ref, ns)
		}
	}
	return v
}

// imageVersion reads vMAJOR.MINOR.PATCH from an image's tag.
func imageVersion(image string) ([3]int, bool) {
	ref, _, _ := strings.Cut(image, "@")
	i := strings.LastIndex(ref, ":")
	if i < 0 || strings.Contains(ref[i:], "/") {
		return [3]int{}, false
	}
	var v [3]int
	var rest string
	n, _ := fmt.Sscanf(ref[i+1:], "v%d.%d.%d%s", &v[0], &v[1], &v[2], &rest)
	return v, n >= 3
}

// nginxClass reports whether an Ingress is served by an ingress-nginx controller of class
// class: spec.ingressClassName, or the older kubernetes.io/ingress.class annotation.
func nginxClass(ing *networkingv1.Ingress, class string) bool {
	if ing.Spec.IngressClassName != nil {
		return *ing.Spec.IngressClassName == class
	}
	return ing.Annotations["kubernetes.io/ingress.class"] == class
}

// nginxIngress reports whether an Ingress is meant for ingress-nginx: class nginx, or the
// class of a controller found.
func nginxIngress(ing *networkingv1.Ingress, ctls []nginxController) bool {
	if nginxClass(ing, "nginx") {
		return true
	}
	for i := range ctls {
		if nginxClass(ing, ctls[i].class) {
			return true
		}
	}
	return false
}
