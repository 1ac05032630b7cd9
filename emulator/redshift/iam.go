package redshift

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/jackc/pgx/v5/pgconn"
)

// iamServer answers redshift:GetClusterCredentials in the AWS query protocol (what
// aws-sdk-go-v2's redshift client sends to an endpoint override).
type iamServer struct {
	s   *Server
	ln  net.Listener
	srv *http.Server
}

func startIAM(s *Server, addr string) (*iamServer, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--iam-endpoint: %v", err)
	}
	i := &iamServer{s: s, ln: ln}
	i.srv = &http.Server{Handler: i, ReadHeaderTimeout: 30 * time.Second}
	go func() { _ = i.srv.Serve(ln) }()
	return i, nil
}

func (i *iamServer) addr() string { return i.ln.Addr().String() }

func (i *iamServer) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = i.srv.Shutdown(ctx)
}

const redshiftXMLNS = "http://redshift.amazonaws.com/doc/2012-12-01/"

type awsError struct {
	status        int
	typ, code, ms string
}

func (i *iamServer) fail(w http.ResponseWriter, e awsError) {
	type errBody struct {
		Type    string `xml:"Type"`
		Code    string `xml:"Code"`
		Message string `xml:"Message"`
	}
	type errorResponse struct {
		XMLName   xml.Name `xml:"ErrorResponse"`
		Xmlns     string   `xml:"xmlns,attr"`
		Error     errBody  `xml:"Error"`
		RequestID string   `xml:"RequestId"`
	}
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(e.status)
	_ = xml.NewEncoder(w).Encode(errorResponse{Xmlns: redshiftXMLNS, Error: errBody{Type: e.typ, Code: e.code, Message: e.ms}, RequestID: requestID()})
}

func requestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

var dbUserName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.@$+-]{0,127}$`)

func (i *iamServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		i.fail(w, awsError{http.StatusMethodNotAllowed, "Sender", "InvalidAction", "only POST is served"})
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		i.fail(w, awsError{http.StatusBadRequest, "Sender", "MalformedQueryString", "unreadable body"})
		return
	}
	if e := i.verifySignature(r, body); e != nil {
		i.s.cfg.Logger.Printf("IAM endpoint: refused request: %s", e.ms)
		i.fail(w, *e)
		return
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		i.fail(w, awsError{http.StatusBadRequest, "Sender", "MalformedQueryString", "the body is not a query string"})
		return
	}
	if a := form.Get("Action"); a != "GetClusterCredentials" {
		i.fail(w, awsError{http.StatusBadRequest, "Sender", "InvalidAction", fmt.Sprintf("The action %s is not valid for this web service.", a)})
		return
	}
	dbUser, cluster := form.Get("DbUser"), form.Get("ClusterIdentifier")
	if dbUser == "" {
		i.fail(w, awsError{http.StatusBadRequest, "Sender", "MissingParameter", "The request must contain the parameter DbUser."})
		return
	}
	if cluster == "" {
		i.fail(w, awsError{http.StatusBadRequest, "Sender", "MissingParameter", "The request must contain the parameter ClusterIdentifier."})
		return
	}
	if !dbUserName.MatchString(dbUser) {
		i.fail(w, awsError{http.StatusBadRequest, "Sender", "InvalidParameterValue", "DbUser is not a valid user name."})
		return
	}
	if i.s.cfg.ClusterID != "" && !strings.EqualFold(cluster, i.s.cfg.ClusterID) {
		i.fail(w, awsError{http.StatusNotFound, "Sender", "ClusterNotFound", fmt.Sprintf("Cluster %s not found.", cluster)})
		return
	}
	duration := 900
	if d := form.Get("DurationSeconds"); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil || n < 900 || n > 3600 {
			i.fail(w, awsError{http.StatusBadRequest, "Sender", "InvalidParameterValue", "DurationSeconds must be between 900 and 3600."})
			return
		}
		duration = n
	}
	autoCreate := strings.EqualFold(form.Get("AutoCreate"), "true")
	ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
	defer cancel()
	if autoCreate {
		if err := i.s.createLoginIfMissing(ctx, dbUser); err != nil {
			i.s.cfg.Logger.Printf("IAM endpoint: auto-create %s: %v", dbUser, err)
			i.fail(w, awsError{http.StatusInternalServerError, "Receiver", "InternalFailure", "could not create the database user"})
			return
		}
	}
	password := newPassword()
	expires := i.s.cfg.Now().Add(time.Duration(duration) * time.Second).UTC().Truncate(time.Second)
	i.s.addTempLogin(dbUser, tempUser{md5: md5Hex(password + "IAM:" + dbUser), expires: expires, db: form.Get("DbName")})
	type result struct {
		DbUser     string `xml:"DbUser"`
		DbPassword string `xml:"DbPassword"`
		Expiration string `xml:"Expiration"`
	}
	type response struct {
		XMLName  xml.Name `xml:"GetClusterCredentialsResponse"`
		Xmlns    string   `xml:"xmlns,attr"`
		Result   result   `xml:"GetClusterCredentialsResult"`
		Metadata struct {
			RequestID string `xml:"RequestId"`
		} `xml:"ResponseMetadata"`
	}
	resp := response{Xmlns: redshiftXMLNS, Result: result{DbUser: "IAM:" + dbUser, DbPassword: password, Expiration: expires.Format(time.RFC3339)}}
	resp.Metadata.RequestID = requestID()
	w.Header().Set("Content-Type", "text/xml")
	_ = xml.NewEncoder(w).Encode(resp)
}

func newPassword() string {
	var b [24]byte
	_, _ = rand.Read(b[:])
	// Redshift's temporary passwords mix cases and digits
	return "Tmp" + hex.EncodeToString(b[:]) + "Z9"
}

var authHeader = regexp.MustCompile(`^AWS4-HMAC-SHA256 Credential=([^/,]+)/(\d{8})/([^/,]+)/([^/,]+)/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$`)

// verifySignature checks the request's SigV4 signature against the secret key of its
// access key id (one of Config.IAMKeys) by signing the same request again.
func (i *iamServer) verifySignature(r *http.Request, body []byte) *awsError {
	denied := func(msg string) *awsError {
		return &awsError{http.StatusForbidden, "Sender", "SignatureDoesNotMatch", msg}
	}
	m := authHeader.FindStringSubmatch(r.Header.Get("Authorization"))
	if m == nil {
		return &awsError{http.StatusForbidden, "Sender", "MissingAuthenticationToken", "Request is missing Authentication Token"}
	}
	keyID, region, service, signed, sig := m[1], m[3], m[4], m[5], m[6]
	secret, ok := i.s.cfg.IAMKeys[keyID]
	if !ok {
		return &awsError{http.StatusForbidden, "Sender", "InvalidClientTokenId", "The security token included in the request is invalid."}
	}
	if service != "redshift" {
		return denied("Credential should be scoped to correct service: 'redshift'.")
	}
	at, err := time.Parse("20060102T150405Z", r.Header.Get("X-Amz-Date"))
	if err != nil {
		return denied("missing or malformed X-Amz-Date")
	}
	if d := time.Since(at); d > 15*time.Minute || d < -15*time.Minute {
		return denied("Signature expired: the request time is too far from the server's time")
	}
	sum := sha256.Sum256(body)
	payload := hex.EncodeToString(sum[:])
	again, err := http.NewRequest(r.Method, "http://"+r.Host+r.URL.RequestURI(), strings.NewReader(string(body)))
	if err != nil {
		return denied("bad request")
	}
	again.Header = http.Header{}
	for _, h := range strings.Split(signed, ";") {
		switch h {
		case "host":
			again.Host = r.Host
		case "content-length":
			again.ContentLength = int64(len(body))
		default:
			for _, v := range r.Header.Values(h) {
				again.Header.Add(h, v)
			}
		}
	}
	if !strings.Contains(";"+signed+";", ";content-length;") {
		again.ContentLength = 0
	}
	creds := aws.Credentials{AccessKeyID: keyID, SecretAccessKey: secret, SessionToken: r.Header.Get("X-Amz-Security-Token")}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, again, payload, service, region, at); err != nil {
		return denied("cannot verify the signature")
	}
	m2 := authHeader.FindStringSubmatch(again.Header.Get("Authorization"))
	if m2 == nil || m2[6] != sig {
		return denied("The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.")
	}
	return nil
}

func (s *Server) addTempLogin(dbUser string, tu tempUser) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.cfg.Now()
	kept := s.temp[dbUser][:0]
	for _, old := range s.temp[dbUser] {
		if now.Before(old.expires.Add(time.Hour)) { // expired ones are kept a while to say so
			kept = append(kept, old)
		}
	}
	s.temp[dbUser] = append(kept, tu)
}

// createLoginIfMissing adds a database user without a password (AutoCreate).
func (s *Server) createLoginIfMissing(ctx context.Context, name string) error {
	c, err := pgconn.ConnectConfig(ctx, s.backend)
	if err != nil {
		return redactErr(err)
	}
	defer c.Close(context.Background())
	rr := c.ExecParams(ctx, "INSERT INTO redshift_emulator.users (name) VALUES ($1) ON CONFLICT (name) DO NOTHING", [][]byte{[]byte(name)}, nil, nil, nil)
	_, err = rr.Close()
	return err
}
