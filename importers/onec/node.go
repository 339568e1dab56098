package onec

import (
	"encoding/xml"
	"strings"
)

// node is one decoded element: enough of XML to read a 1C object without
// a schema for each configuration.
type node struct {
	XMLName  xml.Name
	Attrs    []xml.Attr `xml:",any,attr"`
	Text     string     `xml:",chardata"`
	Children []node     `xml:",any"`
}

func decodeNode(dec *xml.Decoder, t xml.StartElement) (*node, error) {
	var n node
	if err := dec.DecodeElement(&n, &t); err != nil {
		return nil, err
	}
	return &n, nil
}

// child is the first child of that local name, or nil.
func (n *node) child(name string) *node {
	if n == nil {
		return nil
	}
	for i := range n.Children {
		if n.Children[i].XMLName.Local == name {
			return &n.Children[i]
		}
	}
	return nil
}

// path follows children by name: n.path("Контакты", "Контакт").
func (n *node) path(names ...string) *node {
	for _, name := range names {
		n = n.child(name)
	}
	return n
}

// all are the children of that local name.
func (n *node) all(name string) []*node {
	if n == nil {
		return nil
	}
	var out []*node
	for i := range n.Children {
		if n.Children[i].XMLName.Local == name {
			out = append(out, &n.Children[i])
		}
	}
	return out
}

// text is the trimmed text of a child ("" when there is none).
func (n *node) text(name string) string {
	return n.child(name).value()
}

func (n *node) value() string {
	if n == nil {
		return ""
	}
	return strings.TrimSpace(n.Text)
}

func (n *node) attr(name string) string {
	if n == nil {
		return ""
	}
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// find is the first descendant of that local name, depth first.
func (n *node) find(name string) *node {
	if n == nil {
		return nil
	}
	for i := range n.Children {
		c := &n.Children[i]
		if c.XMLName.Local == name {
			return c
		}
		if f := c.find(name); f != nil {
			return f
		}
	}
	return nil
}
