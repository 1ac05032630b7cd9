package main

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
)

// hostID names this worker process's own task queue. It is unique per process (host
// name plus a random suffix): a restarted worker has lost nothing it must serve, since
// its extracted files are redone elsewhere when an upload scheduled on the old queue
// times out waiting to start.
func hostID() string {
	h, err := os.Hostname()
	if err != nil || h == "" {
		h = "host"
	}
	h = strings.Map(func(r rune) rune {
		if r == '/' || r == '@' || r == ' ' {
			return '-'
		}
		return r
	}, h)
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return h + "-" + hex.EncodeToString(b)
}
