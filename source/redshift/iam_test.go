package redshift

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	rs "github.com/aws/aws-sdk-go-v2/service/redshift"
	rstypes "github.com/aws/aws-sdk-go-v2/service/redshift/types"
	"github.com/aws/smithy-go"

	"github.com/snowmigrate/snowmigrate/source"
)

type fakeCluster struct {
	calls   int
	last    *rs.GetClusterCredentialsInput
	expires time.Time
	err     error
}

func (f *fakeCluster) GetClusterCredentials(_ context.Context, in *rs.GetClusterCredentialsInput, _ ...func(*rs.Options)) (*rs.GetClusterCredentialsOutput, error) {
	f.calls++
	f.last = in
	if f.err != nil {
		return nil, f.err
	}
	return &rs.GetClusterCredentialsOutput{DbUser: aws.String("IAM:" + *in.DbUser), DbPassword: aws.String("temp-" + string(rune('a'+f.calls))), Expiration: aws.Time(f.expires)}, nil
}

func (f *fakeCluster) DescribeClusters(context.Context, *rs.DescribeClustersInput, ...func(*rs.Options)) (*rs.DescribeClustersOutput, error) {
	return &rs.DescribeClustersOutput{Clusters: []rstypes.Cluster{{Endpoint: &rstypes.Endpoint{Address: aws.String("c1.example"), Port: aws.Int32(5440)}}}}, nil
}

// TestIAMCredentialsCachedAndRefreshed: one GetClusterCredentials per lifetime, a new
// one shortly before the password expires.
func TestIAMCredentialsCachedAndRefreshed(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	f := &fakeCluster{expires: now.Add(time.Hour)}
	a := &iamAuth{api: f, clusterID: "c1", dbUser: "migrator", database: "dev", autoCreate: true, now: func() time.Time { return now }}
	u, p, err := a.credentials(context.Background())
	if err != nil || u != "IAM:migrator" || p == "" {
		t.Fatalf("%q %q %v", u, p, err)
	}
	if *f.last.ClusterIdentifier != "c1" || *f.last.DbName != "dev" || !*f.last.AutoCreate || *f.last.DurationSeconds != credentialSeconds {
		t.Errorf("request %+v", f.last)
	}
	now = now.Add(50 * time.Minute)
	if _, p2, _ := a.credentials(context.Background()); p2 != p || f.calls != 1 {
		t.Errorf("cached password not reused: calls %d", f.calls)
	}
	now = now.Add(6 * time.Minute) // 4 minutes before expiry
	f.expires = now.Add(time.Hour)
	if _, p3, _ := a.credentials(context.Background()); p3 == p || f.calls != 2 {
		t.Errorf("password not refreshed before expiry: calls %d", f.calls)
	}
	if h, port, err := a.endpoint(context.Background()); err != nil || h != "c1.example" || port != 5440 {
		t.Errorf("endpoint %s:%d %v", h, port, err)
	}
}

func TestIAMErrorsMapped(t *testing.T) {
	for code, want := range map[string]error{
		"ClusterNotFound":       source.ErrMissing,
		"UnauthorizedOperation": source.ErrPermission,
		"InvalidClientTokenId":  source.ErrCredentials,
		"SignatureDoesNotMatch": source.ErrCredentials,
	} {
		f := &fakeCluster{err: &smithy.GenericAPIError{Code: code, Message: "no"}}
		a := &iamAuth{api: f, clusterID: "c1", dbUser: "u", now: time.Now}
		_, _, err := a.credentials(context.Background())
		if !errors.Is(err, want) || !strings.Contains(err.Error(), "cluster c1") {
			t.Errorf("%s: %v", code, err)
		}
	}
}
