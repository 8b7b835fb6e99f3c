package config

import (
	"encoding/json"
	"fmt"
	"net/mail"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// KeyMonitoring is the monitoring section's key: Prometheus, Alertmanager receivers, logs, traces.
const KeyMonitoring = "monitoring"

// Fields of the monitoring object.
const (
	FieldRetention             = "retention"
	FieldPrometheusStorageGiB  = "storageGiB"
	FieldPrometheusReplicas    = "prometheusReplicas"
	FieldAlertmanagerReplicas  = "alertmanagerReplicas"
	FieldLogIndexRetentionDays = "logRetentionDays"
	FieldTraceSampling         = "traceSampling"
	FieldTraceRetentionDays    = "traceRetentionDays"
	FieldRunbookBaseURL        = "runbookBaseUrl"
	FieldOpenSearch            = "opensearch"
	FieldReceivers             = "receivers"
	FieldDeadMansSwitchURL     = "deadMansSwitchUrl"

	FieldInstanceCount = "instanceCount"
	FieldMasterType    = "masterType"
	FieldMasterCount   = "masterCount"
	FieldVolumeGiB     = "volumeGiB"

	FieldOnCall    = "oncall"
	FieldTeam      = "team"
	FieldTicket    = "ticket"
	FieldSMTP      = "smtp"
	FieldWebhooks  = "webhooks"
	FieldEmails    = "emails"
	FieldKind      = "kind"
	FieldURL       = "url"
	FieldSmarthost = "smarthost"
	FieldFrom      = "from"
	FieldUsername  = "username"
	FieldPassword  = "password"
)

// Defaults of the monitoring section (source: the deployment automation's Prometheus settings, 30
// days and 50Gi; the operations plan's 30-day log retention).
const (
	DefaultRetention             = "30d"
	DefaultStorageGiB            = 50
	DefaultPrometheusReplicas    = 2
	DefaultAlertmanagerReplicas  = 2
	DefaultLogIndexRetentionDays = 30
	DefaultTraceSampling         = 0.1
	DefaultTraceRetentionDays    = 14
	DefaultRunbookBaseURL        = "https://runbooks.suoke.life/alerts"
	DefaultOpenSearchVersion     = "OpenSearch_2.19"
)

// Secret is a config value that must never be printed: receiver URLs and addresses. It prints and
// marshals as "[secret]"; Reveal returns the value for the one place that needs it (the rendered
// Alertmanager config, itself handed on as a Pulumi secret).
type Secret string

// SecretPlaceholder is what a secure config value reads as where it is not decrypted (the offline
// plan reads stack files with a blinding decrypter).
const SecretPlaceholder = "[secret]"

func (s Secret) String() string                { return SecretPlaceholder }
func (s Secret) MarshalJSON() ([]byte, error)  { return json.Marshal(SecretPlaceholder) }
func (s Secret) Reveal() string                { return string(s) }
func (s Secret) IsPlaceholder() bool           { return string(s) == SecretPlaceholder }
func (s Secret) GoString() string              { return `config.Secret("[secret]")` }
func (s Secret) Format(f fmt.State, verb rune) { _, _ = f.Write([]byte(SecretPlaceholder)) }

// WebhookKind says what a webhook receiver is: a DingTalk or WeCom robot (through a bridge that turns
// Alertmanager's payload into theirs), an SMS or voice gateway, a ticket system, or anything else
// that takes Alertmanager's webhook payload.
type WebhookKind string

const (
	WebhookDingTalk WebhookKind = "dingtalk"
	WebhookWeCom    WebhookKind = "wecom"
	WebhookSMS      WebhookKind = "sms"
	WebhookVoice    WebhookKind = "voice"
	WebhookTicket   WebhookKind = "ticket"
	WebhookGeneric  WebhookKind = "generic"
)

// AllWebhookKinds lists the webhook kinds.
func AllWebhookKinds() []string {
	return []string{string(WebhookDingTalk), string(WebhookWeCom), string(WebhookSMS), string(WebhookVoice), string(WebhookTicket), string(WebhookGeneric)}
}

// Webhook is one webhook receiver.
type Webhook struct {
	Kind WebhookKind
	URL  Secret
}

// ReceiverTargets are where one receiver group sends.
type ReceiverTargets struct {
	Webhooks []Webhook
	Emails   []Secret
}

// Empty reports whether the group sends nowhere.
func (t ReceiverTargets) Empty() bool { return len(t.Webhooks) == 0 && len(t.Emails) == 0 }

// SMTP is the mail relay for email receivers.
type SMTP struct {
	Smarthost Secret
	From      Secret
	Username  Secret
	Password  Secret
}

// Receivers are the Alertmanager receivers of the alert routing: P0 pages on-call, P1 tells the team,
// P2 and P3 open tickets.
type Receivers struct {
	OnCall ReceiverTargets
	Team   ReceiverTargets
	Ticket ReceiverTargets
	SMTP   SMTP
}

// OpenSearch is the log store's domain.
type OpenSearch struct {
	InstanceType  string
	InstanceCount int
	// MasterType and MasterCount are the dedicated master nodes; MasterCount 0 means none.
	MasterType    string
	MasterCount   int
	VolumeGiB     int
	EngineVersion string
}

// Monitoring is the monitoring section.
type Monitoring struct {
	// Retention is how long Prometheus keeps samples, a Prometheus duration ("30d").
	Retention            string
	StorageGiB           int
	PrometheusReplicas   int
	AlertmanagerReplicas int
	LogRetentionDays     int
	// LogArchiveDays is how long the S3 archive of the same logs keeps them: not a field of the key,
	// it follows logRetentionMinimumDays (retention.go).
	LogArchiveDays int
	// TraceSampling is the share of traces the collector keeps, from 0 (exclusive) to 1.
	TraceSampling      float64
	TraceRetentionDays int
	RunbookBaseURL     string
	OpenSearch         OpenSearch
	Receivers          Receivers
	DeadMansSwitchURL  Secret
}

// openSearchTypes are the OpenSearch Service instance types the program offers, with their size.
// Source: "Supported instance types in Amazon OpenSearch Service" (docs.amazonaws.cn, current
// generation: M5, M6g, R5, R6g, C6g are listed for the China regions; read 2026-11-25). T2/T3 are left
// out: they are not for production, and T2 lacks encryption at rest, which the policies require.
var openSearchTypes = map[string]struct {
	VCPU      int
	MemoryGiB int
}{
	"m5.large.search": {2, 8}, "m5.xlarge.search": {4, 16}, "m5.2xlarge.search": {8, 32},
	"m6g.large.search": {2, 8}, "m6g.xlarge.search": {4, 16}, "m6g.2xlarge.search": {8, 32},
	"r5.large.search": {2, 16}, "r5.xlarge.search": {4, 32}, "r5.2xlarge.search": {8, 64},
	"r6g.large.search": {2, 16}, "r6g.xlarge.search": {4, 32}, "r6g.2xlarge.search": {8, 64},
	"c6g.large.search": {2, 4}, "c6g.xlarge.search": {4, 8},
}

// OpenSearchTypeNames lists the catalog's OpenSearch types, sorted.
func OpenSearchTypeNames() []string {
	out := make([]string, 0, len(openSearchTypes))
	for k := range openSearchTypes {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// openSearchVersions are the engine versions offered (OpenSearch Service "Supported versions",
// read 2026-11-25).
var openSearchVersions = []string{"OpenSearch_2.13", "OpenSearch_2.15", "OpenSearch_2.17", "OpenSearch_2.19"}

// DefaultMonitoring is the production default: two Prometheus and Alertmanager replicas, 30 days in
// 50Gi, logs in a three-node domain with three dedicated masters, 10% of traces.
func DefaultMonitoring() Monitoring {
	return Monitoring{
		Retention: DefaultRetention, StorageGiB: DefaultStorageGiB,
		PrometheusReplicas: DefaultPrometheusReplicas, AlertmanagerReplicas: DefaultAlertmanagerReplicas,
		LogRetentionDays: DefaultLogIndexRetentionDays, TraceSampling: DefaultTraceSampling, TraceRetentionDays: DefaultTraceRetentionDays,
		RunbookBaseURL: DefaultRunbookBaseURL, LogArchiveDays: DefaultLogRetentionMinimumDays,
		OpenSearch: OpenSearch{InstanceType: "r6g.large.search", InstanceCount: 3, MasterType: "m6g.large.search", MasterCount: 3,
			VolumeGiB: 100, EngineVersion: DefaultOpenSearchVersion},
	}
}

func monitoringJSON(m Monitoring) map[string]any {
	return map[string]any{
		FieldRetention: m.Retention, FieldPrometheusStorageGiB: m.StorageGiB,
		FieldPrometheusReplicas: m.PrometheusReplicas, FieldAlertmanagerReplicas: m.AlertmanagerReplicas,
		FieldLogIndexRetentionDays: m.LogRetentionDays, FieldTraceSampling: m.TraceSampling, FieldTraceRetentionDays: m.TraceRetentionDays,
		FieldRunbookBaseURL: m.RunbookBaseURL,
		FieldOpenSearch: map[string]any{
			FieldInstanceType: m.OpenSearch.InstanceType, FieldInstanceCount: m.OpenSearch.InstanceCount,
			FieldMasterType: m.OpenSearch.MasterType, FieldMasterCount: m.OpenSearch.MasterCount,
			FieldVolumeGiB: m.OpenSearch.VolumeGiB, FieldEngineVersion: m.OpenSearch.EngineVersion,
		},
	}
}

func monitoringSection() section {
	return section{
		keys: []KeySpec{
			{KeyMonitoring, "object", "Monitoring: {retention, storageGiB, prometheusReplicas, alertmanagerReplicas, logRetentionDays, traceSampling (0-1], traceRetentionDays, runbookBaseUrl, opensearch {instanceType, instanceCount, masterType, masterCount, volumeGiB, engineVersion}, receivers {oncall, team, ticket: {webhooks [{kind, url}], emails}, smtp}, deadMansSwitchUrl}. Set receivers and deadMansSwitchUrl with pulumi config set --secret --path. Keys given merge over the default.",
				monitoringJSON(DefaultMonitoring())},
		},
		decode:   decodeMonitoring,
		validate: []func(*Platform) field.ErrorList{validateMonitoring, validateReceivers},
	}
}

var monitoringFields = []string{FieldRetention, FieldPrometheusStorageGiB, FieldPrometheusReplicas, FieldAlertmanagerReplicas, FieldLogIndexRetentionDays,
	FieldTraceSampling, FieldTraceRetentionDays, FieldRunbookBaseURL, FieldOpenSearch, FieldReceivers, FieldDeadMansSwitchURL}

var openSearchFields = []string{FieldInstanceType, FieldInstanceCount, FieldMasterType, FieldMasterCount, FieldVolumeGiB, FieldEngineVersion}

func decodeMonitoring(d *decoder, v map[string]string, p *Platform) {
	raw, ok := v[KeyMonitoring]
	if !ok {
		return
	}
	path := field.NewPath(KeyMonitoring)
	m, ok := d.object(path, []byte(raw), monitoringFields)
	if !ok {
		return
	}
	mon := &p.Monitoring
	d.string(path, m, FieldRetention, &mon.Retention)
	d.int(path, m, FieldPrometheusStorageGiB, &mon.StorageGiB)
	d.int(path, m, FieldPrometheusReplicas, &mon.PrometheusReplicas)
	d.int(path, m, FieldAlertmanagerReplicas, &mon.AlertmanagerReplicas)
	d.int(path, m, FieldLogIndexRetentionDays, &mon.LogRetentionDays)
	d.float(path, m, FieldTraceSampling, &mon.TraceSampling)
	d.int(path, m, FieldTraceRetentionDays, &mon.TraceRetentionDays)
	d.string(path, m, FieldRunbookBaseURL, &mon.RunbookBaseURL)
	d.secret(path, m, FieldDeadMansSwitchURL, &mon.DeadMansSwitchURL)
	if raw, ok := m[FieldOpenSearch]; ok {
		op := path.Child(FieldOpenSearch)
		if os, ok := d.object(op, raw, openSearchFields); ok {
			o := &mon.OpenSearch
			d.string(op, os, FieldInstanceType, &o.InstanceType)
			d.int(op, os, FieldInstanceCount, &o.InstanceCount)
			d.string(op, os, FieldMasterType, &o.MasterType)
			d.int(op, os, FieldMasterCount, &o.MasterCount)
			d.int(op, os, FieldVolumeGiB, &o.VolumeGiB)
			d.string(op, os, FieldEngineVersion, &o.EngineVersion)
		}
	}
	if raw, ok := m[FieldReceivers]; ok {
		d.receivers(path.Child(FieldReceivers), raw, &mon.Receivers)
	}
}

func (d *decoder) float(path *field.Path, m map[string]json.RawMessage, key string, dst *float64) {
	raw, ok := m[key]
	if !ok {
		return
	}
	var f float64
	if err := json.Unmarshal(raw, &f); err != nil {
		// The CLI hands numbers set with `pulumi config set --path` as strings.
		var s string
		if json.Unmarshal(raw, &s) != nil {
			d.errs = append(d.errs, field.Invalid(path.Child(key), rawValue(raw), "must be a number"))
			return
		}
		if f, err = strconv.ParseFloat(s, 64); err != nil {
			d.errs = append(d.errs, field.Invalid(path.Child(key), s, "must be a number"))
			return
		}
	}
	*dst = f
}

func (d *decoder) secret(path *field.Path, m map[string]json.RawMessage, key string, dst *Secret) {
	var s string
	if _, ok := m[key]; !ok {
		return
	}
	before := len(d.errs)
	d.string(path, m, key, &s)
	if len(d.errs) > before {
		// Never echo a value that was meant to be secret.
		d.errs[len(d.errs)-1] = field.Invalid(path.Child(key), SecretPlaceholder, "must be a string")
		return
	}
	*dst = Secret(s)
}

var receiverFields = []string{FieldOnCall, FieldTeam, FieldTicket, FieldSMTP}
var targetFields = []string{FieldWebhooks, FieldEmails}
var webhookFields = []string{FieldKind, FieldURL}
var smtpFields = []string{FieldSmarthost, FieldFrom, FieldUsername, FieldPassword}

func (d *decoder) receivers(path *field.Path, raw json.RawMessage, r *Receivers) {
	m, ok := d.object(path, raw, receiverFields)
	if !ok {
		return
	}
	for _, g := range []struct {
		key string
		dst *ReceiverTargets
	}{{FieldOnCall, &r.OnCall}, {FieldTeam, &r.Team}, {FieldTicket, &r.Ticket}} {
		if raw, ok := m[g.key]; ok {
			d.targets(path.Child(g.key), raw, g.dst)
		}
	}
	if raw, ok := m[FieldSMTP]; ok {
		sp := path.Child(FieldSMTP)
		if s, ok := d.object(sp, raw, smtpFields); ok {
			d.secret(sp, s, FieldSmarthost, &r.SMTP.Smarthost)
			d.secret(sp, s, FieldFrom, &r.SMTP.From)
			d.secret(sp, s, FieldUsername, &r.SMTP.Username)
			d.secret(sp, s, FieldPassword, &r.SMTP.Password)
		}
	}
}

func (d *decoder) targets(path *field.Path, raw json.RawMessage, t *ReceiverTargets) {
	m, ok := d.object(path, raw, targetFields)
	if !ok {
		return
	}
	if raw, ok := m[FieldWebhooks]; ok {
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			d.errs = append(d.errs, field.Invalid(path.Child(FieldWebhooks), SecretPlaceholder, "must be a list of {kind, url} objects"))
		}
		for i, item := range items {
			ip := path.Child(FieldWebhooks).Index(i)
			w, ok := d.object(ip, item, webhookFields)
			if !ok {
				continue
			}
			var hook Webhook
			var kind string
			d.string(ip, w, FieldKind, &kind)
			hook.Kind = WebhookKind(kind)
			d.secret(ip, w, FieldURL, &hook.URL)
			t.Webhooks = append(t.Webhooks, hook)
		}
	}
	if raw, ok := m[FieldEmails]; ok {
		var emails []string
		if err := json.Unmarshal(raw, &emails); err != nil {
			d.errs = append(d.errs, field.Invalid(path.Child(FieldEmails), SecretPlaceholder, "must be a list of addresses"))
		}
		for _, e := range emails {
			t.Emails = append(t.Emails, Secret(e))
		}
	}
}

// promDuration is a Prometheus retention duration: a number and a unit (days are what matter here).
var promDuration = regexp.MustCompile(`^([0-9]+)(h|d|w|y)$`)

// retentionDuration parses a Prometheus retention such as "30d".
func retentionDuration(s string) (time.Duration, bool) {
	m := promDuration.FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	n, err := strconv.Atoi(m[1])
	if err != nil {
		return 0, false
	}
	unit := map[string]time.Duration{"h": time.Hour, "d": 24 * time.Hour, "w": 7 * 24 * time.Hour, "y": 365 * 24 * time.Hour}[m[2]]
	return time.Duration(n) * unit, true
}

// RetentionDuration is the Prometheus retention as a duration (validated config only).
func (m Monitoring) RetentionDuration() time.Duration {
	d, _ := retentionDuration(m.Retention)
	return d
}

func validateMonitoring(p *Platform) field.ErrorList {
	var errs field.ErrorList
	m := p.Monitoring
	path := field.NewPath(KeyMonitoring)
	prodLike := p.Environment.ProductionLike()

	if d, ok := retentionDuration(m.Retention); !ok {
		errs = append(errs, field.Invalid(path.Child(FieldRetention), m.Retention, `must be a whole number of h, d, w or y, such as "30d"`))
	} else if d < 24*time.Hour || d > 2*365*24*time.Hour {
		errs = append(errs, field.Invalid(path.Child(FieldRetention), m.Retention, "must be between 1d and 2y"))
	} else if prodLike && d < 30*24*time.Hour {
		errs = append(errs, field.Invalid(path.Child(FieldRetention), m.Retention,
			fmt.Sprintf("must be at least 30d when environment is %s: the SLOs' error budgets are monthly", p.Environment)))
	}
	if m.StorageGiB < 10 || m.StorageGiB > 16384 {
		errs = append(errs, field.Invalid(path.Child(FieldPrometheusStorageGiB), m.StorageGiB, "must be between 10 and 16384"))
	}
	for _, r := range []struct {
		key string
		n   int
	}{{FieldPrometheusReplicas, m.PrometheusReplicas}, {FieldAlertmanagerReplicas, m.AlertmanagerReplicas}} {
		switch {
		case r.n < 1 || r.n > 5:
			errs = append(errs, field.Invalid(path.Child(r.key), r.n, "must be between 1 and 5"))
		case prodLike && r.n < 2:
			errs = append(errs, field.Invalid(path.Child(r.key), r.n,
				fmt.Sprintf("must be at least 2 when environment is %s: one replica's restart would blind or silence the monitoring", p.Environment)))
		}
	}
	if m.LogRetentionDays < 1 || m.LogRetentionDays > 3650 {
		errs = append(errs, field.Invalid(path.Child(FieldLogIndexRetentionDays), m.LogRetentionDays, "must be between 1 and 3650"))
	}
	if m.TraceSampling <= 0 || m.TraceSampling > 1 {
		errs = append(errs, field.Invalid(path.Child(FieldTraceSampling), m.TraceSampling, "must be greater than 0 and at most 1 (the share of traces kept)"))
	}
	if m.TraceRetentionDays < 1 || m.TraceRetentionDays > 365 {
		errs = append(errs, field.Invalid(path.Child(FieldTraceRetentionDays), m.TraceRetentionDays, "must be between 1 and 365"))
	}
	if u, err := url.Parse(m.RunbookBaseURL); err != nil || u.Scheme != "https" || u.Host == "" {
		errs = append(errs, field.Invalid(path.Child(FieldRunbookBaseURL), m.RunbookBaseURL, "must be an https URL"))
	}
	errs = append(errs, validateOpenSearch(p, path.Child(FieldOpenSearch))...)
	return errs
}

func validateOpenSearch(p *Platform, path *field.Path) field.ErrorList {
	var errs field.ErrorList
	o := p.Monitoring.OpenSearch
	if _, ok := openSearchTypes[o.InstanceType]; !ok {
		errs = append(errs, field.NotSupported(path.Child(FieldInstanceType), o.InstanceType, OpenSearchTypeNames()))
	}
	switch {
	case o.InstanceCount < 1 || o.InstanceCount > 30:
		errs = append(errs, field.Invalid(path.Child(FieldInstanceCount), o.InstanceCount, "must be between 1 and 30"))
	case p.AvailabilityZones > 0 && o.InstanceCount%p.AvailabilityZones != 0: // a count of 0 AZs is reported on its own key
		errs = append(errs, field.Invalid(path.Child(FieldInstanceCount), o.InstanceCount,
			fmt.Sprintf("must be a multiple of the %d AZs: zone awareness spreads data nodes evenly", p.AvailabilityZones)))
	}
	switch {
	case o.MasterCount != 0 && o.MasterCount != 3 && o.MasterCount != 5:
		errs = append(errs, field.NotSupported(path.Child(FieldMasterCount), o.MasterCount, []string{"0", "3", "5"}))
	case p.Environment.ProductionLike() && o.MasterCount == 0:
		errs = append(errs, field.Invalid(path.Child(FieldMasterCount), o.MasterCount,
			fmt.Sprintf("must be 3 or 5 when environment is %s: dedicated masters keep the domain stable while data nodes are busy or replaced", p.Environment)))
	}
	if o.MasterCount > 0 {
		if _, ok := openSearchTypes[o.MasterType]; !ok {
			errs = append(errs, field.NotSupported(path.Child(FieldMasterType), o.MasterType, OpenSearchTypeNames()))
		}
	}
	if o.VolumeGiB < 10 || o.VolumeGiB > 3072 {
		errs = append(errs, field.Invalid(path.Child(FieldVolumeGiB), o.VolumeGiB, "must be between 10 and 3072 (gp3 per data node)"))
	}
	if !contains(openSearchVersions, o.EngineVersion) {
		errs = append(errs, field.NotSupported(path.Child(FieldEngineVersion), o.EngineVersion, openSearchVersions))
	}
	return errs
}

// validateReceivers checks the receivers' shape. A value that reads "[secret]" (the offline plan does
// not decrypt) is taken as set and valid; its real value is checked by Alertmanager when it loads.
func validateReceivers(p *Platform) field.ErrorList {
	var errs field.ErrorList
	m := p.Monitoring
	path := field.NewPath(KeyMonitoring)
	rp := path.Child(FieldReceivers)
	r := m.Receivers
	usesEmail := false
	for _, g := range []struct {
		key string
		t   ReceiverTargets
	}{{FieldOnCall, r.OnCall}, {FieldTeam, r.Team}, {FieldTicket, r.Ticket}} {
		gp := rp.Child(g.key)
		for i, w := range g.t.Webhooks {
			wp := gp.Child(FieldWebhooks).Index(i)
			if !contains(AllWebhookKinds(), string(w.Kind)) {
				errs = append(errs, field.NotSupported(wp.Child(FieldKind), string(w.Kind), AllWebhookKinds()))
			}
			errs = append(errs, checkSecretURL(wp.Child(FieldURL), w.URL)...)
		}
		for i, e := range g.t.Emails {
			usesEmail = true
			if e.IsPlaceholder() {
				continue
			}
			if a, err := mail.ParseAddress(e.Reveal()); err != nil || a.Address != e.Reveal() {
				errs = append(errs, field.Invalid(gp.Child(FieldEmails).Index(i), SecretPlaceholder, "must be a plain email address (value hidden: it is a secret)"))
			}
		}
	}
	sp := rp.Child(FieldSMTP)
	if usesEmail {
		if r.SMTP.Smarthost == "" {
			errs = append(errs, field.Required(sp.Child(FieldSmarthost), "email receivers need an SMTP relay (host:port)"))
		} else if !r.SMTP.Smarthost.IsPlaceholder() && !regexp.MustCompile(`^[A-Za-z0-9.-]+:[0-9]{1,5}$`).MatchString(r.SMTP.Smarthost.Reveal()) {
			errs = append(errs, field.Invalid(sp.Child(FieldSmarthost), SecretPlaceholder, "must be host:port (value hidden: it is a secret)"))
		}
		if r.SMTP.From == "" {
			errs = append(errs, field.Required(sp.Child(FieldFrom), "email receivers need a sender address"))
		}
	}
	if (r.SMTP.Username == "") != (r.SMTP.Password == "") {
		errs = append(errs, field.Invalid(sp.Child(FieldPassword), SecretPlaceholder, "username and password are set together or not at all"))
	}
	if m.DeadMansSwitchURL != "" {
		errs = append(errs, checkSecretURL(path.Child(FieldDeadMansSwitchURL), m.DeadMansSwitchURL)...)
	}
	if p.Environment.ProductionLike() {
		if r.OnCall.Empty() {
			errs = append(errs, field.Required(rp.Child(FieldOnCall),
				fmt.Sprintf("environment %s pages P0 alerts: set at least one webhook or email (pulumi config set --secret --path 'monitoring.receivers.oncall.webhooks[0].url' ...)", p.Environment)))
		}
		if m.DeadMansSwitchURL == "" {
			errs = append(errs, field.Required(path.Child(FieldDeadMansSwitchURL),
				fmt.Sprintf("environment %s needs a dead man's switch outside the cluster: the monitoring runs in the cluster it watches", p.Environment)))
		}
	}
	return errs
}

func checkSecretURL(path *field.Path, s Secret) field.ErrorList {
	if s.IsPlaceholder() {
		return nil
	}
	v := s.Reveal()
	if strings.TrimSpace(v) == "" {
		return field.ErrorList{field.Required(path, "a URL")}
	}
	if u, err := url.Parse(v); err != nil || u.Scheme != "https" || u.Host == "" {
		return field.ErrorList{field.Invalid(path, SecretPlaceholder, "must be an https URL (value hidden: it is a secret)")}
	}
	return nil
}
