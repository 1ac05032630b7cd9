package redshift

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	rs "github.com/aws/aws-sdk-go-v2/service/redshift"
	"github.com/aws/smithy-go"

	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/source"
)

// IAM authentication (auth_method = "iam-provisioned-cluster"): the worker signs
// redshift:GetClusterCredentials with the TOML's access key and connects with the
// temporary user and password it returns. The password is fetched when a pool
// connection is opened (pgxpool's BeforeConnect) and cached until shortly before it
// expires, so a worker running for days keeps connecting; connections already open
// stay valid after their password expires, as in Redshift.
//
// The endpoint is the AWS SDK's: AWS_ENDPOINT_URL_REDSHIFT (or AWS_ENDPOINT_URL)
// overrides it, which is how tests reach the local Redshift's --iam-endpoint.

// EndpointEnv overrides the Redshift API endpoint (the AWS SDK's own variable).
const EndpointEnv = "AWS_ENDPOINT_URL_REDSHIFT"

// credentialSeconds is the lifetime asked of GetClusterCredentials (Redshift allows
// 900 to 3600); refreshBefore is how long before expiry a cached password is replaced.
const (
	credentialSeconds = 3600
	refreshBefore     = 5 * time.Minute
)

// clusterAPI is the part of the Redshift API the worker calls.
type clusterAPI interface {
	GetClusterCredentials(ctx context.Context, in *rs.GetClusterCredentialsInput, opts ...func(*rs.Options)) (*rs.GetClusterCredentialsOutput, error)
	DescribeClusters(ctx context.Context, in *rs.DescribeClustersInput, opts ...func(*rs.Options)) (*rs.DescribeClustersOutput, error)
}

// iamAuth issues and caches temporary database credentials. It never logs or returns
// the password in an error.
type iamAuth struct {
	api        clusterAPI
	clusterID  string
	dbUser     string
	database   string
	autoCreate bool
	now        func() time.Time

	mu       sync.Mutex
	user     string
	password string
	expires  time.Time
}

// newIAMAuth builds the Redshift API client from the TOML's access key and region.
func newIAMAuth(ctx context.Context, conn *config.SourceConnection) (*iamAuth, error) {
	cfg, err := awsconfig.LoadDefaultConfig(ctx,
		awsconfig.WithRegion(conn.Region),
		awsconfig.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(conn.AccessKeyID, conn.SecretAccessKey, "")),
	)
	if err != nil {
		return nil, fmt.Errorf("%w: [connections.source.redshift] AWS settings for auth_method %q: %v", source.ErrConfig, config.AuthIAMProvisionedCluster, err)
	}
	user := conn.DBUser
	if user == "" {
		user = conn.Username
	}
	return &iamAuth{api: rs.NewFromConfig(cfg), clusterID: conn.ClusterID, dbUser: user, database: conn.Database,
		autoCreate: conn.AutoCreate, now: time.Now}, nil
}

// credentials returns a temporary user and password valid for a while yet.
func (a *iamAuth) credentials(ctx context.Context) (user, password string, err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.password != "" && a.now().Before(a.expires.Add(-refreshBefore)) {
		return a.user, a.password, nil
	}
	out, err := a.api.GetClusterCredentials(ctx, &rs.GetClusterCredentialsInput{
		ClusterIdentifier: aws.String(a.clusterID),
		DbUser:            aws.String(a.dbUser),
		DbName:            aws.String(a.database),
		AutoCreate:        aws.Bool(a.autoCreate),
		DurationSeconds:   aws.Int32(credentialSeconds),
	})
	if err != nil {
		return "", "", fmt.Errorf("redshift:GetClusterCredentials for cluster %s, user %s: %w", a.clusterID, a.dbUser, mapAWSError(err))
	}
	if out.DbUser == nil || out.DbPassword == nil || *out.DbPassword == "" {
		return "", "", fmt.Errorf("redshift:GetClusterCredentials for cluster %s returned no user or password", a.clusterID)
	}
	a.user, a.password = *out.DbUser, *out.DbPassword
	a.expires = a.now().Add(15 * time.Minute) // Redshift's shortest lifetime, if none is given
	if out.Expiration != nil {
		a.expires = *out.Expiration
	}
	return a.user, a.password, nil
}

// endpoint finds the cluster's address when the TOML gives no host.
func (a *iamAuth) endpoint(ctx context.Context) (string, int, error) {
	out, err := a.api.DescribeClusters(ctx, &rs.DescribeClustersInput{ClusterIdentifier: aws.String(a.clusterID)})
	if err != nil {
		return "", 0, fmt.Errorf("redshift:DescribeClusters %s (set host in [connections.source.redshift] to skip this call): %w", a.clusterID, mapAWSError(err))
	}
	for _, c := range out.Clusters {
		if c.Endpoint != nil && c.Endpoint.Address != nil && *c.Endpoint.Address != "" {
			port := 5439
			if c.Endpoint.Port != nil {
				port = int(*c.Endpoint.Port)
			}
			return *c.Endpoint.Address, port, nil
		}
	}
	return "", 0, fmt.Errorf("%w: redshift cluster %s has no endpoint yet (is it available?); set host in [connections.source.redshift]", source.ErrMissing, a.clusterID)
}

// mapAWSError adds the source sentinels to the AWS API's permanent errors. AWS error
// messages name the request, never the secret key.
func mapAWSError(err error) error {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return err
	}
	code := ae.ErrorCode()
	switch {
	case code == "ClusterNotFound" || code == "ClusterNotFoundFault":
		return fmt.Errorf("%w: %w", source.ErrMissing, err)
	case code == "UnauthorizedOperation" || code == "AccessDenied" || code == "AccessDeniedException":
		return fmt.Errorf("%w (the access key's IAM policy must allow redshift:GetClusterCredentials on the cluster and db user): %w", source.ErrPermission, err)
	case code == "InvalidClientTokenId" || code == "SignatureDoesNotMatch" || code == "UnrecognizedClientException" ||
		code == "ExpiredToken" || strings.Contains(code, "Credentials"):
		return fmt.Errorf("%w (check access_key_id and secret_access_key in the worker configuration): %w", source.ErrCredentials, err)
	}
	return err
}
