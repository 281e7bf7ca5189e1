package wire

import (
	"google.golang.org/protobuf/encoding/protowire"
	corev1 "k8s.io/api/core/v1"
)

// pod decodes a Pod: metadata 1, spec 2, status 3.
func (d *Decoder) pod(b []byte, p *corev1.Pod) error {
	rest, fs, scratch := d.buf(), d.fieldList(), d.buf()
	defer func() { d.putBuf(rest); d.putFields(fs); d.putBuf(scratch) }()
	var err error
	if rest, fs, err = split(b, fields(1, 2, 3), rest, fs); err != nil {
		return err
	}
	if len(rest) > 0 {
		if err := p.Unmarshal(rest); err != nil {
			return err
		}
	}
	if err := d.metaOf(fs, 1, &p.ObjectMeta, true); err != nil {
		return err
	}
	v, ok, scratch, err := joined(fs, 2, "Spec", scratch)
	if err != nil {
		return err
	}
	if ok {
		if err := d.podSpec(v, &p.Spec); err != nil {
			return err
		}
	}
	v, ok, scratch, err = joined(fs, 3, "Status", scratch)
	if err != nil || !ok {
		return err
	}
	return d.podStatus(v, &p.Status)
}

// template decodes a PodTemplateSpec: metadata 1, spec 2.
func (d *Decoder) template(b []byte, t *corev1.PodTemplateSpec) error {
	rest, fs, scratch := d.buf(), d.fieldList(), d.buf()
	defer func() { d.putBuf(rest); d.putFields(fs); d.putBuf(scratch) }()
	var err error
	if rest, fs, err = split(b, fields(1, 2), rest, fs); err != nil {
		return err
	}
	if len(rest) > 0 {
		if err := t.Unmarshal(rest); err != nil {
			return err
		}
	}
	if err := d.metaOf(fs, 1, &t.ObjectMeta, false); err != nil {
		return err
	}
	v, ok, scratch, err := joined(fs, 2, "Spec", scratch)
	if err != nil || !ok {
		return err
	}
	return d.podSpec(v, &t.Spec)
}

// The fields of PodSpec.
const (
	specVolumes        = 1
	specContainers     = 2
	specNodeSelector   = 7
	specNodeName       = 10
	specSecurity       = 14
	specPullSecrets    = 15
	specHostname       = 16
	specSubdomain      = 17
	specAffinity       = 18
	specInitContainers = 20
	specTolerations    = 22
	specDNSConfig      = 26
	specTopology       = 33
	specEphemeral      = 34
)

// specOwn are the fields of a PodSpec that differ from replica to replica (its volumes carry
// the service-account token's, its containers mount it; its node and, in a StatefulSet, its
// host name): the rest is the same for every replica, decoded once and shared.
var specOwn = fields(specVolumes, specContainers, specNodeName, specHostname, specSubdomain, specInitContainers, specEphemeral)

// specShared are the parts of the rest decoded once for every spec they appear in, equal
// among a list's different templates too.
var specShared = fields(specNodeSelector, specSecurity, specPullSecrets, specAffinity, specTolerations, specDNSConfig, specTopology)

func (d *Decoder) podSpec(b []byte, s *corev1.PodSpec) error {
	rest, fs := d.buf(), d.fieldList()
	defer func() { d.putBuf(rest); d.putFields(fs) }()
	var err error
	if rest, fs, err = split(b, specOwn, rest, fs); err != nil {
		return err
	}
	specs := table[*corev1.PodSpec](d, tSpec)
	if t, ok := specs[string(rest)]; ok {
		*s = *t
	} else {
		t := new(corev1.PodSpec)
		if err := d.specRest(rest, t); err != nil {
			return err
		}
		if d.spend(len(rest)) {
			specs[string(rest)] = t
		}
		*s = *t
	}
	var nv, nc, ni, ne int
	for _, f := range fs {
		switch f.num {
		case specVolumes:
			nv++
		case specContainers:
			nc++
		case specInitContainers:
			ni++
		case specEphemeral:
			ne++
		}
	}
	if nv > 0 {
		s.Volumes = make([]corev1.Volume, 0, nv)
	}
	if nc > 0 {
		s.Containers = make([]corev1.Container, 0, nc)
	}
	if ni > 0 {
		s.InitContainers = make([]corev1.Container, 0, ni)
	}
	if ne > 0 {
		s.EphemeralContainers = make([]corev1.EphemeralContainer, 0, ne)
	}
	for _, f := range fs {
		v, err := bytesField(f, "PodSpec")
		if err != nil {
			return err
		}
		switch f.num {
		case specVolumes:
			s.Volumes = s.Volumes[:len(s.Volumes)+1]
			err = d.volume(v, &s.Volumes[len(s.Volumes)-1])
		case specContainers:
			s.Containers = s.Containers[:len(s.Containers)+1]
			err = d.container(v, &s.Containers[len(s.Containers)-1])
		case specInitContainers:
			s.InitContainers = s.InitContainers[:len(s.InitContainers)+1]
			err = d.container(v, &s.InitContainers[len(s.InitContainers)-1])
		case specEphemeral:
			s.EphemeralContainers = s.EphemeralContainers[:len(s.EphemeralContainers)+1]
			err = s.EphemeralContainers[len(s.EphemeralContainers)-1].Unmarshal(v)
		case specNodeName:
			s.NodeName = d.str(v)
		case specHostname:
			s.Hostname = d.str(v)
		case specSubdomain:
			s.Subdomain = d.str(v)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// specRest decodes what specOwn leaves of a PodSpec: the parts of specShared through their
// tables, the others by the generated code.
func (d *Decoder) specRest(b []byte, s *corev1.PodSpec) error {
	rest, fs, scratch := d.buf(), d.fieldList(), d.buf()
	defer func() { d.putBuf(rest); d.putFields(fs); d.putBuf(scratch) }()
	var err error
	if rest, fs, err = split(b, specShared, rest, fs); err != nil {
		return err
	}
	if len(rest) > 0 {
		if err := s.Unmarshal(rest); err != nil {
			return err
		}
	}
	if s.NodeSelector, err = d.sharedMap(fs, specNodeSelector, "NodeSelector", ""); err != nil {
		return err
	}
	if s.ImagePullSecrets, err = sharedList[corev1.LocalObjectReference](d, tImagePullSecrets, fs, specPullSecrets, "ImagePullSecrets"); err != nil {
		return err
	}
	if s.Tolerations, err = sharedList[corev1.Toleration](d, tTolerations, fs, specTolerations, "Tolerations"); err != nil {
		return err
	}
	if s.TopologySpreadConstraints, err = sharedList[corev1.TopologySpreadConstraint](d, tTopologySpread, fs, specTopology, "TopologySpreadConstraints"); err != nil {
		return err
	}
	var v []byte
	var ok bool
	if v, ok, scratch, err = joined(fs, specSecurity, "SecurityContext", scratch); err != nil {
		return err
	} else if ok {
		if s.SecurityContext, err = shared[corev1.PodSecurityContext](d, tPodSecurityContext, v); err != nil {
			return err
		}
	}
	if v, ok, scratch, err = joined(fs, specAffinity, "Affinity", scratch); err != nil {
		return err
	} else if ok {
		if s.Affinity, err = shared[corev1.Affinity](d, tAffinity, v); err != nil {
			return err
		}
	}
	if v, ok, scratch, err = joined(fs, specDNSConfig, "DNSConfig", scratch); err != nil {
		return err
	} else if ok {
		if s.DNSConfig, err = shared[corev1.PodDNSConfig](d, tDNSConfig, v); err != nil {
			return err
		}
	}
	return nil
}

// volume decodes a Volume (name 1, source 2): the source is shared, the name is the volume's.
func (d *Decoder) volume(b []byte, v *corev1.Volume) error {
	rest, fs, scratch := d.buf(), d.fieldList(), d.buf()
	defer func() { d.putBuf(rest); d.putFields(fs); d.putBuf(scratch) }()
	var err error
	if rest, fs, err = split(b, fields(1, 2), rest, fs); err != nil {
		return err
	}
	if len(rest) > 0 {
		if err := v.Unmarshal(rest); err != nil {
			return err
		}
	}
	for _, f := range fs {
		if f.num == 1 {
			name, err := bytesField(f, "Name")
			if err != nil {
				return err
			}
			v.Name = d.str(name)
		}
	}
	src, ok, scratch, err := joined(fs, 2, "VolumeSource", scratch)
	if err != nil || !ok {
		return err
	}
	s, err := shared[corev1.VolumeSource](d, tVolumeSource, src)
	if err != nil {
		return err
	}
	v.VolumeSource = *s
	return nil
}

// The fields of Container.
const (
	ctrCommand   = 3
	ctrArgs      = 4
	ctrPorts     = 6
	ctrEnv       = 7
	ctrResources = 8
	ctrMounts    = 9
	ctrLiveness  = 10
	ctrReadiness = 11
	ctrLifecycle = 12
	ctrSecurity  = 15
	ctrEnvFrom   = 19
	ctrStartup   = 22
)

var ctrShared = fields(ctrCommand, ctrArgs, ctrPorts, ctrEnv, ctrResources, ctrLiveness, ctrReadiness, ctrLifecycle, ctrSecurity, ctrEnvFrom, ctrStartup)

// container decodes a Container: its volume mounts are its own (every replica mounts its own
// service-account token volume), the rest is shared with every container of the list encoded
// the same.
func (d *Decoder) container(b []byte, c *corev1.Container) error {
	rest, fs := d.buf(), d.fieldList()
	defer func() { d.putBuf(rest); d.putFields(fs) }()
	var err error
	if rest, fs, err = split(b, fields(ctrMounts), rest, fs); err != nil {
		return err
	}
	ctrs := table[*corev1.Container](d, tContainer)
	if t, ok := ctrs[string(rest)]; ok {
		*c = *t
	} else {
		t := new(corev1.Container)
		if err := d.containerRest(rest, t); err != nil {
			return err
		}
		if d.spend(len(rest)) {
			ctrs[string(rest)] = t
		}
		*c = *t
	}
	if len(fs) == 0 {
		return nil
	}
	c.VolumeMounts = make([]corev1.VolumeMount, len(fs))
	for i, f := range fs {
		v, err := bytesField(f, "VolumeMounts")
		if err != nil {
			return err
		}
		if err := d.volumeMount(v, &c.VolumeMounts[i]); err != nil {
			return err
		}
	}
	return nil
}

// containerRest decodes a container without its volume mounts: the parts of ctrShared through
// their tables, the others by the generated code.
func (d *Decoder) containerRest(b []byte, c *corev1.Container) error {
	rest, fs, scratch := d.buf(), d.fieldList(), d.buf()
	defer func() { d.putBuf(rest); d.putFields(fs); d.putBuf(scratch) }()
	var err error
	if rest, fs, err = split(b, ctrShared, rest, fs); err != nil {
		return err
	}
	if len(rest) > 0 {
		if err := c.Unmarshal(rest); err != nil {
			return err
		}
	}
	if c.Command, err = d.sharedStrings(fs, ctrCommand, "Command"); err != nil {
		return err
	}
	if c.Args, err = d.sharedStrings(fs, ctrArgs, "Args"); err != nil {
		return err
	}
	if c.Ports, err = sharedList[corev1.ContainerPort](d, tPorts, fs, ctrPorts, "Ports"); err != nil {
		return err
	}
	if c.Env, err = sharedList[corev1.EnvVar](d, tEnv, fs, ctrEnv, "Env"); err != nil {
		return err
	}
	if c.EnvFrom, err = sharedList[corev1.EnvFromSource](d, tEnvFrom, fs, ctrEnvFrom, "EnvFrom"); err != nil {
		return err
	}
	var v []byte
	var ok bool
	if v, ok, scratch, err = joined(fs, ctrResources, "Resources", scratch); err != nil {
		return err
	} else if ok {
		r, err := shared[corev1.ResourceRequirements](d, tResources, v)
		if err != nil {
			return err
		}
		c.Resources = *r
	}
	if v, ok, scratch, err = joined(fs, ctrSecurity, "SecurityContext", scratch); err != nil {
		return err
	} else if ok {
		if c.SecurityContext, err = shared[corev1.SecurityContext](d, tSecurityContext, v); err != nil {
			return err
		}
	}
	if v, ok, scratch, err = joined(fs, ctrLifecycle, "Lifecycle", scratch); err != nil {
		return err
	} else if ok {
		if c.Lifecycle, err = shared[corev1.Lifecycle](d, tLifecycle, v); err != nil {
			return err
		}
	}
	for _, p := range []struct {
		num protowire.Number
		dst **corev1.Probe
	}{{ctrLiveness, &c.LivenessProbe}, {ctrReadiness, &c.ReadinessProbe}, {ctrStartup, &c.StartupProbe}} {
		if v, ok, scratch, err = joined(fs, p.num, "Probe", scratch); err != nil {
			return err
		} else if ok {
			if *p.dst, err = shared[corev1.Probe](d, tProbe, v); err != nil {
				return err
			}
		}
	}
	return nil
}

// volumeMount decodes a VolumeMount: its name is its own (the service-account token volume's
// differs in every pod), the rest is shared.
func (d *Decoder) volumeMount(b []byte, m *corev1.VolumeMount) error {
	rest, fs := d.buf(), d.fieldList()
	defer func() { d.putBuf(rest); d.putFields(fs) }()
	var err error
	if rest, fs, err = split(b, fields(1), rest, fs); err != nil {
		return err
	}
	mounts := table[*corev1.VolumeMount](d, tVolumeMount)
	t, ok := mounts[string(rest)]
	if !ok {
		t = new(corev1.VolumeMount)
		if err := t.Unmarshal(rest); err != nil {
			return err
		}
		if d.spend(len(rest)) {
			mounts[string(rest)] = t
		}
	}
	*m = *t
	for _, f := range fs {
		v, err := bytesField(f, "Name")
		if err != nil {
			return err
		}
		m.Name = d.str(v)
	}
	return nil
}

// The fields of PodStatus.
const (
	statusPhase            = 1
	statusConditions       = 2
	statusReason           = 4
	statusHostIP           = 5
	statusContainers       = 8
	statusQOS              = 9
	statusInitContainers   = 10
	statusEphemeral        = 13
	statusClaims           = 15
	statusHostIPs          = 16
	statusExtendedResource = 18
)

var statusTaken = fields(statusPhase, statusConditions, statusReason, statusHostIP, statusContainers, statusQOS,
	statusInitContainers, statusEphemeral, statusClaims, statusHostIPs, statusExtendedResource)

// podStatus decodes a PodStatus without its conditions (transition times and messages) and its
// resource claim statuses, and with each container status reduced to its name, image and
// imageID (the digest the node runs: the evidence behind an image finding); the rest (phase,
// addresses, QoS class, start time, resources) is kept.
func (d *Decoder) podStatus(b []byte, s *corev1.PodStatus) error {
	rest, fs := d.buf(), d.fieldList()
	defer func() { d.putBuf(rest); d.putFields(fs) }()
	var err error
	if rest, fs, err = split(b, statusTaken, rest, fs); err != nil {
		return err
	}
	if len(rest) > 0 {
		if err := s.Unmarshal(rest); err != nil {
			return err
		}
	}
	var nc, ni, ne int
	for _, f := range fs {
		switch f.num {
		case statusContainers:
			nc++
		case statusInitContainers:
			ni++
		case statusEphemeral:
			ne++
		}
	}
	if nc > 0 {
		s.ContainerStatuses = make([]corev1.ContainerStatus, 0, nc)
	}
	if ni > 0 {
		s.InitContainerStatuses = make([]corev1.ContainerStatus, 0, ni)
	}
	if ne > 0 {
		s.EphemeralContainerStatuses = make([]corev1.ContainerStatus, 0, ne)
	}
	for _, f := range fs {
		if f.num == statusConditions || f.num == statusClaims || f.num == statusExtendedResource || f.num == statusHostIPs {
			continue
		}
		v, err := bytesField(f, "PodStatus")
		if err != nil {
			return err
		}
		switch f.num {
		case statusPhase:
			s.Phase = corev1.PodPhase(d.str(v))
		case statusReason:
			s.Reason = d.str(v)
		case statusHostIP:
			s.HostIP = d.str(v)
		case statusQOS:
			s.QOSClass = corev1.PodQOSClass(d.str(v))
		case statusContainers:
			s.ContainerStatuses, err = d.containerStatus(v, s.ContainerStatuses)
		case statusInitContainers:
			s.InitContainerStatuses, err = d.containerStatus(v, s.InitContainerStatuses)
		case statusEphemeral:
			s.EphemeralContainerStatuses, err = d.containerStatus(v, s.EphemeralContainerStatuses)
		}
		if err != nil {
			return err
		}
	}
	s.HostIPs, err = sharedList[corev1.HostIP](d, tHostIPs, fs, statusHostIPs, "HostIPs")
	return err
}

// containerStatus appends to l what a container status keeps: its name (1), image (6) and
// imageID (7).
func (d *Decoder) containerStatus(b []byte, l []corev1.ContainerStatus) ([]corev1.ContainerStatus, error) {
	var c corev1.ContainerStatus
	err := walk(b, func(num protowire.Number, typ protowire.Type, v []byte, _ uint64) error {
		switch num {
		case 1, 6, 7:
			if typ != protowire.BytesType {
				return bytesFieldError(typ, "ContainerStatus")
			}
		}
		switch num {
		case 1:
			c.Name = d.str(v)
		case 6:
			c.Image = d.str(v)
		case 7:
			c.ImageID = d.str(v)
		}
		return nil
	})
	return append(l, c), err
}
