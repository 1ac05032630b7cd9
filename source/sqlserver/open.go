package sqlserver

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"time"

	mssql "github.com/microsoft/go-mssqldb"
	"github.com/microsoft/go-mssqldb/azuread"
	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/source"
)

func init() { source.Register(config.PlatformSQLServer, Open) }

// Source is a connected SQL Server source.
type Source struct {
	DB        *sql.DB
	Isolation sql.IsolationLevel
	Writer    source.ParquetOptions
}

var _ source.Source = (*Source)(nil)

// Open connects from [connections.source.sqlserver] and checks the login with one
// round trip, so that a wrong password fails the worker's start with ErrCredentials.
func Open(ctx context.Context, conn *config.SourceConnection, o source.OpenOptions) (source.Source, error) {
	connector, err := Connector(conn)
	if err != nil {
		return nil, err
	}
	db := sql.OpenDB(connector)
	if o.MaxConns > 0 {
		db.SetMaxOpenConns(o.MaxConns)
		db.SetMaxIdleConns(o.MaxConns)
	}
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("source connection (%s): %w", conn, mapError(err))
	}
	iso := sql.LevelReadCommitted
	if conn.Isolation == config.IsolationSnapshot {
		iso = sql.LevelSnapshot
	}
	return &Source{DB: db, Isolation: iso, Writer: o.Parquet}, nil
}

// URL is the go-mssqldb connection URL (sqlserver://user:password@host:port/instance?…)
// built with net/url, so no value can change another's meaning. It holds the
// password: pass it to the driver only.
func URL(conn *config.SourceConnection) *url.URL {
	q := url.Values{}
	q.Set("database", conn.Database)
	q.Set("app name", "snowmigrate")
	if conn.Encrypt != "" {
		q.Set("encrypt", conn.Encrypt)
	}
	if conn.TrustServerCertificate {
		q.Set("TrustServerCertificate", "true")
	}
	if conn.ApplicationIntent != "" {
		q.Set("ApplicationIntent", conn.ApplicationIntent)
	}
	switch conn.AuthMethod {
	case config.AuthAzureADPassword:
		q.Set("fedauth", azuread.ActiveDirectoryPassword)
		q.Set("applicationclientid", conn.ApplicationClientID)
	case config.AuthAzureADServicePrincipal:
		q.Set("fedauth", azuread.ActiveDirectoryServicePrincipal)
	}
	host := conn.Host
	if conn.Port > 0 && conn.Instance == "" {
		host = net.JoinHostPort(conn.Host, strconv.Itoa(conn.Port))
	}
	u := &url.URL{Scheme: "sqlserver", Host: host, RawQuery: q.Encode()}
	if conn.Instance != "" {
		u.Path = "/" + conn.Instance
	}
	if conn.Password != "" {
		u.User = url.UserPassword(conn.Username, conn.Password)
	} else {
		u.User = url.User(conn.Username)
	}
	return u
}

// Connector builds the driver's connector: SQL logins through mssql.NewConnector,
// Entra ID (azure-ad-*) through go-mssqldb's azuread package. Parse errors are not
// passed on: the driver's messages can quote the connection string.
func Connector(conn *config.SourceConnection) (*mssql.Connector, error) {
	dsn := URL(conn).String()
	var c *mssql.Connector
	var err error
	switch conn.AuthMethod {
	case "", config.AuthSQL:
		c, err = mssql.NewConnector(dsn)
	case config.AuthAzureADPassword, config.AuthAzureADServicePrincipal:
		c, err = azuread.NewConnector(dsn)
	default:
		return nil, fmt.Errorf("%w: connections.source.sqlserver.auth_method = %q is not supported: use %q, %q or %q",
			source.ErrConfig, conn.AuthMethod, config.AuthSQL, config.AuthAzureADPassword, config.AuthAzureADServicePrincipal)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: source connection settings (%s) cannot be used; check host, port, instance, encrypt and auth_method", source.ErrConfig, conn)
	}
	return c, nil
}

// Platform implements source.Source.
func (s *Source) Platform() string { return config.PlatformSQLServer }

// Close implements source.Source.
func (s *Source) Close() { s.DB.Close() }

// tx runs fn in one transaction at the worker's isolation level (READ COMMITTED, or
// SNAPSHOT when the worker TOML says so). Only SELECTs run in it, and the filter is
// checked to be one predicate: read-only in effect (the driver has no read-only
// transactions). It always ends with a rollback: nothing is to be kept.
func (s *Source) tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.DB.BeginTx(ctx, &sql.TxOptions{Isolation: s.Isolation})
	if err != nil {
		return fmt.Errorf("begin a source transaction: %w", mapError(err))
	}
	err = mapError(fn(tx))
	if rerr := tx.Rollback(); rerr != nil && err == nil && rerr != sql.ErrTxDone {
		err = fmt.Errorf("end the source transaction: %w", mapError(rerr))
	}
	return err
}
