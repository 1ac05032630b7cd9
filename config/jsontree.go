package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// jsonNode is a decoded JSON value that keeps object keys in file order and keeps
// duplicates, so that Parse can report problems in the order a user reads the file and
// catch a key written twice (encoding/json silently keeps the last one).
type jsonNode struct {
	kind  jsonKind
	keys  []string    // object keys, file order, duplicates kept
	vals  []*jsonNode // object values, parallel to keys
	items []*jsonNode // array items
	str   string
	num   json.Number
}

type jsonKind int

const (
	kindNull jsonKind = iota
	kindObject
	kindArray
	kindString
	kindNumber
	kindBool
)

func (k jsonKind) describe() string {
	switch k {
	case kindObject:
		return "an object"
	case kindArray:
		return "a list"
	case kindString:
		return "a string"
	case kindNumber:
		return "a number"
	case kindBool:
		return "true/false"
	default:
		return "null"
	}
}

// maxJSONDepth bounds recursion: the configuration is at most a few levels deep, and a
// hostile file must not exhaust the stack.
const maxJSONDepth = 64

// decodeTree reads exactly one JSON value from data. Errors carry line and column.
func decodeTree(data []byte) (*jsonNode, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	root, err := readNode(dec, 0)
	if err != nil {
		return nil, positioned(data, dec, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%s: unexpected data after the configuration object; a file holds one JSON object",
			lineCol(data, dec.InputOffset()))
	}
	return root, nil
}

func readNode(dec *json.Decoder, depth int) (*jsonNode, error) {
	if depth > maxJSONDepth {
		return nil, errors.New("nested too deeply")
	}
	tok, err := dec.Token()
	if err != nil {
		if err == io.EOF {
			return nil, io.ErrUnexpectedEOF
		}
		return nil, err
	}
	switch v := tok.(type) {
	case json.Delim:
		switch v {
		case '{':
			n := &jsonNode{kind: kindObject}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				key, ok := kt.(string)
				if !ok {
					return nil, fmt.Errorf("object key expected")
				}
				val, err := readNode(dec, depth+1)
				if err != nil {
					return nil, err
				}
				n.keys = append(n.keys, key)
				n.vals = append(n.vals, val)
			}
			if _, err := dec.Token(); err != nil { // '}'
				return nil, err
			}
			return n, nil
		case '[':
			n := &jsonNode{kind: kindArray, items: []*jsonNode{}}
			for dec.More() {
				item, err := readNode(dec, depth+1)
				if err != nil {
					return nil, err
				}
				n.items = append(n.items, item)
			}
			if _, err := dec.Token(); err != nil { // ']'
				return nil, err
			}
			return n, nil
		}
		return nil, fmt.Errorf("unexpected %q", v)
	case string:
		return &jsonNode{kind: kindString, str: v}, nil
	case json.Number:
		return &jsonNode{kind: kindNumber, num: v}, nil
	case bool:
		return &jsonNode{kind: kindBool}, nil
	case nil:
		return &jsonNode{kind: kindNull}, nil
	}
	return nil, fmt.Errorf("unexpected token %v", tok)
}

// positioned turns a decoder error into "line L, column C: what".
func positioned(data []byte, dec *json.Decoder, err error) error {
	off := dec.InputOffset()
	var se *json.SyntaxError
	if errors.As(err, &se) {
		off = se.Offset
	}
	msg := err.Error()
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		msg = "the file ends early: a closing brace, bracket or quote is missing"
	}
	return fmt.Errorf("%s: invalid JSON: %s", lineCol(data, off), msg)
}

func lineCol(data []byte, off int64) string {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	line, col := 1, 1
	for _, b := range data[:off] {
		if b == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return fmt.Sprintf("line %d, column %d", line, col)
}
