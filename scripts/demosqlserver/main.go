// Command demosqlserver creates the sample database of `make demo SOURCE=sqlserver` on
// a SQL Server (the local one, bin/sqlserver-emulator) through go-mssqldb: customers
// and orders with the types a SQL Server migration meets (nvarchar beyond Latin-1,
// decimal and money, datetime2(7) and datetimeoffset, varbinary, bit,
// uniqueidentifier), loaded with bulk copy. It does nothing when the database
// already holds the tables.
//
//	go run ./scripts/demosqlserver -addr 127.0.0.1:51433 -user sa -password … -database demo
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"log"
	"net/url"
	"time"

	mssql "github.com/microsoft/go-mssqldb"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:51433", "host:port of the SQL Server")
	user := flag.String("user", "sa", "login")
	password := flag.String("password", "", "password")
	database := flag.String("database", "demo", "database to create")
	customers := flag.Int("customers", 2000, "customers to generate")
	orders := flag.Int("orders", 50000, "orders to generate")
	count := flag.String("count", "", "print the row count of this sample table (dbo.customers or dbo.orders) and exit")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	if *count != "" {
		n, err := rowCount(ctx, dsn(*addr, *user, *password, *database), *count)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(n)
		return
	}
	if err := run(ctx, *addr, *user, *password, *database, *customers, *orders); err != nil {
		log.Fatal(err)
	}
}

func dsn(addr, user, password, database string) string {
	q := url.Values{}
	q.Set("database", database)
	q.Set("encrypt", "disable")
	q.Set("app name", "snowmigrate-demo")
	return (&url.URL{Scheme: "sqlserver", User: url.UserPassword(user, password), Host: addr, RawQuery: q.Encode()}).String()
}

func run(ctx context.Context, addr, user, password, database string, customers, orders int) error {
	master, err := sql.Open("sqlserver", dsn(addr, user, password, "master"))
	if err != nil {
		return err
	}
	defer master.Close()
	var exists int
	if err := master.QueryRowContext(ctx, "SELECT COUNT(*) FROM sys.databases WHERE name = @p1", database).Scan(&exists); err != nil {
		return fmt.Errorf("list databases: %w", err)
	}
	if exists == 0 {
		if _, err := master.ExecContext(ctx, "CREATE DATABASE ["+database+"]"); err != nil {
			return fmt.Errorf("create database %s: %w", database, err)
		}
	}
	db, err := sql.Open("sqlserver", dsn(addr, user, password, database))
	if err != nil {
		return err
	}
	defer db.Close()
	var tables int
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM sys.tables WHERE name IN ('customers', 'orders')").Scan(&tables); err != nil {
		return fmt.Errorf("list tables: %w", err)
	}
	if tables == 2 {
		log.Printf("database %s already holds the sample", database)
		return nil
	}
	for _, q := range []string{
		`CREATE TABLE dbo.customers (id int NOT NULL PRIMARY KEY, name nvarchar(100) NOT NULL, email varchar(120) NULL,
 country char(2) NOT NULL, balance money NOT NULL, vip bit NOT NULL, created_at datetime2(7) NOT NULL, external_id uniqueidentifier NOT NULL)`,
		`CREATE UNIQUE INDEX ux_customers_email ON dbo.customers (email)`,
		`CREATE TABLE dbo.orders (order_id bigint NOT NULL PRIMARY KEY, customer_id int NOT NULL, amount decimal(12,2) NOT NULL,
 discount real NULL, status nvarchar(20) NOT NULL, ordered_at datetimeoffset(3) NOT NULL, updated_at datetime2(3) NOT NULL, note nvarchar(max) NULL, receipt varbinary(64) NULL)`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	names := []string{"Ada", "Björn", "Chloé", "Dmitri", "Eşref", "Fatima", "Grace", "Hiro 広", "Ingrid", "José"}
	countries := []string{"DE", "FR", "JP", "US", "BR", "TR", "SE"}
	base := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := bulk(ctx, db, "dbo.customers", []string{"id", "name", "email", "country", "balance", "vip", "created_at", "external_id"}, customers, func(i int) []any {
		var email any = fmt.Sprintf("c%d@example.com", i)
		if i%17 == 0 {
			email = nil
		}
		guid := mssql.UniqueIdentifier{byte(i), byte(i >> 8), byte(i >> 16), 0x42, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
		return []any{int32(i), fmt.Sprintf("%s %d", names[i%len(names)], i), email, countries[i%len(countries)],
			fmt.Sprintf("%d.%04d", i*7%100000, i%10000), i%5 == 0, base.Add(time.Duration(i)*time.Minute + time.Duration(i%10)*100), guid}
	}); err != nil {
		return err
	}
	statuses := []string{"new", "paid", "shipped", "returned"}
	if err := bulk(ctx, db, "dbo.orders", []string{"order_id", "customer_id", "amount", "discount", "status", "ordered_at", "updated_at", "note", "receipt"}, orders, func(i int) []any {
		var discount, note, receipt any
		if i%3 == 0 {
			discount = float32(i%50) / 100
		}
		if i%11 == 0 {
			note = fmt.Sprintf("gift | wrap \\ %d ✓", i)
		}
		if i%4 == 0 {
			receipt = []byte{byte(i), byte(i >> 8), 0, 0xFF}
		}
		zone := time.FixedZone("", (i%27-13)*1800)
		at := base.Add(time.Duration(i) * 37 * time.Second)
		return []any{int64(i), int32(1 + i%customers), fmt.Sprintf("%d.%02d", i%5000, i%100), discount, statuses[i%len(statuses)],
			at.In(zone), at.Add(time.Duration(i%90) * time.Hour), note, receipt}
	}); err != nil {
		return err
	}
	log.Printf("database %s: %d customers, %d orders", database, customers, orders)
	return nil
}

// rowCount counts the rows of one of the sample's tables (named from a fixed list:
// the name becomes SQL).
func rowCount(ctx context.Context, dsn, table string) (int64, error) {
	q, ok := map[string]string{"dbo.customers": "SELECT COUNT_BIG(*) FROM dbo.customers", "dbo.orders": "SELECT COUNT_BIG(*) FROM dbo.orders"}[table]
	if !ok {
		return 0, fmt.Errorf("-count %q: the sample's tables are dbo.customers and dbo.orders", table)
	}
	db, err := sql.Open("sqlserver", dsn)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var n int64
	return n, db.QueryRowContext(ctx, q).Scan(&n)
}

// bulk loads n generated rows with go-mssqldb's bulk copy in one transaction.
func bulk(ctx context.Context, db *sql.DB, table string, cols []string, n int, row func(i int) []any) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, mssql.CopyIn(table, mssql.BulkOptions{}, cols...))
	if err != nil {
		return fmt.Errorf("bulk copy into %s: %w", table, err)
	}
	for i := 1; i <= n; i++ {
		if _, err := stmt.ExecContext(ctx, row(i)...); err != nil {
			return fmt.Errorf("bulk copy into %s, row %d: %w", table, i, err)
		}
	}
	if _, err := stmt.ExecContext(ctx); err != nil {
		return fmt.Errorf("bulk copy into %s: %w", table, err)
	}
	return tx.Commit()
}
