package crd

import (
	"bytes"
	"encoding/json"
	"fmt"

	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// PodMonitorAPIVersion is prometheus-operator's group and version; its Go types are the upstream
// module's.
var PodMonitorAPIVersion = monitoringv1.SchemeGroupVersion.String()

// CertManagerAPIVersion is cert-manager's group and version; its Go types are the upstream module's
// at the chart's version (v1.21.1).
var CertManagerAPIVersion = cmv1.SchemeGroupVersion.String()

// specTypes maps every kind this package renders to its spec struct. Render goes through it, and
// the guard test decodes each recorded object back into it with unknown fields disallowed.
var specTypes = map[string]func() any{
	CNPGAPIVersion + "/" + KindCluster:                        func() any { return &ClusterSpec{} },
	CNPGAPIVersion + "/" + KindPooler:                         func() any { return &PoolerSpec{} },
	CNPGAPIVersion + "/" + KindDatabase:                       func() any { return &DatabaseSpec{} },
	CNPGAPIVersion + "/" + KindDatabaseRole:                   func() any { return &DatabaseRoleSpec{} },
	CNPGAPIVersion + "/" + KindScheduledBackup:                func() any { return &ScheduledBackupSpec{} },
	BarmanAPIVersion + "/" + KindObjectStore:                  func() any { return &ObjectStoreSpec{} },
	PodMonitorAPIVersion + "/" + monitoringv1.PodMonitorsKind: func() any { return &monitoringv1.PodMonitorSpec{} },
	CertManagerAPIVersion + "/" + cmv1.CertificateKind:        func() any { return &cmv1.CertificateSpec{} },
	CertManagerAPIVersion + "/" + cmv1.ClusterIssuerKind:      func() any { return &cmv1.IssuerSpec{} },
}

// DecodeSpec decodes a rendered spec (JSON-shaped maps, as Pulumi records them) strictly into the
// struct of its kind: a field the struct does not declare, a misspelling included, is an error.
func DecodeSpec(apiVersion, kind string, spec any) (any, error) {
	newSpec, ok := specTypes[apiVersion+"/"+kind]
	if !ok {
		return nil, fmt.Errorf("no spec type for %s %s", apiVersion, kind)
	}
	b, err := json.Marshal(spec)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	out := newSpec()
	if err := dec.Decode(out); err != nil {
		return nil, fmt.Errorf("%s %s spec: %w", apiVersion, kind, err)
	}
	return out, nil
}

// specMap turns a typed spec into the untyped map a CustomResource carries, and checks it decodes
// strictly back into its kind's struct (so a spec of the wrong type cannot be rendered as a kind).
func specMap(apiVersion, kind string, spec any) (map[string]any, error) {
	b, err := json.Marshal(spec)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	if _, err := DecodeSpec(apiVersion, kind, m); err != nil {
		return nil, err
	}
	return m, nil
}

// Object names one Kubernetes object.
type Object struct {
	APIVersion, Kind, Name, Namespace string
	Labels                            map[string]string
}

// Render registers a typed spec as a CustomResource with an explicit object name (the names are
// contracts: services, secrets and the backup folder derive from them).
func Render(ctx *pulumi.Context, resourceName string, o Object, spec any, opts ...pulumi.ResourceOption) (*apiextensions.CustomResource, error) {
	m, err := specMap(o.APIVersion, o.Kind, spec)
	if err != nil {
		return nil, err
	}
	meta := &metav1.ObjectMetaArgs{Name: pulumi.String(o.Name), Labels: pulumi.ToStringMap(o.Labels)}
	// A cluster-scoped kind (a ClusterIssuer) has no namespace.
	if o.Namespace != "" {
		meta.Namespace = pulumi.String(o.Namespace)
	}
	return apiextensions.NewCustomResource(ctx, resourceName, &apiextensions.CustomResourceArgs{
		ApiVersion:  pulumi.String(o.APIVersion),
		Kind:        pulumi.String(o.Kind),
		Metadata:    meta,
		OtherFields: kubernetes.UntypedArgs{"spec": m},
	}, opts...)
}
