package importers

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	xunicode "golang.org/x/text/encoding/unicode"
)

// cyrillicFiles are short customer tables as people save them: a header
// and one to three rows, capitals-heavy company names, names only.
var cyrillicFiles = []struct {
	name, text string
	names      []string // the name column of each record
}{
	{"org-caps", "Наименование;ИНН;Телефон\r\nООО «РОМАШКА»;7707083893;8 495 123-45-67\r\n",
		[]string{"ООО «РОМАШКА»"}},
	{"caps-only", "НАИМЕНОВАНИЕ;ТЕЛЕФОН\r\nЗАО ЛУЧ;84951234567\r\nИП СИДОРОВ;89161234567\r\n",
		[]string{"ЗАО ЛУЧ", "ИП СИДОРОВ"}},
	{"names-only", "ФИО\r\nИванов Иван Иванович\r\n", []string{"Иванов Иван Иванович"}},
	{"names-two", "ФИО;Город\r\nСидорова Анна Петровна;Тверь\r\nЧехов Дмитрий;Самара\r\n",
		[]string{"Сидорова Анна Петровна", "Чехов Дмитрий"}},
	{"customers", "Контрагент;ИНН;Телефон;E-mail;Город\r\n" +
		"ООО \"Вектор-Центр\";7701234567;+7 (495) 765-43-21;info@vector.ru;Москва\r\n" +
		"ИП Юрьева Юлия Юрьевна;500100732259;8-916-111-22-33;yu@mail.ru;Подольск\r\n" +
		"АО «Щит и Меч»;7812345678;(812) 333-44-55;;Санкт-Петербург\r\n",
		[]string{`ООО "Вектор-Центр"`, "ИП Юрьева Юлия Юрьевна", "АО «Щит и Меч»"}},
	{"mac-style", "Клиент;Телефон;Адрес\rЁлкина Мария;8 903 000 11 22;г. Екатеринбург, ул. Ленина, д. 5\rФёдоров Пётр;8 921 222 33 44;г. Уфа\r",
		[]string{"Ёлкина Мария", "Фёдоров Пётр"}},
	{"one-row-lower-heavy", "Наименование;Комментарий\r\nбухгалтерия;звонить после обеда, спросить главного\r\n",
		[]string{"бухгалтерия"}},
	{"tab", "Наименование\tКонтактное лицо\tТелефон\r\nТД «ЭНЕРГИЯ»\tЩукин Эдуард\t8 800 555 35 35\r\n",
		[]string{"ТД «ЭНЕРГИЯ»"}},
}

var textEncodings = []struct {
	name string
	enc  encoding.Encoding
}{
	{"windows-1251", charmap.Windows1251},
	{"koi8-r", charmap.KOI8R},
	{"cp866", charmap.CodePage866},
	{"x-mac-cyrillic", charmap.MacintoshCyrillic},
	{"utf-8", xunicode.UTF8},
	{"utf-16le", xunicode.UTF16(xunicode.LittleEndian, xunicode.IgnoreBOM)},
	{"utf-16le-bom", xunicode.UTF16(xunicode.LittleEndian, xunicode.UseBOM)},
}

// Every short table, in every encoding, is read as written: detected as
// the encoding it was written in, and its names come back letter for
// letter.
func TestDetectCyrillicEncodings(t *testing.T) {
	for _, f := range cyrillicFiles {
		for _, e := range textEncodings {
			t.Run(f.name+"/"+e.name, func(t *testing.T) {
				text, names := f.text, f.names
				if _, err := e.enc.NewEncoder().String(text); err != nil {
					// KOI8-R and CP866 have no «»: files in them quote with ".
					text, names = noGuillemets(text), strings.Split(noGuillemets(strings.Join(names, "|")), "|")
				}
				path := writeEncoded(t, f.name+".csv", e.enc.NewEncoder(), text)
				info, recs := readAll(t, path, Options{})
				if info.Encoding != e.name && !readsAlike(t, path, info.Encoding, e.name) {
					t.Errorf("encoding %s (confidence %.2f), want %s", info.Encoding, info.EncodingConfidence, e.name)
				}
				// All capitals in Windows-1251 read as lower case in KOI8-R
				// (they swap case): only letter pairs tell them apart.
				if info.EncodingConfidence < 0.8 {
					t.Errorf("confidence %.2f", info.EncodingConfidence)
				}
				var got []string
				for _, r := range recs {
					got = append(got, r.Fields["name"])
				}
				if strings.Join(got, "|") != strings.Join(names, "|") {
					t.Errorf("names %q, want %q", got, names)
				}
			})
		}
	}
}

// Windows-1251 and Mac Cyrillic share their lower-case а–ю: a file
// without capitals, я or ё reads the same under both, so either answer
// is right; the reader must read it right.
func TestMacCyrillicLowerCaseOnly(t *testing.T) {
	text := "комментарий;город\nзвонить вечером;москва\n"
	for _, enc := range []*charmap.Charmap{charmap.Windows1251, charmap.MacintoshCyrillic} {
		b, err := enc.NewEncoder().String(text)
		if err != nil {
			t.Fatal(err)
		}
		name, _, _ := detectEncoding([]byte(b))
		got, _ := encodings[name].NewDecoder().String(b)
		if got != text || (name != "windows-1251" && name != "x-mac-cyrillic") {
			t.Errorf("%s: detected %s, reads %q", enc, name, got)
		}
	}
}

// --encoding takes x-mac-cyrillic (and mac-cyrillic) and it wins over
// detection.
func TestMacCyrillicOverride(t *testing.T) {
	for _, name := range []string{"x-mac-cyrillic", "X-Mac-Cyrillic", "mac-cyrillic"} {
		if err := CheckEncoding(name); err != nil {
			t.Errorf("CheckEncoding(%q): %v", name, err)
		}
	}
	if err := CheckEncoding("mac-roman"); err == nil || !strings.Contains(err.Error(), "x-mac-cyrillic") {
		t.Errorf("unknown encoding: %v, want the known ones listed", err)
	}
	path := writeEncoded(t, "m.csv", charmap.MacintoshCyrillic.NewEncoder(), "ФИО;Город\rЯковлев Яков;Ярославль\r")
	info, recs := readAll(t, path, Options{Encoding: "Mac-Cyrillic"})
	if info.Encoding != "x-mac-cyrillic" || info.EncodingConfidence != 1 || len(recs) != 1 || recs[0].Fields["city"] != "Ярославль" {
		t.Errorf("override: %+v %+v", info, recs)
	}
}

// Short tables drawn at random from customer-like parts, in each one-byte
// code page: how often detection names the right one. Files whose bytes
// read alike under two code pages count as right under either.
func TestDetectCyrillicAccuracy(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 1))
	people := []string{"Иванов Иван Иванович", "Петрова Мария", "Сидоров П. А.", "Кузнецова Юлия Сергеевна", "Смирнов Андрей",
		"Ёлкин Фёдор", "Яковлева Ксения", "Чернов Эдуард", "Щербаков Олег", "Жукова Дарья", "ЦОЙ ВИКТОР", "Шевчук Юрий"}
	orgs := []string{"ООО «РОМАШКА»", "ЗАО \"ЛУЧ\"", "ИП Березин", "АО «Газпром нефть»", "ООО ТД ЭНЕРГИЯ", "ПАО СБЕРБАНК",
		"ООО «Вектор-Центр»", "НКО Фонд «Добро»", "ГУП МОСГОРТРАНС", "ООО Ясень"}
	cities := []string{"Москва", "Тверь", "Санкт-Петербург", "Уфа", "Ярославль", "Екатеринбург", "Чебоксары", "Щёлково", ""}
	headers := []string{"Наименование;Телефон;Город", "ФИО;Тел.;Город", "КОНТРАГЕНТ;ТЕЛЕФОН;ГОРОД", "Клиент;Телефон;Населённый пункт"}
	const perEncoding = 400
	for _, cp := range []string{"windows-1251", "koi8-r", "cp866", "x-mac-cyrillic"} {
		right := 0
		var wrong []string
		for n := 0; n < perEncoding; n++ {
			var b strings.Builder
			b.WriteString(headers[rng.IntN(len(headers))] + "\r\n")
			for range 1 + rng.IntN(3) {
				name := people[rng.IntN(len(people))]
				if rng.IntN(2) == 0 {
					name = orgs[rng.IntN(len(orgs))]
				}
				fmt.Fprintf(&b, "%s;8 9%02d %03d-%02d-%02d;%s\r\n", name, rng.IntN(100), rng.IntN(1000), rng.IntN(100), rng.IntN(100), cities[rng.IntN(len(cities))])
			}
			text := b.String()
			if cp == "koi8-r" || cp == "cp866" {
				text = noGuillemets(text)
			}
			raw, err := encodings[cp].NewEncoder().String(text)
			if err != nil {
				t.Fatal(err)
			}
			got, _, _ := detectEncoding([]byte(raw))
			if read, _ := encodings[got].NewDecoder().String(raw); read == text {
				right++
			} else if len(wrong) < 3 {
				wrong = append(wrong, got+": "+read)
			}
		}
		t.Logf("%s: %d/%d short tables read right", cp, right, perEncoding)
		if right != perEncoding {
			t.Errorf("%s: %d of %d short tables read wrong, e.g. %q", cp, perEncoding-right, perEncoding, wrong)
		}
	}
}

func noGuillemets(s string) string { return strings.NewReplacer("«", `"`, "»", `"`).Replace(s) }

// readsAlike: the file's bytes read the same under both encodings (an
// all-capitals table is the same in CP866 and Mac Cyrillic), so either
// answer is right.
func readsAlike(t *testing.T, path, a, b string) bool {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ea, eb := encodings[a], encodings[b]
	if ea == nil || eb == nil {
		return false
	}
	ra, _ := ea.NewDecoder().String(string(raw))
	rb, _ := eb.NewDecoder().String(string(raw))
	return ra == rb
}

// Detection never panics, names an encoding the reader knows and is sure
// between 0 and 1, whatever the bytes.
func FuzzDetectEncoding(f *testing.F) {
	for _, file := range cyrillicFiles {
		for _, e := range textEncodings {
			if b, err := e.enc.NewEncoder().String(noGuillemets(file.text)); err == nil {
				f.Add([]byte(b))
			}
		}
	}
	f.Add([]byte{0x04, 0x00, 0x04})
	f.Fuzz(func(t *testing.T, sample []byte) {
		name, bom, confidence := detectEncoding(sample)
		if _, ok := encodings[name]; !ok || bom > len(sample) || confidence < 0 || confidence > 1 {
			t.Errorf("detectEncoding = %q, %d, %v", name, bom, confidence)
		}
	})
}
