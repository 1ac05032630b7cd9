package redshift

import (
	"context"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// loginChange is a CREATE/ALTER/DROP USER waiting for the backend's CommandComplete to
// be mirrored into the login list.
type loginChange struct {
	tag    string // the CommandComplete tag that confirms it
	name   string
	md5    string // md5(password+name); "" with drop or PASSWORD DISABLE
	setPwd bool   // the statement set (or disabled) the password
	drop   bool
}

// userStatement recognises CREATE USER / ALTER USER / DROP USER sent alone: the backend
// makes the role (GRANTs need it) and, once it has, the login list follows. It returns
// the edits that map Redshift-only options onto PostgreSQL.
func userStatement(st []token) (*loginChange, []edit) {
	if len(st) < 3 || !st[1].is("USER") || (st[2].Kind != tokIdent && st[2].Kind != tokQIdent) {
		return nil, nil
	}
	ch := &loginChange{name: identName(st[2])}
	switch {
	case st[0].is("CREATE"):
		ch.tag = "CREATE ROLE"
	case st[0].is("ALTER"):
		ch.tag = "ALTER ROLE"
	case st[0].is("DROP"):
		ch.tag, ch.drop = "DROP ROLE", true
		return ch, nil
	default:
		return nil, nil
	}
	var edits []edit
	for i := 3; i < len(st); i++ {
		t := st[i]
		switch {
		case t.is("PASSWORD") && i+1 < len(st):
			ch.setPwd = true
			p := st[i+1]
			if p.is("DISABLE") {
				edits = append(edits, edit{p.Pos, p.End, "NULL"})
			} else if p.Kind == tokString {
				if len(p.Val) == 35 && strings.HasPrefix(p.Val, "md5") {
					ch.md5 = p.Val[3:]
				} else {
					ch.md5 = md5Hex(p.Val + ch.name)
				}
			}
			i++
		case t.is("SYSLOG") && i+2 < len(st):
			edits = append(edits, edit{t.Pos, st[i+2].End, ""})
			i += 2
		case t.is("SESSION") && i+2 < len(st) && st[i+1].is("TIMEOUT"):
			edits = append(edits, edit{t.Pos, st[i+2].End, ""})
			i += 2
		case t.is("EXTERNALID") && i+1 < len(st):
			edits = append(edits, edit{t.Pos, st[i+1].End, ""})
			i++
		case t.is("CREATEUSER"):
			edits = append(edits, edit{t.Pos, t.End, "SUPERUSER"})
		case t.is("NOCREATEUSER"):
			edits = append(edits, edit{t.Pos, t.End, "NOSUPERUSER"})
		}
	}
	if st[0].is("ALTER") && !ch.setPwd {
		return nil, edits
	}
	return ch, edits
}

// applyLogin mirrors a confirmed CREATE/ALTER/DROP USER into the login list.
func (s *Server) applyLogin(ch *loginChange) {
	ctx, cancel := context.WithTimeout(s.ctx, 30*time.Second)
	defer cancel()
	c, err := pgconn.ConnectConfig(ctx, s.backend)
	if err != nil {
		s.cfg.Logger.Printf("login list: %v", redactErr(err))
		return
	}
	defer c.Close(context.Background())
	var rr *pgconn.ResultReader
	switch {
	case ch.drop:
		rr = c.ExecParams(ctx, "DELETE FROM redshift_emulator.users WHERE name = $1", [][]byte{[]byte(ch.name)}, nil, nil, nil)
	case ch.md5 == "":
		rr = c.ExecParams(ctx, `INSERT INTO redshift_emulator.users (name, md5) VALUES ($1, NULL)
			ON CONFLICT (name) DO UPDATE SET md5 = NULL`, [][]byte{[]byte(ch.name)}, nil, nil, nil)
	default:
		rr = c.ExecParams(ctx, `INSERT INTO redshift_emulator.users (name, md5) VALUES ($1, $2)
			ON CONFLICT (name) DO UPDATE SET md5 = excluded.md5`, [][]byte{[]byte(ch.name), []byte(ch.md5)}, nil, nil, nil)
	}
	if _, err := rr.Close(); err != nil {
		s.cfg.Logger.Printf("login list: %s: %v", ch.name, err)
	}
}
