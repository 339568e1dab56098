package onec

import (
	"encoding/xml"
	"errors"
	"fmt"
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

// Limits of one object, far beyond what 1C writes (its objects nest a
// dozen levels, its fields hold lines of text), so that a hostile or broken
// file is one bad object instead of a stack or memory blown.
const (
	maxObjectDepth = 1000    // elements nested inside one object
	maxTextBytes   = 4 << 20 // text of one element
)

// errObjectLimit marks an object past the limits above: the object is bad,
// the file goes on.
var errObjectLimit = errors.New("object too large")

// decodeNode reads the element t opens into a node, without recursion,
// within the limits above. Past a limit it reads on to the element's end,
// keeping nothing, and returns an errObjectLimit error; a syntax error of
// the file comes back as it is.
func decodeNode(dec *xml.Decoder, t xml.StartElement) (*node, error) {
	root := &node{XMLName: t.Name, Attrs: t.Copy().Attr}
	open := []*node{root}
	var tooLarge error
	for len(open) > 0 {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if tooLarge != nil {
				open = append(open, nil) // only counted
				continue
			}
			if len(open) >= maxObjectDepth {
				tooLarge = fmt.Errorf("%w: elements nested more than %d deep", errObjectLimit, maxObjectDepth)
				open = append(open, nil)
				continue
			}
			top := open[len(open)-1]
			// The open child is always the last: a pointer to it stays
			// good until it closes, whatever its parent appends later.
			top.Children = append(top.Children, node{XMLName: tok.Name, Attrs: tok.Copy().Attr})
			open = append(open, &top.Children[len(top.Children)-1])
		case xml.EndElement:
			open = open[:len(open)-1]
		case xml.CharData:
			if tooLarge != nil {
				continue
			}
			top := open[len(open)-1]
			if len(top.Text)+len(tok) > maxTextBytes {
				tooLarge = fmt.Errorf("%w: the text of %s is too long (more than %d MB)", errObjectLimit, top.XMLName.Local, maxTextBytes>>20)
				top.Text = ""
				continue
			}
			top.Text += string(tok)
		}
	}
	if tooLarge != nil {
		return nil, tooLarge
	}
	return root, nil
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
