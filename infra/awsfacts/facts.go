// Package awsfacts holds the facts about AWS partitions and regions that the program depends on, as
// rows of data, each with where it was read and when. Code and the offline plan's mocks both read
// these rows, so a fact is written once; where AWS can answer at run time (an invoke), the program
// asks AWS and only the mocks answer from here.
//
// Rows live in files named for their topic (endpoints.go, principals.go, ...). Tests that check the
// program's behaviour must not compare against these rows: they transcribe expected values from the
// cited source, so that a wrong row fails a test.
package awsfacts

import "fmt"

// Source is where a fact was read: a URL, or a repository and path (at a commit where it matters),
// and the date it was read (YYYY-MM-DD).
type Source struct {
	Ref  string
	Read string
}

func (s Source) String() string { return fmt.Sprintf("%s (read %s)", s.Ref, s.Read) }
