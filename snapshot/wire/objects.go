package wire

import (
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubeposture/kubeposture/snapshot"
)

// LastApplied is kubectl's copy of an object's last applied manifest: it duplicates the spec
// and, on a Secret, holds the secret's data in clear. It is never kept.
const LastApplied = "kubectl.kubernetes.io/last-applied-configuration"

// Decode decodes the encoding of one object (an item of a list, without envelope) into obj,
// a pointer to the Go type of a row of snapshot.CollectedKinds, as the snapshot keeps it:
//
//   - of every object, the managed fields and kubectl's last-applied annotation are skipped;
//   - of a pod, its conditions, its resource claim statuses and all of each container status
//     but its name, image and imageID (the running digest);
//   - of a node, its list of images;
//   - of a secret (snapshot.SecretMeta), everything but its metadata and type: its data is
//     never decoded.
//
// obj must be zero. Parts equal to those of an object decoded before by d are shared.
func (d *Decoder) Decode(b []byte, obj any) error {
	switch o := obj.(type) {
	case *corev1.Pod:
		return d.pod(b, o)
	case *appsv1.Deployment:
		return d.workload(b, o, &o.ObjectMeta, &o.Spec, 3, &o.Spec.Template)
	case *appsv1.StatefulSet:
		return d.workload(b, o, &o.ObjectMeta, &o.Spec, 3, &o.Spec.Template)
	case *appsv1.DaemonSet:
		return d.workload(b, o, &o.ObjectMeta, &o.Spec, 2, &o.Spec.Template)
	case *appsv1.ReplicaSet:
		return d.workload(b, o, &o.ObjectMeta, &o.Spec, 3, &o.Spec.Template)
	case *batchv1.Job:
		return d.workload(b, o, &o.ObjectMeta, &o.Spec, 6, &o.Spec.Template)
	case *batchv1.CronJob:
		return d.cronJob(b, o)
	case *corev1.Node:
		return d.node(b, o)
	case *snapshot.SecretMeta:
		return d.secret(b, o)
	case *corev1.Namespace:
		return d.object(b, o, &o.ObjectMeta)
	case *corev1.ServiceAccount:
		return d.object(b, o, &o.ObjectMeta)
	case *corev1.ConfigMap:
		return d.object(b, o, &o.ObjectMeta)
	case *corev1.Service:
		return d.object(b, o, &o.ObjectMeta)
	case *rbacv1.Role:
		return d.object(b, o, &o.ObjectMeta)
	case *rbacv1.ClusterRole:
		return d.object(b, o, &o.ObjectMeta)
	case *rbacv1.RoleBinding:
		return d.object(b, o, &o.ObjectMeta)
	case *rbacv1.ClusterRoleBinding:
		return d.object(b, o, &o.ObjectMeta)
	case *networkingv1.NetworkPolicy:
		return d.object(b, o, &o.ObjectMeta)
	case *networkingv1.Ingress:
		return d.object(b, o, &o.ObjectMeta)
	case *admissionregistrationv1.ValidatingWebhookConfiguration:
		return d.object(b, o, &o.ObjectMeta)
	case *admissionregistrationv1.MutatingWebhookConfiguration:
		return d.object(b, o, &o.ObjectMeta)
	}
	return fmt.Errorf("wire: cannot decode into %T", obj)
}

// object decodes an object whose metadata is field 1, and whose other fields its own generated
// code decodes.
func (d *Decoder) object(b []byte, obj unmarshaler, m *metav1.ObjectMeta) error {
	rest, fs := d.buf(), d.fieldList()
	defer func() { d.putBuf(rest); d.putFields(fs) }()
	var err error
	if rest, fs, err = split(b, fields(1), rest, fs); err != nil {
		return err
	}
	if len(rest) > 0 {
		if err := obj.Unmarshal(rest); err != nil {
			return err
		}
	}
	return d.metaOf(fs, 1, m, true)
}

// metaOf decodes field num of fs, an ObjectMeta, into m. The metadata of an object (own) is
// compacted: its managed fields and last-applied annotation are skipped; that of a pod
// template is kept whole, as the collector keeps it.
func (d *Decoder) metaOf(fs []field, num protowire.Number, m *metav1.ObjectMeta, own bool) error {
	scratch := d.buf()
	defer func() { d.putBuf(scratch) }()
	v, ok, scratch, err := joined(fs, num, "Metadata", scratch)
	if err != nil || !ok {
		return err
	}
	return d.meta(v, m, own)
}

// metaShared are the fields of ObjectMeta decoded here, shared: generateName, namespace,
// labels, annotations, ownerReferences, finalizers. An object's own metadata skips its
// managedFields (17) too.
var metaShared = fields(2, 3, 11, 12, 13, 14)

func (d *Decoder) meta(b []byte, m *metav1.ObjectMeta, own bool) error {
	rest, fs := d.buf(), d.fieldList()
	defer func() { d.putBuf(rest); d.putFields(fs) }()
	take, drop := metaShared, ""
	if own {
		take, drop = take|fields(17), LastApplied
	}
	var err error
	if rest, fs, err = split(b, take, rest, fs); err != nil {
		return err
	}
	if len(rest) > 0 {
		if err := m.Unmarshal(rest); err != nil {
			return err
		}
	}
	for _, f := range fs {
		switch f.num {
		case 2:
			v, err := bytesField(f, "GenerateName")
			if err != nil {
				return err
			}
			m.GenerateName = d.str(v)
		case 3:
			v, err := bytesField(f, "Namespace")
			if err != nil {
				return err
			}
			m.Namespace = d.str(v)
		}
	}
	if m.Labels, err = d.sharedMap(fs, 11, "Labels", ""); err != nil {
		return err
	}
	if m.Annotations, err = d.sharedMap(fs, 12, "Annotations", drop); err != nil {
		return err
	}
	if m.OwnerReferences, err = sharedList[metav1.OwnerReference](d, tOwners, fs, 13, "OwnerReferences"); err != nil {
		return err
	}
	m.Finalizers, err = d.sharedStrings(fs, 14, "Finalizers")
	return err
}

// workload decodes a workload controller: its spec (field 2) is decoded by spec's generated
// code but for its pod template, field templateNum of the spec.
func (d *Decoder) workload(b []byte, obj unmarshaler, m *metav1.ObjectMeta, spec unmarshaler, templateNum protowire.Number, tmpl *corev1.PodTemplateSpec) error {
	rest, fs, scratch := d.buf(), d.fieldList(), d.buf()
	defer func() { d.putBuf(rest); d.putFields(fs); d.putBuf(scratch) }()
	var err error
	if rest, fs, err = split(b, fields(1, 2), rest, fs); err != nil {
		return err
	}
	if len(rest) > 0 {
		if err := obj.Unmarshal(rest); err != nil {
			return err
		}
	}
	if err := d.metaOf(fs, 1, m, true); err != nil {
		return err
	}
	v, ok, scratch, err := joined(fs, 2, "Spec", scratch)
	if err != nil || !ok {
		return err
	}
	return d.withTemplate(v, spec, templateNum, tmpl)
}

// withTemplate decodes a spec holding a pod template at field templateNum.
func (d *Decoder) withTemplate(b []byte, spec unmarshaler, templateNum protowire.Number, tmpl *corev1.PodTemplateSpec) error {
	rest, fs, scratch := d.buf(), d.fieldList(), d.buf()
	defer func() { d.putBuf(rest); d.putFields(fs); d.putBuf(scratch) }()
	var err error
	if rest, fs, err = split(b, fields(templateNum), rest, fs); err != nil {
		return err
	}
	if len(rest) > 0 {
		if err := spec.Unmarshal(rest); err != nil {
			return err
		}
	}
	v, ok, scratch, err := joined(fs, templateNum, "Template", scratch)
	if err != nil || !ok {
		return err
	}
	return d.template(v, tmpl)
}

// cronJob decodes a CronJob, whose pod template is in its job template's spec.
func (d *Decoder) cronJob(b []byte, o *batchv1.CronJob) error {
	rest, fs, scratch := d.buf(), d.fieldList(), d.buf()
	defer func() { d.putBuf(rest); d.putFields(fs); d.putBuf(scratch) }()
	var err error
	if rest, fs, err = split(b, fields(1, 2), rest, fs); err != nil {
		return err
	}
	if len(rest) > 0 {
		if err := o.Unmarshal(rest); err != nil {
			return err
		}
	}
	if err := d.metaOf(fs, 1, &o.ObjectMeta, true); err != nil {
		return err
	}
	v, ok, scratch, err := joined(fs, 2, "Spec", scratch)
	if err != nil || !ok {
		return err
	}
	// CronJobSpec: the job template is field 5; a JobTemplateSpec has metadata 1 and spec 2.
	rest2, fs2, scratch2 := d.buf(), d.fieldList(), d.buf()
	defer func() { d.putBuf(rest2); d.putFields(fs2); d.putBuf(scratch2) }()
	if rest2, fs2, err = split(v, fields(5), rest2, fs2); err != nil {
		return err
	}
	if len(rest2) > 0 {
		if err := o.Spec.Unmarshal(rest2); err != nil {
			return err
		}
	}
	jt, ok, scratch2, err := joined(fs2, 5, "JobTemplate", scratch2)
	if err != nil || !ok {
		return err
	}
	jobTemplate := &o.Spec.JobTemplate
	rest3, fs3, scratch3 := d.buf(), d.fieldList(), d.buf()
	defer func() { d.putBuf(rest3); d.putFields(fs3); d.putBuf(scratch3) }()
	if rest3, fs3, err = split(jt, fields(1, 2), rest3, fs3); err != nil {
		return err
	}
	if len(rest3) > 0 {
		if err := jobTemplate.Unmarshal(rest3); err != nil {
			return err
		}
	}
	if err := d.metaOf(fs3, 1, &jobTemplate.ObjectMeta, false); err != nil {
		return err
	}
	js, ok, scratch3, err := joined(fs3, 2, "Spec", scratch3)
	if err != nil || !ok {
		return err
	}
	return d.withTemplate(js, &jobTemplate.Spec, 6, &jobTemplate.Spec.Template)
}

// node decodes a node without its list of images (NodeStatus field 8): it can run to hundreds
// of entries and no check reads it.
func (d *Decoder) node(b []byte, o *corev1.Node) error {
	rest, fs, scratch := d.buf(), d.fieldList(), d.buf()
	defer func() { d.putBuf(rest); d.putFields(fs); d.putBuf(scratch) }()
	var err error
	if rest, fs, err = split(b, fields(1, 3), rest, fs); err != nil {
		return err
	}
	if len(rest) > 0 {
		if err := o.Unmarshal(rest); err != nil {
			return err
		}
	}
	if err := d.metaOf(fs, 1, &o.ObjectMeta, true); err != nil {
		return err
	}
	v, ok, scratch, err := joined(fs, 3, "Status", scratch)
	if err != nil || !ok {
		return err
	}
	status, sfs := d.buf(), d.fieldList()
	defer func() { d.putBuf(status); d.putFields(sfs) }()
	if status, sfs, err = split(v, fields(8), status, sfs); err != nil {
		return err
	}
	return o.Status.Unmarshal(status)
}

// secret decodes the metadata and type of a Secret's encoding, and nothing else: its data and
// stringData are skipped unread.
func (d *Decoder) secret(b []byte, o *snapshot.SecretMeta) error {
	rest, fs := d.buf(), d.fieldList()
	defer func() { d.putBuf(rest); d.putFields(fs) }()
	var err error
	if rest, fs, err = split(b, fields(1, 3), rest, fs); err != nil {
		return err
	}
	if err := d.metaOf(fs, 1, &o.ObjectMeta, true); err != nil {
		return err
	}
	for _, f := range fs {
		if f.num == 3 {
			v, err := bytesField(f, "Type")
			if err != nil {
				return err
			}
			o.Type = corev1.SecretType(d.str(v))
		}
	}
	return nil
}
