package tests

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/plan"
	"github.com/suoke-life/suoke-platform/infra/policy"
)

const (
	typeCNPGCluster = "kubernetes:postgresql.cnpg.io/v1:Cluster"
	typeObjectStore = "kubernetes:barmancloud.cnpg.io/v1:ObjectStore"
	typeReplication = "aws:s3/bucketReplicationConfig:BucketReplicationConfig"
)

// location is a barman archive: the object store's destination path and the server name (folder).
type location struct{ Path, Server string }

func (l location) String() string { return l.Path + l.Server + "/" }

func path(m map[string]any, keys ...string) any {
	var cur any = m
	for _, k := range keys {
		mm, _ := cur.(map[string]any)
		cur = mm[k]
	}
	return cur
}

// bucketRegions are the regions in which the graph creates a bucket of that name.
func bucketRegions(g *plan.Graph, name string) []string {
	providers := providerRegions(g)
	var out []string
	for _, r := range g.Resources {
		if r.Type == "aws:s3/bucketV2:BucketV2" && r.Inputs["bucket"] == name {
			out = append(out, regionOf(g, r, providers))
		}
	}
	return out
}

func objectStores(g *plan.Graph) map[string]string {
	out := map[string]string{}
	for i := range g.Resources {
		r := &g.Resources[i]
		if r.Type == typeObjectStore {
			name, _ := path(r.Inputs, "metadata", "name").(string)
			dest, _ := path(r.Inputs, "spec", "configuration", "destinationPath").(string)
			out[name] = dest
		}
	}
	return out
}

func cnpgCluster(t *testing.T, g *plan.Graph) map[string]any {
	for i := range g.Resources {
		if g.Resources[i].Type == typeCNPGCluster {
			return g.Resources[i].Inputs
		}
	}
	require.Fail(t, "no CloudNativePG Cluster in the graph of "+g.Stack)
	return nil
}

// writes is where a stack's PostgreSQL archives: its WAL-archiver plugin's object store and server.
func writes(t *testing.T, g *plan.Graph) location {
	stores := objectStores(g)
	plugins, _ := path(cnpgCluster(t, g), "spec", "plugins").([]any)
	for _, p := range plugins {
		pm, _ := p.(map[string]any)
		if pm["isWALArchiver"] == true {
			store, _ := path(pm, "parameters", "barmanObjectName").(string)
			server, _ := path(pm, "parameters", "serverName").(string)
			return location{Path: stores[store], Server: server}
		}
	}
	require.Fail(t, "no WAL archiver in "+g.Stack)
	return location{}
}

// reads is what a stack's PostgreSQL bootstraps and follows from: its recovery source's object store.
func reads(t *testing.T, g *plan.Graph) location {
	c := cnpgCluster(t, g)
	source, _ := path(c, "spec", "bootstrap", "recovery", "source").(string)
	require.NotEmpty(t, source, "%s does not bootstrap from a backup", g.Stack)
	ext, _ := path(c, "spec", "externalClusters").([]any)
	stores := objectStores(g)
	for _, e := range ext {
		em, _ := e.(map[string]any)
		if em["name"] == source {
			store, _ := path(em, "plugin", "parameters", "barmanObjectName").(string)
			server, _ := path(em, "plugin", "parameters", "serverName").(string)
			return location{Path: stores[store], Server: server}
		}
	}
	require.Fail(t, "recovery source "+source+" is not an external cluster")
	return location{}
}

// replicatedTo lists where S3 replication copies a written location: the buckets its replication
// rules send the archive's prefix to.
func replicatedTo(g *plan.Graph, w location) []location {
	bucket := strings.TrimSuffix(strings.TrimPrefix(w.Path, "s3://"), "/")
	var out []location
	for i := range g.Resources {
		r := &g.Resources[i]
		if r.Type != typeReplication || policy.Str(r, "bucket") != bucket {
			continue
		}
		for _, rule := range policy.List(r, "rules") {
			m, _ := rule.(map[string]any)
			prefix, _ := path(m, "filter", "prefix").(string)
			arn, _ := path(m, "destination", "bucket").(string)
			if strings.HasPrefix(w.Server+"/", prefix) {
				out = append(out, location{Path: "s3://" + arn[strings.LastIndex(arn, ":")+1:] + "/", Server: w.Server})
			}
		}
	}
	return out
}

// external is the archive behind one of a cluster's external clusters.
func external(t *testing.T, g *plan.Graph, name string) location {
	ext, _ := path(cnpgCluster(t, g), "spec", "externalClusters").([]any)
	stores := objectStores(g)
	for _, e := range ext {
		em, _ := e.(map[string]any)
		if em["name"] == name {
			store, _ := path(em, "plugin", "parameters", "barmanObjectName").(string)
			server, _ := path(em, "plugin", "parameters", "serverName").(string)
			return location{Path: stores[store], Server: server}
		}
	}
	require.Fail(t, "no external cluster "+name+" in "+g.Stack)
	return location{}
}

// follows is what a replica cluster replays continuously: its replica source's archive.
func follows(t *testing.T, g *plan.Graph) location {
	source, _ := path(cnpgCluster(t, g), "spec", "replica", "source").(string)
	require.NotEmpty(t, source, "%s is not in a replica topology", g.Stack)
	return external(t, g, source)
}

// checkDRReadsWhatProdWrites is the consistency check: prod-dr reads exactly what prod writes, either
// directly or as the S3 replica of it: its bootstrap source, and (standby) the archive it replays.
func checkDRReadsWhatProdWrites(t *testing.T, prod, dr *plan.Graph) error {
	w := writes(t, prod)
	same := func(r location) bool {
		if w == r {
			return true
		}
		for _, copyOf := range replicatedTo(prod, w) {
			if copyOf == r {
				return true
			}
		}
		return false
	}
	if r := reads(t, dr); !same(r) {
		return fmt.Errorf("prod writes %s (replicated to %v) but prod-dr restores from %s", w, replicatedTo(prod, w), r)
	}
	if src, _ := path(cnpgCluster(t, dr), "spec", "replica", "source").(string); src != "" {
		if r := follows(t, dr); !same(r) {
			return fmt.Errorf("prod writes %s (replicated to %v) but prod-dr replays %s", w, replicatedTo(prod, w), r)
		}
	}
	return nil
}

// bucketRegion is the region in a backup bucket's name (suoke-<family>-backup-<account>-<region>).
func bucketRegion(l location) string {
	b := strings.TrimSuffix(strings.TrimPrefix(l.Path, "s3://"), "/")
	for _, r := range []string{"cn-northwest-1", "cn-north-1"} {
		if strings.HasSuffix(b, "-"+r) {
			return r
		}
	}
	return "unknown region of " + b
}

// checkWritesInOwnRegion: a stack's PostgreSQL archives (its WAL and base backups: what the
// primary must get rid of before its WAL volume fills) only in the stack's own region, so no
// other region's reachability can stop it.
func checkWritesInOwnRegion(t *testing.T, g *plan.Graph, region string) error {
	if w := writes(t, g); bucketRegion(w) != region {
		return fmt.Errorf("%s archives WAL to %s, in %s: its primary stops when that region cannot be reached and pg_wal fills", g.Stack, w, bucketRegion(w))
	}
	return nil
}

func TestProdDRRestoresWhatProdWrites(t *testing.T) {
	prod, _ := record(t, "prod")
	dr, _ := record(t, "prod-dr")
	require.NoError(t, checkDRReadsWhatProdWrites(t, prod, dr))
	bucket := strings.TrimSuffix(strings.TrimPrefix(writes(t, prod).Path, "s3://"), "/")
	assert.Equal(t, []string{prod.Region}, bucketRegions(prod, bucket), "standby: prod archives in a bucket it creates, in its own region")
	assert.Equal(t, writes(t, prod), follows(t, dr), "the standby replays prod's own archive, where prod writes it")
	assert.Equal(t, "cn-north-1", bucketRegion(reads(t, dr)), "and bootstraps from the copy in its own region")
	own := writes(t, dr)
	assert.NotEqual(t, reads(t, dr).Server, own.Server, "prod-dr archives to its own, empty folder")

	// Either side drifting breaks the check.
	for _, drift := range []struct {
		name string
		edit func(g *plan.Graph)
		on   *plan.Graph
	}{
		{"prod's object store moves", func(g *plan.Graph) { setStorePath(g, "s3://somewhere-else/") }, prod},
		{"prod-dr reads another server", func(g *plan.Graph) { setExternalServer(g, "staging") }, dr},
		{"prod-dr replays another archive", func(g *plan.Graph) { setReplicaSource(g, "dr") }, dr},
	} {
		p, d := clone(prod), clone(dr)
		if drift.on == prod {
			drift.edit(p)
		} else {
			drift.edit(d)
		}
		assert.Error(t, checkDRReadsWhatProdWrites(t, p, d), drift.name)
	}
}

// TestRebuildModeReadsTheReplica: in rebuild mode prod archives in its own region and prod-dr reads
// the S3 replica; dropping the replication breaks the pair.
func TestRebuildModeReadsTheReplica(t *testing.T) {
	rebuild := func(stack string) *plan.Graph {
		sc, err := plan.LoadStackConfig(projectDir, stack)
		require.NoError(t, err)
		sc.Values[config.Namespace+":"+config.KeyBackup] = `{"drMode": "rebuild"}`
		g, err := plan.RecordConfig(sc)
		require.NoError(t, err)
		return g
	}
	prod, dr := rebuild("prod"), rebuild("prod-dr")
	assert.Contains(t, writes(t, prod).Path, "cn-northwest-1", "rebuild: prod archives in its own region")
	require.NoError(t, checkDRReadsWhatProdWrites(t, prod, dr))

	noRepl := clone(prod)
	var kept []plan.Resource
	for _, r := range noRepl.Resources {
		if r.Type != typeReplication {
			kept = append(kept, r)
		}
	}
	noRepl.Resources = kept
	assert.Error(t, checkDRReadsWhatProdWrites(t, noRepl, dr))
}

// recordWith records a stack with its backup key replaced.
func recordWith(t *testing.T, stack, backupJSON string) *plan.Graph {
	t.Helper()
	sc, err := plan.LoadStackConfig(projectDir, stack)
	require.NoError(t, err)
	sc.Values[config.Namespace+":"+config.KeyBackup] = backupJSON
	g, err := plan.RecordConfig(sc)
	require.NoError(t, err)
	return g
}

// TestProdArchivesOnlyInItsOwnRegion: whatever the DR mode and whichever cluster is primary, prod's
// PostgreSQL writes its WAL in prod's region, so an unreachable DR region cannot fill its WAL volume.
func TestProdArchivesOnlyInItsOwnRegion(t *testing.T) {
	for _, backup := range []string{`{}`, `{"drMode": "rebuild"}`, `{"postgresPrimary": "dr"}`} {
		prod := recordWith(t, "prod", backup)
		require.NoError(t, checkWritesInOwnRegion(t, prod, "cn-northwest-1"), backup)
	}
	prod, _ := record(t, "prod")
	moved := clone(prod)
	setStorePath(moved, "s3://"+config.BackupBucketName(config.EnvProd, plan.MockAccountID, "cn-north-1")+"/")
	assert.Error(t, checkWritesInOwnRegion(t, moved, "cn-northwest-1"), "prod archiving to the DR region's bucket is refused")
}

// role is a cluster's place in the distributed topology: primary when self names it.
func role(t *testing.T, g *plan.Graph) string {
	r, _ := path(cnpgCluster(t, g), "spec", "replica").(map[string]any)
	require.NotNil(t, r, "%s is in no topology", g.Stack)
	if r["self"] == r["primary"] {
		return "primary"
	}
	return "replica of " + fmt.Sprint(r["primary"])
}

// TestDRPromotionIsConfig: promoting prod-dr is config, and a second plan with the same config keeps
// it the primary (the `kubectl patch` the program used to undo); prod then follows prod-dr.
func TestDRPromotionIsConfig(t *testing.T) {
	promoted := `{"postgresPrimary": "dr"}`
	for i := range 2 {
		dr := recordWith(t, "prod-dr", promoted)
		assert.Equal(t, "primary", role(t, dr), "plan %d", i+1)
		assert.Empty(t, path(cnpgCluster(t, dr), "spec", "replica", "promotionToken"), "a failover: no token")
		assert.Nil(t, path(cnpgCluster(t, dr), "spec", "replica", "enabled"), "never the standalone flag, whose promotion is irreversible")
	}
	prod := recordWith(t, "prod", promoted)
	assert.Equal(t, "replica of dr", role(t, prod), "a returning prod cannot accept writes beside the promoted copy")
	assert.Equal(t, "dr", path(cnpgCluster(t, prod), "spec", "bootstrap", "recovery", "source"), "prod is re-cloned from prod-dr")
	drW := writes(t, recordWith(t, "prod-dr", promoted))
	assert.Equal(t, drW, follows(t, prod), "prod replays prod-dr's archive where prod-dr writes it")
	require.NoError(t, checkWritesInOwnRegion(t, prod, "cn-northwest-1"))

	// The normal config is the other way round.
	dr, _ := record(t, "prod-dr")
	assert.Equal(t, "replica of prod", role(t, dr))
}

// TestFailBackIsConfig: the fail-back config (prod primary again, with prod-dr's demotion token)
// makes prod-dr a replica again and promotes prod by the token (a controlled switchover).
func TestFailBackIsConfig(t *testing.T) {
	const token = "eyJzeXN0ZW1JRCI6IjczIn0="
	back := `{"postgresPrimary": "prod", "promotionToken": "` + token + `"}`
	dr := recordWith(t, "prod-dr", back)
	assert.Equal(t, "replica of prod", role(t, dr))
	assert.Empty(t, path(cnpgCluster(t, dr), "spec", "replica", "promotionToken"), "the demoted side takes no token")
	prod := recordWith(t, "prod", back)
	assert.Equal(t, "primary", role(t, prod))
	assert.Equal(t, token, path(cnpgCluster(t, prod), "spec", "replica", "promotionToken"), "promoted only once it has replayed to the token's LSN")
	assert.Equal(t, "dr", path(cnpgCluster(t, prod), "spec", "bootstrap", "recovery", "source"), "prod keeps the re-clone's bootstrap")
	require.NoError(t, checkDRReadsWhatProdWrites(t, prod, dr))
}

func clone(g *plan.Graph) *plan.Graph {
	c := *g
	c.Resources = append([]plan.Resource(nil), g.Resources...)
	return &c
}

func setStorePath(g *plan.Graph, dest string) {
	for i := range g.Resources {
		if g.Resources[i].Type == typeObjectStore {
			g.Resources[i].Inputs = map[string]any{"metadata": g.Resources[i].Inputs["metadata"],
				"spec": map[string]any{"configuration": map[string]any{"destinationPath": dest}}}
		}
	}
}

func setExternalServer(g *plan.Graph, server string) {
	for i := range g.Resources {
		r := &g.Resources[i]
		if r.Type != typeCNPGCluster {
			continue
		}
		spec, _ := r.Inputs["spec"].(map[string]any)
		ext, _ := spec["externalClusters"].([]any)
		var out []any
		for _, e := range ext {
			em, _ := e.(map[string]any)
			params, _ := path(em, "plugin", "parameters").(map[string]any)
			np := map[string]any{"barmanObjectName": params["barmanObjectName"], "serverName": server}
			out = append(out, map[string]any{"name": em["name"], "plugin": map[string]any{"name": path(em, "plugin", "name"), "parameters": np}})
		}
		newSpec := map[string]any{}
		for k, v := range spec {
			newSpec[k] = v
		}
		newSpec["externalClusters"] = out
		r.Inputs = map[string]any{"metadata": r.Inputs["metadata"], "spec": newSpec}
	}
}

// setReplicaSource points a cluster's replica stanza at another external cluster.
func setReplicaSource(g *plan.Graph, source string) {
	for i := range g.Resources {
		r := &g.Resources[i]
		if r.Type != typeCNPGCluster {
			continue
		}
		spec, _ := r.Inputs["spec"].(map[string]any)
		newSpec := map[string]any{}
		for k, v := range spec {
			newSpec[k] = v
		}
		rep := map[string]any{}
		for k, v := range spec["replica"].(map[string]any) {
			rep[k] = v
		}
		rep["source"] = source
		newSpec["replica"] = rep
		r.Inputs = map[string]any{"metadata": r.Inputs["metadata"], "spec": newSpec}
	}
}

// TestDRStatesRPOAndRTO: prod-dr exports its RPO and RTO, the standby within the targets.
func TestDRStatesRPOAndRTO(t *testing.T) {
	dr, _ := record(t, "prod-dr")
	rpo, ok := dr.Outputs["rpoMinutes"].(float64)
	require.True(t, ok, "rpoMinutes exported: %v", dr.Outputs["rpoMinutes"])
	rto, ok := dr.Outputs["rtoMinutes"].(float64)
	require.True(t, ok, "rtoMinutes exported: %v", dr.Outputs["rtoMinutes"])
	assert.LessOrEqual(t, rpo, 5.0)
	assert.Less(t, rto, 60.0)
	assert.Equal(t, "standby", dr.Outputs["drMode"])
	assert.Equal(t, "prod", dr.Outputs["postgresPrimary"])

	// The WAL volume's headroom is stated: 20 GiB at the default 1 GiB an hour.
	prod, _ := record(t, "prod")
	assert.Equal(t, 20.0, prod.Outputs["walHeadroomHours"])
}

// TestBackedUpVolumesAreSelected: AWS Backup selects volumes by a tag whose value is the stack's
// name, and every storage class puts exactly that tag on the volumes it provisions, in every stack.
func TestBackedUpVolumesAreSelected(t *testing.T) {
	for _, stack := range []string{"prod", "staging", "prod-dr"} {
		t.Run(stack, func(t *testing.T) {
			g, _ := record(t, stack)
			want := config.BackupVolumeTag + "=" + stack
			var selected []string
			classes := 0
			for i := range g.Resources {
				r := &g.Resources[i]
				switch r.Type {
				case "aws:backup/selection:Selection":
					for _, c := range policy.List(r, "conditions") {
						eqs, _ := path(c.(map[string]any), "stringEquals").([]any)
						for _, e := range eqs {
							m, _ := e.(map[string]any)
							selected = append(selected, fmt.Sprintf("%v=%v", strings.TrimPrefix(fmt.Sprint(m["key"]), "aws:ResourceTag/"), m["value"]))
						}
					}
					assert.Empty(t, policy.List(r, "selectionTags"), "ListOfTags would be ORed with the stack's condition")
				case "kubernetes:storage.k8s.io/v1:StorageClass":
					classes++
					tag, _ := path(r.Inputs, "parameters", "tagSpecification_1").(string)
					assert.Equal(t, want, tag, r.Name)
				}
			}
			assert.Equal(t, []string{want}, selected)
			assert.Equal(t, 2, classes)
		})
	}
}

// recordAfter records a stack with its backup key replaced, as an up after earlier ups that
// recorded these outputs (by stack name: this stack's own, and the pair's other one).
func recordAfter(stack, backupJSON string, recorded map[string][2]any) (*plan.Graph, error) {
	sc, err := plan.LoadStackConfig(projectDir, stack)
	if err != nil {
		return nil, err
	}
	sc.Values[config.Namespace+":"+config.KeyBackup] = backupJSON
	sc.StackOutputs = map[string]map[string]any{}
	for name, r := range recorded {
		sc.StackOutputs["organization/suoke-platform/"+name] = map[string]any{"postgresPrimary": r[0], "postgresPrimaryEpoch": r[1]}
	}
	return plan.RecordConfig(sc)
}

// TestUpNeverUndoesAPromotion runs the DR runbook's ups in order against what the earlier ups
// recorded: a promoted prod-dr stays the primary on later ups, the commit from before the failover
// cannot demote it or make prod a second primary, and the fail-back goes through config.
func TestUpNeverUndoesAPromotion(t *testing.T) {
	// Failover: prod-dr promoted in epoch 2 (prod's record is from before: prod, 1).
	promoted := `{"postgresPrimary": "dr", "primaryEpoch": 2}`
	dr, err := recordAfter("prod-dr", promoted, map[string][2]any{"prod-dr": {"prod", 1.0}, "prod": {"prod", 1.0}})
	require.NoError(t, err)
	assert.Equal(t, "primary", role(t, dr))
	assert.Equal(t, 2, dr.Outputs["postgresPrimaryEpoch"], "the epoch is recorded for the next up")
	// Its second up, now that it recorded dr in epoch 2, keeps it the primary.
	dr, err = recordAfter("prod-dr", promoted, map[string][2]any{"prod-dr": {"dr", 2.0}, "prod": {"prod", 1.0}})
	require.NoError(t, err)
	assert.Equal(t, "primary", role(t, dr))

	// The commit from before the failover, deployed again to prod-dr: refused, nothing registered.
	_, err = recordAfter("prod-dr", `{}`, map[string][2]any{"prod-dr": {"dr", 2.0}, "prod": {"prod", 1.0}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "backup.primaryEpoch: Invalid value: 1")
	// ... and to prod when Ningxia is back: a second primary. Refused.
	_, err = recordAfter("prod", `{}`, map[string][2]any{"prod": {"prod", 1.0}, "prod-dr": {"dr", 2.0}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "behind the pair's other stack")
	// prod with the promoted config rejoins as prod-dr's replica.
	prod, err := recordAfter("prod", promoted, map[string][2]any{"prod": {"prod", 1.0}, "prod-dr": {"dr", 2.0}})
	require.NoError(t, err)
	assert.Equal(t, "replica of dr", role(t, prod))

	// Fail-back: prod-dr demoted in epoch 3, then prod promoted with prod-dr's token.
	const token = "eyJzeXN0ZW1JRCI6IjczIn0="
	demoted := `{"postgresPrimary": "prod", "primaryEpoch": 3}`
	dr, err = recordAfter("prod-dr", demoted, map[string][2]any{"prod-dr": {"dr", 2.0}, "prod": {"dr", 2.0}})
	require.NoError(t, err)
	assert.Equal(t, "replica of prod", role(t, dr))
	back := `{"postgresPrimary": "prod", "primaryEpoch": 3, "promotionToken": "` + token + `"}`
	_, err = recordAfter("prod", back, map[string][2]any{"prod": {"dr", 2.0}, "prod-dr": {"dr", 2.0}})
	require.Error(t, err, "the token before prod-dr recorded its demotion")
	assert.Contains(t, err.Error(), "backup.promotionToken")
	prod, err = recordAfter("prod", back, map[string][2]any{"prod": {"dr", 2.0}, "prod-dr": {"prod", 3.0}})
	require.NoError(t, err)
	assert.Equal(t, "primary", role(t, prod))
	assert.Equal(t, token, path(cnpgCluster(t, prod), "spec", "replica", "promotionToken"))
}
