package server

import (
	"io"
	"log"
	"os"
	"strconv"
	"testing"
)

func startServerB(b *testing.B) *Server {
	srv, err := Start(Config{Addr: "127.0.0.1:0", DataDir: b.TempDir(), User: "sa", Password: "Secret-1", Logger: log.New(io.Discard, "", 0)})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { srv.Close() })
	return srv
}

func dsnB(srv *Server) string {
	return "sqlserver://sa:Secret-1@" + srv.Addr() + "?encrypt=disable"
}

func getenvInt(name string) int {
	n, _ := strconv.Atoi(os.Getenv(name))
	return n
}
