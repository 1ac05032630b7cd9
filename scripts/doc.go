// Package scripts holds no Go code: it is the home of the tests of the shell scripts
// beside it (demo.sh, down.sh, lib.sh), which run them the way `make demo` does, from
// a copy of the checkout in a private directory.
package scripts
