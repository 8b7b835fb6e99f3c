package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/pricing"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/suoke-life/suoke-platform/infra/config"
)

// fakeAPI answers GetProducts from a function of the request, and records the requests.
type fakeAPI struct {
	answer   func(in *pricing.GetProductsInput) (*pricing.GetProductsOutput, error)
	requests []*pricing.GetProductsInput
}

func (f *fakeAPI) GetProducts(_ context.Context, in *pricing.GetProductsInput, _ ...func(*pricing.Options)) (*pricing.GetProductsOutput, error) {
	cp := *in
	f.requests = append(f.requests, &cp)
	return f.answer(in)
}

// doc is a Price List product document with one on-demand dimension.
func doc(sku, unit, currency, amount string) string {
	return fmt.Sprintf(`{"product":{"sku":%q,"attributes":{}},"terms":{"OnDemand":{"%s.JRTCKXETXF":{"priceDimensions":{"%s.JRTCKXETXF.6YS6EN2CT7":{"unit":%q,"beginRange":"0","pricePerUnit":{%q:%q}}}}}}}`,
		sku, sku, sku, unit, currency, amount)
}

func filter(in *pricing.GetProductsInput, field string) string {
	for _, f := range in.Filters {
		if aws.ToString(f.Field) == field {
			return aws.ToString(f.Value)
		}
	}
	return ""
}

// onlyEC2 prices m6i.xlarge and nothing else.
func onlyEC2(currency, amount string) func(*pricing.GetProductsInput) (*pricing.GetProductsOutput, error) {
	return func(in *pricing.GetProductsInput) (*pricing.GetProductsOutput, error) {
		if aws.ToString(in.ServiceCode) == "AmazonEC2" && filter(in, "instanceType") == "m6i.xlarge" {
			return &pricing.GetProductsOutput{PriceList: []string{doc("SKU1", "Hrs", currency, amount)}}, nil
		}
		return &pricing.GetProductsOutput{}, nil
	}
}

func TestRefreshReadsOnePricePerKey(t *testing.T) {
	api := &fakeAPI{answer: onlyEC2("CNY", "1.2345")}
	res, err := refresh(context.Background(), api, "cn-northwest-1", "2026-11-25")
	require.NoError(t, err)
	require.Len(t, res.Prices, 1)
	p := res.Prices[0]
	assert.Equal(t, config.Price{Key: "ec2:m6i.xlarge", Amount: 1.2345, Currency: "CNY", Unit: config.PerHour,
		Source: "AWS Price List API, AmazonEC2 sku SKU1 (Hrs)", Date: "2026-11-25"}, p)
	assert.False(t, p.Estimate, "a read price is not an estimate")
	assert.Contains(t, res.Skipped["ec2:m6i.large"], "no on-demand price in CNY")
	assert.Contains(t, res.Skipped[config.PriceWAFRule], "no Price List query")

	// The EC2 request was narrowed to one product of the region.
	var ec2 *pricing.GetProductsInput
	for _, in := range api.requests {
		if filter(in, "instanceType") == "m6i.xlarge" {
			ec2 = in
		}
	}
	require.NotNil(t, ec2)
	assert.Equal(t, "cn-northwest-1", filter(ec2, "regionCode"))
	assert.Equal(t, "Linux", filter(ec2, "operatingSystem"))
	assert.Equal(t, "Shared", filter(ec2, "tenancy"))
}

func TestRefreshRejectsTheWrongCurrencyAndAmbiguousAnswers(t *testing.T) {
	res, err := refresh(context.Background(), &fakeAPI{answer: onlyEC2("USD", "0.192")}, "cn-northwest-1", "2026-11-25")
	require.NoError(t, err)
	assert.Empty(t, res.Prices)
	assert.Contains(t, res.Skipped["ec2:m6i.xlarge"], "priced in [USD], not CNY")

	two := func(in *pricing.GetProductsInput) (*pricing.GetProductsOutput, error) {
		if filter(in, "instanceType") == "m6i.xlarge" {
			return &pricing.GetProductsOutput{PriceList: []string{doc("A", "Hrs", "USD", "0.192"), doc("B", "Hrs", "USD", "0.25")}}, nil
		}
		return &pricing.GetProductsOutput{}, nil
	}
	res, err = refresh(context.Background(), &fakeAPI{answer: two}, "us-east-1", "2026-11-25")
	require.NoError(t, err)
	assert.Contains(t, res.Skipped["ec2:m6i.xlarge"], "2 different prices match")

	failing := func(*pricing.GetProductsInput) (*pricing.GetProductsOutput, error) {
		return nil, errors.New("throttled")
	}
	res, err = refresh(context.Background(), &fakeAPI{answer: failing}, "us-east-1", "2026-11-25")
	require.NoError(t, err)
	assert.Empty(t, res.Prices)
	assert.Contains(t, res.Skipped["eks:cluster"], "throttled")
}

func TestRefreshFollowsPages(t *testing.T) {
	calls := 0
	paged := func(in *pricing.GetProductsInput) (*pricing.GetProductsOutput, error) {
		if filter(in, "instanceType") != "m6i.xlarge" {
			return &pricing.GetProductsOutput{}, nil
		}
		calls++
		if in.NextToken == nil {
			return &pricing.GetProductsOutput{PriceList: []string{doc("FREE", "Hrs", "USD", "0.0000000000")}, NextToken: aws.String("p2")}, nil
		}
		return &pricing.GetProductsOutput{PriceList: []string{doc("SKU2", "Hrs", "USD", "0.1920000000")}}, nil
	}
	res, err := refresh(context.Background(), &fakeAPI{answer: paged}, "us-east-1", "2026-11-25")
	require.NoError(t, err)
	require.Len(t, res.Prices, 1)
	assert.Equal(t, 0.192, res.Prices[0].Amount)
	assert.Equal(t, 2, calls)
}

func TestRunWritesAFileTheCatalogAccepts(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "pricedata"), 0o755))
	var out, errOut bytes.Buffer
	client := func(context.Context, config.Region) (productsAPI, error) {
		return &fakeAPI{answer: onlyEC2("USD", "0.2")}, nil
	}
	code := run(context.Background(), []string{"-region", "us-east-1", "-dir", dir}, &out, &errOut, client)
	require.Equal(t, 0, code, errOut.String())
	b, err := os.ReadFile(filepath.Join(dir, config.RefreshedFile("us-east-1")))
	require.NoError(t, err)
	prices, err := config.ParseRefreshed("us-east-1", b)
	require.NoError(t, err)
	require.Len(t, prices, 1)
	assert.Equal(t, 0.2, prices[0].Amount)
	assert.Contains(t, out.String(), "ec2:m6i.xlarge")
	assert.Contains(t, out.String(), "wrote 1 prices")
}

func TestRunWithoutCredentialsChangesNothing(t *testing.T) {
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	client := func(context.Context, config.Region) (productsAPI, error) {
		return nil, errors.New("no AWS credentials for the aws-cn partition (no EC2 IMDS role found); the catalog is unchanged")
	}
	code := run(context.Background(), []string{"-region", "cn-northwest-1", "-dir", dir}, &out, &errOut, client)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut.String(), "no AWS credentials")
	entries, _ := os.ReadDir(dir)
	assert.Empty(t, entries)
}

func TestRunRejectsAnUnknownRegion(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"-region", "mars-1"}, &out, &errOut, nil)
	assert.Equal(t, 2, code)
	assert.True(t, strings.Contains(errOut.String(), "supported regions"))
}
