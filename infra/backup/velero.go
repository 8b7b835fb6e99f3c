package backup

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/footprint"
	kitiam "github.com/suoke-life/suoke-platform/infra/iam"
	"github.com/suoke-life/suoke-platform/infra/pins"
	"github.com/suoke-life/suoke-platform/infra/release"
)

// veleroValues are the chart values we set, typed; everything else keeps the chart's defaults.
type veleroValues struct {
	Image            imageValues         `json:"image"`
	InitContainers   []initContainer     `json:"initContainers"`
	Configuration    veleroConfiguration `json:"configuration"`
	SnapshotsEnabled bool                `json:"snapshotsEnabled"`
	DeployNodeAgent  bool                `json:"deployNodeAgent"`
	Credentials      map[string]bool     `json:"credentials"`
	ServiceAccount   map[string]any      `json:"serviceAccount"`
	Schedules        map[string]schedule `json:"schedules"`
	NodeSelector     map[string]string   `json:"nodeSelector,omitempty"`
	Tolerations      []map[string]string `json:"tolerations,omitempty"`
	Resources        resources           `json:"resources"`
}

type imageValues struct {
	Repository string `json:"repository"`
	Tag        string `json:"tag"`
}

type initContainer struct {
	Name         string              `json:"name"`
	Image        string              `json:"image"`
	VolumeMounts []map[string]string `json:"volumeMounts"`
}

type veleroConfiguration struct {
	BackupStorageLocation  []storageLocation `json:"backupStorageLocation"`
	VolumeSnapshotLocation []any             `json:"volumeSnapshotLocation"`
}

type storageLocation struct {
	Name     string            `json:"name"`
	Provider string            `json:"provider"`
	Bucket   string            `json:"bucket"`
	Prefix   string            `json:"prefix"`
	Default  bool              `json:"default"`
	Config   map[string]string `json:"config"`
}

type schedule struct {
	Schedule string         `json:"schedule"`
	Template scheduleTemplt `json:"template"`
}

type scheduleTemplt struct {
	TTL                string   `json:"ttl"`
	IncludedNamespaces []string `json:"includedNamespaces"`
	SnapshotVolumes    bool     `json:"snapshotVolumes"`
}

type resources struct {
	Requests map[string]string `json:"requests"`
	Limits   map[string]string `json:"limits"`
}

// Velero's server: one replica (the chart's default, which the values leave alone) on the
// monitoring pool, with these requests (the chart values and Footprints both read them).
const (
	veleroReplicas  = 1
	veleroCPUMilli  = 100
	veleroMemoryMiB = 256
)

// Footprints are what the backup component schedules, from its Args alone (the composition sums
// them before the cluster is built): Velero's server on the monitoring pool, where the wiring places
// it (VeleroArgs.NodeSelector); nothing without a cluster.
func (a Args) Footprints() []footprint.Footprint {
	if a.Velero == nil {
		return nil
	}
	return []footprint.Footprint{{Tier: config.TierMonitoring, Name: a.Velero.Namespace + "/velero", Replicas: veleroReplicas,
		CPUMilli: veleroCPUMilli, MemoryMiB: veleroMemoryMiB, Source: "backup"}}
}

// image is a pinned image through the registries, as the chart's repository and tag.
func image(reg config.Registries, key string) imageValues {
	img := release.Image(reg, key)
	return imageValues{Repository: img.Repository(), Tag: img.Tag()}
}

// velero installs Velero backing up every namespace's objects to the stack's backup bucket. Volumes
// are AWS Backup's job (snapshots off), so Velero needs S3 only: its role may touch its own prefix.
func (b *builder) velero() error {
	v := b.args.Velero
	if v == nil {
		b.c.VeleroRoleARN = pulumi.String("").ToStringOutput()
		return nil
	}
	ctx, env, t := b.ctx, b.args.Env, b.args.Topology
	bucketARN := env.ARN("s3", "", "", t.VeleroBucket)
	policy, err := kitiam.Document(
		kitiam.Statement{Effect: "Allow", Action: "s3:ListBucket", Resource: bucketARN,
			Condition: map[string]map[string]any{"StringLike": {"s3:prefix": []string{t.VeleroPrefix, t.VeleroPrefix + "/*"}}}},
		kitiam.Statement{Effect: "Allow", Action: []string{"s3:GetObject", "s3:PutObject", "s3:DeleteObject",
			"s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"}, Resource: bucketARN + "/" + t.VeleroPrefix + "/*"},
		// The bucket encrypts with the backup key; Velero may use it only through S3 in this region.
		kitiam.Statement{Effect: "Allow", Action: []string{"kms:GenerateDataKey", "kms:Decrypt"}, Resource: "*",
			Condition: map[string]map[string]any{"StringEquals": {"kms:ViaService": "s3." + env.Region + "." + env.DNSSuffix}}},
	)
	if err != nil {
		return err
	}
	opts := []pulumi.ResourceOption{pulumi.Parent(b.c), pulumi.Provider(env.Provider)}
	role, perms, err := kitiam.NewServiceAccountRole(ctx, b.name+"-velero", kitiam.ServiceAccountRoleArgs{
		Description:     "Velero (IRSA): Kubernetes object backups",
		OIDCProviderARN: v.OIDCProviderARN, OIDCIssuer: v.OIDCIssuer,
		Namespace: v.Namespace, ServiceAccount: VeleroServiceAcct, Policy: pulumi.String(policy),
		Tags: pulumi.StringMap{kitiam.ServiceAccountTag: pulumi.String(v.Namespace + "/" + VeleroServiceAcct)},
	}, opts...)
	if err != nil {
		return err
	}
	b.c.VeleroRoleARN = role.Arn

	values := role.Arn.ApplyT(func(arn string) (map[string]any, error) {
		vals := veleroValues{
			Image:          image(v.Registries, pins.ImageVelero),
			InitContainers: []initContainer{{Name: "velero-plugin-for-aws", Image: v.Registries.Image(pins.Ref(pins.ImageVeleroPluginAWS)), VolumeMounts: []map[string]string{{"mountPath": "/target", "name": "plugins"}}}},
			Configuration: veleroConfiguration{
				BackupStorageLocation: []storageLocation{{Name: "default", Provider: "aws", Bucket: t.VeleroBucket, Prefix: t.VeleroPrefix,
					Default: true, Config: map[string]string{"region": env.Region}}},
				VolumeSnapshotLocation: []any{},
			},
			SnapshotsEnabled: false, DeployNodeAgent: false,
			Credentials: map[string]bool{"useSecret": false},
			ServiceAccount: map[string]any{"server": map[string]any{"create": true, "name": VeleroServiceAcct,
				"annotations": map[string]string{"eks.amazonaws.com/role-arn": arn}}},
			Schedules: map[string]schedule{"daily": {Schedule: b.args.Config.VeleroSchedule, Template: scheduleTemplt{
				TTL: durationHours(b.args.Config.VeleroTTLHours), IncludedNamespaces: []string{"*"}, SnapshotVolumes: false}}},
			NodeSelector: v.NodeSelector, Tolerations: v.Tolerations,
			Resources: resources{Requests: map[string]string{"cpu": fmt.Sprintf("%dm", veleroCPUMilli), "memory": fmt.Sprintf("%dMi", veleroMemoryMiB)}, Limits: map[string]string{"memory": "512Mi"}},
		}
		return release.Plain(vals)
	}).(pulumi.MapOutput)

	// Velero writes to the bucket until it is uninstalled: it depends on the bucket where this stack
	// creates it, and on its permissions, so that a destroy removes Velero first and the bucket,
	// emptied by forceDestroy, gets no new backup between emptying and deletion (the engine deletes
	// dependents first).
	deps := append([]pulumi.Resource{perms}, v.DependsOn...)
	if bucket, ok := b.bucket[t.VeleroBucket]; ok {
		deps = append(deps, bucket)
	}
	// The namespace is the cluster component's (with its Pod Security labels), in DependsOn.
	_, _, err = release.New(ctx, b.name+"-velero", release.Args{Release: pins.ReleaseVelero, Namespace: v.Namespace,
		Registries: v.Registries, Values: values}, pulumi.Parent(b.c), pulumi.Provider(v.Provider), pulumi.DependsOn(deps))
	return err
}

func durationHours(h int) string { return fmt.Sprintf("%dh", h) }
