package config

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// File size limits. Every file this package reads is small by nature; a limit keeps a
// wrong path (a log, a dump, /dev/zero) from being read into memory whole.
const (
	// MaxConfigFileBytes bounds a workflow configuration (JSON). The starter refuses
	// an encoded workflow input over 1.5 MB anyway (Temporal's payload limit is 2 MB),
	// so a larger file could never start a migration; the margin is for whitespace.
	MaxConfigFileBytes = 4 << 20
	// MaxTOMLFileBytes bounds a worker TOML, connections.toml and config.toml.
	MaxTOMLFileBytes = 1 << 20
)

// ErrFileTooLarge is wrapped when a file is over its size limit.
var ErrFileTooLarge = errors.New("file too large")

// ReadConfigFile reads a workflow configuration, at most MaxConfigFileBytes: it stops
// reading there instead of loading a huge file. Errors name the file and the limit.
func ReadConfigFile(path string) ([]byte, error) {
	data, err := readLimited(path, MaxConfigFileBytes)
	if errors.Is(err, ErrFileTooLarge) {
		return nil, fmt.Errorf("%w: split the tables into several migrations (a configuration over the limit could not be started: Temporal refuses inputs over 2 MB)", err)
	}
	return data, err
}

// readLimited reads path through a reader limited to limit+1 bytes, so that a file over
// the limit is detected without reading the rest of it.
func readLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readAllLimited(f, path, limit)
}

func readAllLimited(r io.Reader, path string, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%w: %s is larger than the %s limit for this kind of file (reading stopped there)", ErrFileTooLarge, path, byteSize(limit))
	}
	return data, nil
}

// byteSize renders a limit the way the constants above are written.
func byteSize(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d-byte", n)
}
