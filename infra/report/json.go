package report

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
)

// WriteJSON prints the document as the JSON contract.
func WriteJSON(w io.Writer, d *Document) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(d)
}

// ReadJSON loads a document saved with -json.
func ReadJSON(path string) (*Document, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var d Document
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("%s is not a saved plan (-json output): %w", path, err)
	}
	return &d, nil
}

// compact renders a value on one line.
func compact(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
