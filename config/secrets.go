package config

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/BurntSushi/toml"
)

// Secrets in TOML files (source passwords, AWS secret keys, Snowflake passwords and
// tokens) must never reach a log or an error message. The helpers below redact values
// for String methods and keep them out of TOML parse errors.

func redacted(secret string) string {
	if secret == "" {
		return "(not set)"
	}
	return "(set)"
}

// secretKeys are TOML keys whose values never appear in an error message.
var secretKeys = []string{"password", "secret_access_key", "unload_secret_access_key", "token", "private_key_file_pwd", "private_key_passphrase"}

var tomlAssignRE = regexp.MustCompile(`^\s*"?([A-Za-z0-9_-]+)"?\s*=\s*(.*?)\s*$`)

// tomlErrorMessage renders a TOML error with its line and key but without any secret
// value: BurntSushi's messages may quote the offending text ("expected value but found
// …"), which on a password line is the password.
func tomlErrorMessage(err error, data []byte) string {
	var pe toml.ParseError
	if !errors.As(err, &pe) {
		return scrubSecrets(err.Error(), data)
	}
	where := fmt.Sprintf("line %d", pe.Position.Line)
	if pe.LastKey != "" {
		where += fmt.Sprintf(" (key %s)", pe.LastKey)
	}
	lines := strings.Split(string(data), "\n")
	onSecret := isSecretKey(lastSegment(pe.LastKey))
	if l := pe.Position.Line; l >= 1 && l <= len(lines) {
		if m := tomlAssignRE.FindStringSubmatch(lines[l-1]); m != nil && isSecretKey(m[1]) {
			onSecret = true
		}
	}
	if onSecret {
		return where + ": invalid value for a secret (not shown); write it as a quoted TOML string, e.g. password = \"...\""
	}
	return where + ": " + scrubSecrets(pe.Message, data)
}

func lastSegment(key string) string {
	if i := strings.LastIndex(key, "."); i >= 0 {
		return key[i+1:]
	}
	return key
}

func isSecretKey(k string) bool {
	for _, s := range secretKeys {
		if strings.EqualFold(k, s) {
			return true
		}
	}
	return false
}

// scrubSecrets replaces, in msg, the raw text of every secret assignment of the file.
func scrubSecrets(msg string, data []byte) string {
	for _, line := range strings.Split(string(data), "\n") {
		m := tomlAssignRE.FindStringSubmatch(line)
		if m == nil || !isSecretKey(m[1]) {
			continue
		}
		raw := strings.Trim(m[2], `"'`)
		if len(raw) >= 3 {
			msg = strings.ReplaceAll(msg, raw, "***")
		}
	}
	return msg
}
