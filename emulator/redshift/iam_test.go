package redshift

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/redshift"
	"github.com/aws/smithy-go"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

func redshiftClient(addr, key, secret string) *redshift.Client {
	return redshift.New(redshift.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String("http://" + addr),
		Credentials:      credentials.NewStaticCredentialsProvider(key, secret, ""),
		RetryMaxAttempts: 1,
	})
}

func TestIAMGetClusterCredentials(t *testing.T) {
	clock := &testClock{now: time.Now()}
	s := startServer(t, func(c *Config) {
		c.IAMAddr = "127.0.0.1:0"
		c.IAMKeys = map[string]string{"AKIALOCALTEST": "local-secret-key"}
		c.ClusterID = "local-cluster"
		c.Now = clock.Now
	})
	ctx := ctxT(t)
	cli := redshiftClient(s.IAMAddr(), "AKIALOCALTEST", "local-secret-key")
	out, err := cli.GetClusterCredentials(ctx, &redshift.GetClusterCredentialsInput{
		DbUser: aws.String("alice"), ClusterIdentifier: aws.String("local-cluster"), DbName: aws.String(s.backend.Database),
		AutoCreate: aws.Bool(true), DurationSeconds: aws.Int32(900),
	})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.DbUser) != "IAM:alice" || aws.ToString(out.DbPassword) == "" || out.Expiration == nil ||
		out.Expiration.Sub(clock.Now()) > 901*time.Second || out.Expiration.Sub(clock.Now()) < 899*time.Second {
		t.Fatalf("credentials: %v %v", aws.ToString(out.DbUser), out.Expiration)
	}
	dsn := s.dsn(aws.ToString(out.DbUser), aws.ToString(out.DbPassword), "")
	for _, method := range []string{"md5", "password"} {
		s.cfg.AuthMethod = method
		c, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatalf("%s IAM login: %v", method, err)
		}
		var one int
		if err := c.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil || one != 1 {
			t.Fatal(err)
		}
		c.Close(ctx)
	}
	s.cfg.AuthMethod = "md5"
	// a second issue gives a second password; both work
	out2, err := cli.GetClusterCredentials(ctx, &redshift.GetClusterCredentialsInput{DbUser: aws.String("alice"), ClusterIdentifier: aws.String("local-cluster")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out2.DbPassword) == aws.ToString(out.DbPassword) {
		t.Fatal("same password twice")
	}
	// the wrong password, another database
	var pe *pgconn.PgError
	_, err = pgx.Connect(ctx, s.dsn("IAM:alice", "nope", ""))
	if !errors.As(err, &pe) || pe.Code != "28000" {
		t.Fatalf("wrong password: %v", err)
	}
	_, err = pgx.Connect(ctx, s.dsn("IAM:alice", aws.ToString(out.DbPassword), "postgres"))
	if !errors.As(err, &pe) || pe.Code != "28000" {
		t.Fatalf("other database: %v", err)
	}
	// without AutoCreate a user that does not exist cannot log on
	out3, err := cli.GetClusterCredentials(ctx, &redshift.GetClusterCredentialsInput{DbUser: aws.String("bob"), ClusterIdentifier: aws.String("local-cluster")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = pgx.Connect(ctx, s.dsn("IAM:bob", aws.ToString(out3.DbPassword), ""))
	if !errors.As(err, &pe) || !strings.Contains(pe.Message, `user "bob" does not exist`) {
		t.Fatalf("bob: %v", err)
	}
	// expiry
	clock.Advance(901 * time.Second)
	_, err = pgx.Connect(ctx, dsn)
	if !errors.As(err, &pe) || pe.Code != "28000" || pe.Message != `password authentication failed for user "IAM:alice"` {
		t.Fatalf("expired: %v", err)
	}
	if strings.Contains(err.Error(), aws.ToString(out.DbPassword)) {
		t.Fatal("the password appears in the error")
	}
	// the endpoint checks the signature, the key and the cluster
	wantAPIError := func(err error, code string) {
		t.Helper()
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != code {
			t.Fatalf("want %s, got %v", code, err)
		}
	}
	in := &redshift.GetClusterCredentialsInput{DbUser: aws.String("alice"), ClusterIdentifier: aws.String("local-cluster")}
	_, err = redshiftClient(s.IAMAddr(), "AKIALOCALTEST", "wrong-secret").GetClusterCredentials(ctx, in)
	wantAPIError(err, "SignatureDoesNotMatch")
	_, err = redshiftClient(s.IAMAddr(), "AKIAUNKNOWN", "local-secret-key").GetClusterCredentials(ctx, in)
	wantAPIError(err, "InvalidClientTokenId")
	_, err = cli.GetClusterCredentials(ctx, &redshift.GetClusterCredentialsInput{DbUser: aws.String("alice"), ClusterIdentifier: aws.String("other")})
	wantAPIError(err, "ClusterNotFound")
	_, err = cli.GetClusterCredentials(ctx, &redshift.GetClusterCredentialsInput{DbUser: aws.String("alice"), ClusterIdentifier: aws.String("local-cluster"), DurationSeconds: aws.Int32(60)})
	wantAPIError(err, "InvalidParameterValue")
}
