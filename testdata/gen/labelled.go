package main

import (
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// writeLabelled writes a labelled deduplication benchmark into dir:
// crm.csv and site.csv describe n invented customers, many of them twice in
// different forms, and truth.csv says which rows are one customer
// (source,source_key,entity). It holds the hard negatives that make
// over-merging show: namesakes, a whole company behind one switchboard
// phone, companies with near-identical names and different INNs.
func writeLabelled(dir string, n int, seed uint64) error {
	rnd := rand.New(rand.NewPCG(seed, seed^0x51ed27))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	header := []string{"Код", "Наименование", "ИНН", "Телефон", "E-mail", "Город", "Дата рождения", "Адрес"}
	files := map[string][][]string{"crm": {header}, "site": {header}}
	truth := [][]string{{"source", "source_key", "entity"}}
	keyN := 0
	emit := func(source, entity string, row []string) {
		keyN++
		key := fmt.Sprintf("%s-%06d", source, keyN)
		files[source] = append(files[source], append([]string{key}, row...))
		truth = append(truth, []string{source, key, entity})
	}
	mobileCodes := []int{903, 905, 906, 909, 910, 912, 915, 916, 917, 919, 920, 921, 925, 926, 929, 953, 960, 961, 962, 963, 964, 965, 977, 980, 981, 985, 987, 988, 999}
	phone := func() string {
		return fmt.Sprintf("%03d%07d", mobileCodes[rnd.IntN(len(mobileCodes))], rnd.IntN(10_000_000))
	}
	fmtPhone := func(d string) string {
		switch rnd.IntN(4) {
		case 0:
			return "+7 (" + d[:3] + ") " + d[3:6] + "-" + d[6:8] + "-" + d[8:]
		case 1:
			return "8" + d
		case 2:
			return "8 " + d[:3] + " " + d[3:6] + " " + d[6:8] + " " + d[8:]
		}
		return "7" + d
	}
	personName := func(last, first, middle string) string {
		switch rnd.IntN(5) {
		case 0:
			return strings.ToUpper(last + " " + first + " " + middle)
		case 1:
			return first + " " + middle + " " + last
		case 2:
			return last + " " + string([]rune(first)[:1]) + "." + string([]rune(middle)[:1]) + "."
		}
		return last + " " + first + " " + middle
	}
	orgName := func(form, core string) string {
		switch rnd.IntN(4) {
		case 0:
			return core + " " + form
		case 1:
			return "\"" + strings.ToUpper(core) + "\", " + form
		case 2:
			return form + " \"" + core + "\""
		}
		return form + " «" + core + "»"
	}
	female := func(s string) string {
		switch {
		case strings.HasSuffix(s, "ий"):
			return strings.TrimSuffix(s, "ий") + "ая"
		default:
			return s + "а"
		}
	}
	streets := []string{"Ленина", "Мира", "Гагарина", "Советская", "Садовая", "Школьная", "Лесная", "Молодёжная", "Набережная", "Пушкина"}
	address := func() string {
		return fmt.Sprintf("ул. %s, д. %d, кв. %d", streets[rnd.IntN(len(streets))], 1+rnd.IntN(120), 1+rnd.IntN(300))
	}
	// writeAddress writes one address as people do: abbreviated or not.
	writeAddress := func(a string) string {
		switch rnd.IntN(3) {
		case 0:
			return strings.NewReplacer("ул. ", "улица ", "д. ", "дом ", "кв. ", "квартира ").Replace(a)
		case 1:
			return strings.ReplaceAll(a, ", ", " ")
		}
		return a
	}
	birthDate := func() string {
		return fmt.Sprintf("%02d.%02d.%d", 1+rnd.IntN(28), 1+rnd.IntN(12), 1950+rnd.IntN(50))
	}
	for e := 0; e < n; e++ {
		entity := fmt.Sprintf("e%06d", e)
		city := cities[rnd.IntN(len(cities))]
		copies := 1 + rnd.IntN(3) // one to three rows of the same customer
		if rnd.IntN(2) == 0 {
			last, first := lastNames[rnd.IntN(len(lastNames))], firstNames[rnd.IntN(len(firstNames))]
			middle := patronymics[rnd.IntN(len(patronymics))]
			if rnd.IntN(3) == 0 { // some women
				last, first, middle = female(last), femaleFirst[rnd.IntN(len(femaleFirst))], strings.TrimSuffix(middle, "ич")+"на"
			}
			mobile := phone()
			email := fmt.Sprintf("%s.%d@mail.example", translitSimple(first), e)
			birth := birthDate()
			home := address()
			for c := 0; c < copies; c++ {
				row := []string{personName(last, first, middle), "", fmtPhone(mobile), "", city, "", ""}
				if c == 0 || rnd.IntN(2) == 0 {
					row[3] = email
					if rnd.IntN(3) == 0 {
						row[3] = strings.ToUpper(email)
					}
				}
				if rnd.IntN(3) == 0 {
					row[5] = birth
				}
				if rnd.IntN(3) == 0 {
					row[6] = writeAddress(home)
				}
				emit([]string{"crm", "site"}[c%2], entity, row)
			}
			switch rnd.IntN(24) {
			case 0: // seen once more with no phone or e-mail: name, birth date and address
				emit("site", entity, []string{last + " " + first + " " + middle, "", "", "", city, birth, writeAddress(home)})
				emit("crm", entity, []string{last + " " + first + " " + middle, "", fmtPhone(mobile), "", city, birth, home})
			case 1: // a woman who married: another surname, the same first name, patronymic, birth date and phone
				if strings.HasSuffix(middle, "на") {
					emit("crm", entity, []string{last + " " + first + " " + middle, "", fmtPhone(mobile), "", city, birth, ""})
					emit("site", entity, []string{female(lastNames[rnd.IntN(len(lastNames))]) + " " + first + " " + middle, "", fmtPhone(mobile), "", city, birth, ""})
				}
			case 2: // a birth date mistyped by one digit
				d := []byte(birth)
				d[len(d)-1] = '0' + (d[len(d)-1]-'0'+1)%10
				emit("crm", entity, []string{last + " " + first + " " + middle, "", fmtPhone(mobile), email, city, birth, ""})
				emit("site", entity, []string{last + " " + first + " " + middle, "", fmtPhone(mobile), "", city, string(d), ""})
			case 4: // without the patronymic and with typos: the given name first and a letter swapped in the surname, or two letters swapped in each word; the same phone
				emit("crm", entity, []string{last + " " + first, "", fmtPhone(mobile), email, city, birth, ""})
				typed := first + " " + swapLetters(rnd, last)
				if rnd.IntN(2) == 0 {
					typed = swapLetters(rnd, last+" "+first)
				}
				emit("site", entity, []string{typed, "", fmtPhone(mobile), "", city, "", ""})
			case 5: // a lead from the site with only the first name, the phone and the e-mail
				emit("site", entity, []string{first, "", fmtPhone(mobile), email, "", "", ""})
			case 6: // a woman who married, written without her patronymic: the first name, birth date and phone agree
				if strings.HasSuffix(middle, "на") {
					emit("crm", entity, []string{last + " " + first, "", fmtPhone(mobile), "", city, birth, ""})
					emit("site", entity, []string{female(lastNames[rnd.IntN(len(lastNames))]) + " " + first, "", fmtPhone(mobile), "", city, birth, ""})
				}
			case 3: // a father and son of one name at one home: two customers
				if !strings.HasSuffix(middle, "на") {
					emit("crm", entity, []string{last + " " + first + " " + middle, "", fmtPhone(mobile), email, city, birth, home})
					year, _ := strconv.Atoi(birth[6:])
					son := fmt.Sprintf("%02d.%02d.%d", 1+rnd.IntN(28), 1+rnd.IntN(12), year+20+rnd.IntN(16))
					emit("site", entity+"-son", []string{last + " " + first + " " + middle, "", fmtPhone(mobile), "", city, son, writeAddress(home)})
				}
			}
			// A namesake: the same name, another person.
			if rnd.IntN(8) == 0 {
				emit("crm", entity+"-namesake", []string{last + " " + first + " " + middle, "", fmtPhone(phone()), "",
					cities[rnd.IntN(len(cities))], birthDate(), ""})
			}
			continue
		}
		core := fmt.Sprintf("%s %s", orgWords[rnd.IntN(len(orgWords))], lastNames[rnd.IntN(len(lastNames))])
		form := forms[rnd.IntN(3)]
		inn := inn10(rnd)
		office := phone()
		hq := address()
		for c := 0; c < copies; c++ {
			row := []string{orgName(form, core), "", fmtPhone(office), "", city, "", ""}
			if c == 0 || rnd.IntN(2) == 0 {
				row[1] = inn
			}
			if rnd.IntN(2) == 0 {
				row[3] = fmt.Sprintf("sales%d@firm.example", e)
			}
			if rnd.IntN(2) == 0 {
				row[6] = writeAddress(hq)
			}
			emit([]string{"crm", "site"}[c%2], entity, row)
		}
		// Seen once more with only its name, address and city.
		if rnd.IntN(12) == 0 {
			emit("site", entity, []string{orgName(form, core), "", "", "", city, "", writeAddress(hq)})
			emit("crm", entity, []string{orgName(form, core), inn, fmtPhone(office), "", city, "", hq})
		}
		// A company with a near-identical name and its own INN.
		if rnd.IntN(6) == 0 {
			emit("site", entity+"-other", []string{orgName(form, core+"-2"), inn10(rnd), fmtPhone(phone()), "", city, "", ""})
		}
		// A whole company behind one switchboard: its people, each their own customer.
		if rnd.IntN(25) == 0 {
			for k := 0; k < 15; k++ {
				emit("crm", fmt.Sprintf("%s-staff%d", entity, k), []string{
					lastNames[rnd.IntN(len(lastNames))] + " " + firstNames[rnd.IntN(len(firstNames))] + " " + patronymics[rnd.IntN(len(patronymics))],
					"", fmtPhone(office), "", city, "", ""})
			}
		}
	}
	for name, rows := range files {
		if err := writeCSV(filepath.Join(dir, name+".csv"), rows); err != nil {
			return err
		}
	}
	return writeCSV(filepath.Join(dir, "truth.csv"), truth)
}

// swapLetters swaps two neighbouring letters of each word of four letters
// or more ("Петров" → "Петорв"), as a hurried typist does.
func swapLetters(rnd *rand.Rand, s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		r := []rune(w)
		if len(r) < 4 {
			continue
		}
		j := 1 + rnd.IntN(len(r)-2)
		r[j], r[j+1] = r[j+1], r[j]
		words[i] = string(r)
	}
	return strings.Join(words, " ")
}

var femaleFirst = []string{"Анна", "Мария", "Елена", "Ольга", "Наталья", "Ирина", "Татьяна", "Светлана"}

func translitSimple(s string) string {
	t := map[rune]string{'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "e", 'ж': "zh", 'з': "z", 'и': "i",
		'й': "y", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'п': "p", 'р': "r", 'с': "s", 'т': "t", 'у': "u", 'ф': "f",
		'х': "h", 'ц': "c", 'ч': "ch", 'ш': "sh", 'щ': "sch", 'ы': "y", 'э': "e", 'ю': "yu", 'я': "ya", 'ь': "", 'ъ': ""}
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		b.WriteString(t[r])
	}
	return b.String()
}

func writeCSV(path string, rows [][]string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	w.WriteAll(rows)
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
