package crmkit

import "testing"

func TestMask(t *testing.T) {
	for _, tt := range []struct{ got, want string }{
		{MaskPhone("+74951234567"), "+7495*****67"},
		{MaskPhone("8 (495) 123-45-67"), "8 (495) ***-**-67"},
		{MaskPhone("123-45-67"), "1**-**-67"},
		{MaskPhone("112"), "***"},
		{MaskEmail("ivan.petrov@mail.ru"), "i***@mail.ru"},
		{MaskEmail("иван@почта.рф"), "и***@почта.рф"},
		{MaskEmail("no-at-sign"), "n***"},
		{MaskText(""), ""},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func TestProblemString(t *testing.T) {
	p := Problem{File: "a.xlsx", Row: 7, Field: FieldINN, Code: "inn.bad_checksum", Message: "INN 7707****** fails its checksum"}
	if got, want := p.String(), "a.xlsx row 7 inn: inn.bad_checksum: INN 7707****** fails its checksum"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
