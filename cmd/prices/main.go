// Command prices refreshes a region's price catalog from the AWS Price List API, so that the cost
// estimate (infra/cost) prices with read figures instead of the built-in ones (which, in the China
// regions, are published list prices where a source gave one, estimates otherwise).
//
//	go run ./cmd/prices -region cn-northwest-1            # writes infra/config/pricedata/cn-northwest-1.json
//	go run ./cmd/prices -region us-east-1 -dry-run        # prints what it would write
//
// It needs AWS credentials of the region's partition (the Price List API of the China regions is
// served from cn-northwest-1, the global one from us-east-1) and pricing:GetProducts. Without
// credentials it says so and changes nothing. Meters it cannot narrow to one price keep their
// built-in figure and are listed. Review the written file's diff like any change: it moves every
// cost figure of the region.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/pricing"

	"github.com/suoke-life/suoke-platform/infra/config"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr, newClient))
}

// newClient builds the Price List client for a region's partition, or fails without credentials.
func newClient(ctx context.Context, region config.Region) (productsAPI, error) {
	apiRegion := "us-east-1"
	if region.China() {
		apiRegion = "cn-northwest-1"
	}
	cfg, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithRegion(apiRegion))
	if err != nil {
		return nil, fmt.Errorf("load AWS config: %w", err)
	}
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		return nil, fmt.Errorf("no AWS credentials for the %s partition (%w); the catalog is unchanged", region.Partition, err)
	}
	return pricing.NewFromConfig(cfg), nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer, client func(context.Context, config.Region) (productsAPI, error)) int {
	fs := flag.NewFlagSet("prices", flag.ContinueOnError)
	fs.SetOutput(stderr)
	region := fs.String("region", "", "region whose catalog to refresh (required)")
	dir := fs.String("dir", filepath.Join("infra", "config"), "the infra/config package directory")
	dryRun := fs.Bool("dry-run", false, "print the refreshed prices instead of writing them")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	r, ok := config.LookupRegion(*region)
	if !ok {
		fmt.Fprintf(stderr, "prices: -region %q: supported regions: %v\n", *region, config.SupportedRegions())
		return 2
	}
	api, err := client(ctx, r)
	if err != nil {
		fmt.Fprintln(stderr, "prices:", err)
		return 1
	}
	res, err := refresh(ctx, api, r.Name, time.Now().UTC().Format("2006-01-02"))
	if err != nil {
		fmt.Fprintln(stderr, "prices:", err)
		return 1
	}
	b, err := json.MarshalIndent(res.Prices, "", "  ")
	if err != nil {
		fmt.Fprintln(stderr, "prices:", err)
		return 1
	}
	b = append(b, '\n')
	cat, _ := config.PricesFor(r.Name)
	for _, p := range res.Prices {
		old, _ := cat.Lookup(p.Key)
		fmt.Fprintf(stdout, "%-34s %12.6g → %-12.6g %s per %s\n", p.Key, old.Amount, p.Amount, p.Currency, p.Unit)
	}
	for _, k := range sortedKeys(res.Skipped) {
		fmt.Fprintf(stdout, "%-34s kept: %s\n", k, res.Skipped[k])
	}
	if *dryRun {
		_, err = stdout.Write(b)
	} else {
		path := filepath.Join(*dir, config.RefreshedFile(r.Name))
		err = os.WriteFile(path, b, 0o644)
		if err == nil {
			fmt.Fprintf(stdout, "wrote %d prices to %s\n", len(res.Prices), path)
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, "prices:", err)
		return 1
	}
	return 0
}
