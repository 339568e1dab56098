package dedupe

import (
	"fmt"
	"math"
)

// Config holds the weights and thresholds of matching; the zero value of a
// field means its default. It is the `dedupe:` section of crmkit.yaml.
type Config struct {
	Merge        float64 `yaml:"merge"`         // score at or above which two records are one customer (6)
	Review       float64 `yaml:"review"`        // score from which a pair goes to review (3)
	Strong       float64 `yaml:"strong"`        // score that may join two groups on one link alone (9)
	MaxKeyShare  int     `yaml:"max_key_share"` // a phone/e-mail/name key shared by more records is demoted (10)
	KeepBranches bool    `yaml:"keep_branches"` // one INN with different KPPs: separate customers

	INN            float64 `yaml:"inn"`             // valid INNs equal (8)
	Phone          float64 `yaml:"phone"`           // a shared phone (4; each further one +1)
	Demoted        float64 `yaml:"demoted"`         // a shared phone or e-mail that too many records share (1.5): evidence, never a match alone
	Email          float64 `yaml:"email"`           // a shared personal e-mail (4)
	RoleEmail      float64 `yaml:"role_email"`      // a shared info@-type e-mail (1)
	Name           float64 `yaml:"name"`            // names equal or nearly so (4)
	Initials       float64 `yaml:"initials"`        // "Иванов И.И." vs "Иванов Иван Иванович" (2.5)
	NameDiffer     float64 `yaml:"name_differ"`     // clearly different names (-3)
	ContactsDiffer float64 `yaml:"contacts_differ"` // two people with phones or e-mails, none shared (-2): namesakes
	BirthDate      float64 `yaml:"birth_date"`      // equal birth dates (3)
	City           float64 `yaml:"city"`            // same city (0.5)
	Address        float64 `yaml:"address"`         // the same address, or one that holds the other's words (2.5)
	AddressDiffer  float64 `yaml:"address_differ"`  // two organisations at clearly different addresses (-2): branches of a chain

	// Weights: "learned" (the default) estimates match weights from the
	// data (Train) and stores them with the store; "fixed" scores with the
	// hand-set weights above.
	Weights string `yaml:"weights"`
	// With a model (match weights learned from the data, see Train), the
	// thresholds are match probabilities; the hand-set weights above are
	// used only without one.
	MatchProbability  float64 `yaml:"match_probability"`  // merge at or above (0.9)
	ReviewProbability float64 `yaml:"review_probability"` // review from (0.3)
	StrongProbability float64 `yaml:"strong_probability"` // may join two groups on one link alone (0.99999)
	Model             *Params `yaml:"-"`                  // the model in use; nil: the hand-set weights
}

// WithDefaults fills what the user left out.
func (c Config) WithDefaults() Config {
	def := func(v *float64, d float64) {
		if *v == 0 {
			*v = d
		}
	}
	def(&c.Merge, 6)
	def(&c.Review, 3)
	def(&c.Strong, 9)
	if c.MaxKeyShare == 0 {
		c.MaxKeyShare = 10
	}
	def(&c.INN, 8)
	def(&c.Phone, 4)
	def(&c.Demoted, 1.5)
	def(&c.Email, 4)
	def(&c.RoleEmail, 1)
	def(&c.Name, 4)
	def(&c.Initials, 2.5)
	def(&c.NameDiffer, -3)
	def(&c.ContactsDiffer, -2)
	def(&c.BirthDate, 3)
	def(&c.City, 0.5)
	def(&c.Address, 2.5)
	def(&c.AddressDiffer, -2)
	def(&c.MatchProbability, 0.9)
	def(&c.ReviewProbability, 0.3)
	def(&c.StrongProbability, 0.99999)
	if c.Model != nil {
		c.Merge, c.Review, c.Strong = logit(c.MatchProbability), logit(c.ReviewProbability), logit(c.StrongProbability)
	}
	return c
}

// Check rejects values no run could use.
func (c Config) Check() error {
	if c.Weights != "" && c.Weights != "learned" && c.Weights != "fixed" {
		return fmt.Errorf("weights %q: learned or fixed", c.Weights)
	}
	for _, p := range []struct {
		name string
		v    float64
	}{{"match_probability", c.MatchProbability}, {"review_probability", c.ReviewProbability}, {"strong_probability", c.StrongProbability}} {
		if p.v != 0 && (p.v <= 0 || p.v >= 1) {
			return fmt.Errorf("%s %v: a probability between 0 and 1", p.name, p.v)
		}
	}
	return nil
}

// Learned tells whether runs score with a model estimated from the data.
func (c Config) Learned() bool { return c.Weights != "fixed" }

// logit is the match weight of a probability.
func logit(p float64) float64 { return math.Log2(p / (1 - p)) }
