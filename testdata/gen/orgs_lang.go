package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// enOrgs: US restaurants, shops and child-care centres.
var enOrgs = orgLanguage{
	variants:  3,
	cities:    []string{"Los Angeles", "New York", "San Francisco", "Atlanta", "Chicago", "Las Vegas", "Seattle", "Boston", "Houston", "West Hollywood", "Saint Louis", "Santa Monica"},
	zipFormat: "%05d",
	name: func(rnd *rand.Rand) (string, string) {
		owners := []string{"Morton", "Gianelli", "Chen", "Patel", "O'Brien", "Rossi", "Nakamura", "Delgado", "Kowalski", "Murphy", "Schwartz", "Duval",
			"Hernandez", "Okafor", "Lindqvist", "Papadopoulos", "Cohen", "Russo", "Kim", "Fischer", "Moreau", "Walsh", "Ivanova", "Haddad"}
		adjs := []string{"Golden", "Blue", "Red", "Green", "Little", "Happy", "Silver", "Rustic", "Royal", "Sunny", "Hidden", "Old", "Urban", "Lucky", "Bright", "Wild"}
		nouns := []string{"Dragon", "Door", "Lantern", "Olive", "Oak", "Garden", "Harbor", "Spoon", "Fork", "Pepper", "Onion", "Bear", "Star", "Lotus", "Anchor", "Sparrow", "Meadow", "Acorn"}
		kinds := []string{"Delicatessen", "Grill", "Diner", "Bistro", "Pizzeria", "Steakhouse", "Bakery", "Kitchen", "Tavern", "Restaurant", "Noodle House", "Taqueria"}
		types := []string{"American", "Italian", "Chinese", "Mexican", "Delis", "Steakhouses", "Californian", "French", "Child Care", "Bakeries"}
		switch rnd.IntN(7) {
		case 0:
			return pick(rnd, owners) + "'s " + pick(rnd, kinds), pick(rnd, types)
		case 1:
			return "The " + pick(rnd, adjs) + " " + pick(rnd, nouns), pick(rnd, types)
		case 2:
			return pick(rnd, nouns) + " & " + pick(rnd, nouns) + " " + pick(rnd, kinds), pick(rnd, types)
		case 3:
			return "Cafe " + pick(rnd, owners), pick(rnd, types)
		case 4:
			return "Hotel " + pick(rnd, adjs) + " " + pick(rnd, nouns), "Hotels"
		case 5:
			return pick(rnd, adjs) + " " + pick(rnd, nouns) + " Learning Center", "Child Care"
		}
		return pick(rnd, adjs) + " " + pick(rnd, nouns) + " " + pick(rnd, kinds), pick(rnd, types)
	},
	nameVariant: func(rnd *rand.Rand, s string) string {
		switch rnd.IntN(10) {
		case 0:
			return replaceOne(rnd, s, [][2]string{{" & ", " and "}, {"Cafe", "Café"}, {"Delicatessen", "Deli"}, {"Restaurant", "Rest."}, {"Center", "Ctr."}})
		case 1: // "The " written or not
			if strings.HasPrefix(s, "The ") {
				return strings.TrimPrefix(s, "The ")
			}
			return "The " + s
		case 2: // a possessive written without its apostrophe, or without its s
			if strings.Contains(s, "'s ") {
				return strings.Replace(s, "'s ", pick(rnd, []string{"s ", " "}), 1)
			}
			return s
		case 3:
			return s + pick(rnd, []string{" Inc.", ", Inc.", " LLC", " Inc"})
		case 4: // word order: "Hotel Bel-Air", "Bel-Air Hotel"
			for _, w := range []string{"Cafe ", "Hotel ", "Café "} {
				if strings.HasPrefix(s, w) {
					return strings.TrimPrefix(s, w) + " " + strings.TrimSpace(w)
				}
			}
			return s
		case 5: // a branch suffix
			return s + pick(rnd, []string{" - Downtown", " #2", " (Midtown)", " - Main St."})
		case 6:
			return strings.ToUpper(s)
		case 7:
			return typo(rnd, s)
		}
		return s
	},
	nearName: func(rnd *rand.Rand, s string) string {
		return s + pick(rnd, []string{" Express", " Too", " II", " Catering", " Annex"})
	},
	address: func(rnd *rand.Rand) string {
		streets := []string{"La Cienega", "Ventura", "Sunset", "Main", "Oak", "Maple", "Broadway", "Peachtree", "Mission", "Pine", "Washington",
			"Lincoln", "Market", "Wilshire", "Lake", "Hill", "Park", "Highland", "Melrose", "Fairfax", "Canyon", "Madison", "Columbus", "Spring"}
		types := []string{"St.", "Ave.", "Blvd.", "Rd.", "Dr.", "Ln.", "Pl."}
		a := fmt.Sprintf("%d ", 1+rnd.IntN(9999))
		if rnd.IntN(3) == 0 {
			a += pick(rnd, []string{"N.", "S.", "E.", "W."}) + " "
		}
		a += pick(rnd, streets) + " " + pick(rnd, types)
		if rnd.IntN(5) == 0 {
			a += fmt.Sprintf(" Suite %d", 100+rnd.IntN(900))
		}
		return a
	},
	addressVariant: func(rnd *rand.Rand, s string) string {
		switch rnd.IntN(6) {
		case 0, 1:
			return replaceOne(rnd, s, [][2]string{{"St.", "Street"}, {"Ave.", "Avenue"}, {"Blvd.", "Blv."}, {"Blvd.", "Boulevard"}, {"Rd.", "Road"},
				{"Dr.", "Drive"}, {"Ln.", "Lane"}, {"Pl.", "Place"}, {"N.", "North"}, {"S.", "South"}, {"E.", "East"}, {"W.", "West"}, {"Suite", "Ste."}, {"Suite ", "#"}})
		case 2: // the suite left out
			if i := strings.Index(s, " Suite"); i > 0 {
				return s[:i]
			}
			return strings.ReplaceAll(s, ".", "")
		case 3:
			return typo(rnd, s)
		}
		return s
	},
	cityVariant: func(rnd *rand.Rand, s string) string {
		if rnd.IntN(6) > 0 {
			return s
		}
		return replaceOne(rnd, s, [][2]string{{"West ", "W. "}, {"Saint ", "St. "}, {"New York", "New York City"}, {"Los Angeles", "LA"}})
	},
	phone: func(rnd *rand.Rand) string {
		return tenDigits(rnd, []string{"310", "213", "818", "212", "415", "404", "312", "702", "206", "617", "713", "323"})
	},
	writePhone: func(rnd *rand.Rand, d string) string {
		switch rnd.IntN(5) {
		case 0:
			return d[:3] + "/" + d[3:6] + "-" + d[6:]
		case 1:
			return "(" + d[:3] + ") " + d[3:6] + "-" + d[6:]
		case 2:
			return "+1 " + d[:3] + " " + d[3:6] + " " + d[6:]
		case 3:
			return d[:3] + "." + d[3:6] + "." + d[6:]
		}
		return d[:3] + "-" + d[3:6] + "-" + d[6:]
	},
}

// ruOrgs: Russian companies and sole traders, with no INN written.
var ruOrgs = orgLanguage{
	variants:  1,
	cities:    []string{"Москва", "Санкт-Петербург", "Казань", "Тверь", "Самара", "Екатеринбург", "Новосибирск", "Пермь", "Воронеж", "Ростов-на-Дону"},
	zipFormat: "1%05d",
	name: func(rnd *rand.Rand) (string, string) {
		cores := []string{"Ромашка", "Вектор", "Альфа", "Техносфера", "Север", "Гранит", "Меридиан", "Прогресс", "Импульс", "Орбита", "Сфера",
			"Стройресурс", "Лотос", "Кедр", "Волна", "Радуга", "Эталон", "Феникс", "Аврора", "Магистраль", "Полюс", "Атлант", "Бриз", "Зенит"}
		tails := []string{"", "", " Плюс", " Групп", " Сервис", " Трейд", "-Центр", " и партнёры"}
		kinds := []string{"Розничная торговля", "Строительство", "Общепит", "Перевозки", "Услуги"}
		if rnd.IntN(6) == 0 { // a sole trader
			last := pick(rnd, lastNames)
			return "ИП " + last + " " + pick(rnd, firstNames) + " " + pick(rnd, patronymics), pick(rnd, kinds)
		}
		core := pick(rnd, cores) + pick(rnd, tails)
		if rnd.IntN(5) == 0 {
			core = "Торговый дом " + core
		}
		return pick(rnd, []string{"ООО", "ООО", "ООО", "АО", "ЗАО"}) + " «" + core + "»", pick(rnd, kinds)
	},
	nameVariant: func(rnd *rand.Rand, s string) string {
		form, core, quoted := splitRuOrg(s)
		if !quoted && form != "ИП" {
			return s // written once already: the variants below need the canonical name
		}
		switch rnd.IntN(6) {
		case 0:
			core = replaceOne(rnd, core, [][2]string{{"Торговый дом", "ТД"}, {"-Центр", " Центр"}, {" и ", " & "}})
		case 1:
			core = strings.ReplaceAll(core, "ё", "е")
		}
		if rnd.IntN(6) == 0 {
			core = typo(rnd, core)
		}
		branch := ""
		if form != "ИП" && rnd.IntN(8) == 0 {
			branch = pick(rnd, []string{" (филиал)", ", филиал", " - обособленное подразделение"})
		}
		switch rnd.IntN(8) {
		case 0:
			if form == "ИП" { // "ИП Иванов Иван Иванович" → "ИП Иванов И.И."
				if p := strings.Fields(core); len(p) == 3 {
					return "ИП " + p[0] + " " + string([]rune(p[1])[:1]) + "." + string([]rune(p[2])[:1]) + "."
				}
			}
			return core + " " + form + branch
		case 1:
			return "\"" + strings.ToUpper(core) + "\", " + form + branch
		case 2:
			if form == "ООО" {
				return "Общество с ограниченной ответственностью \"" + core + "\"" + branch
			}
			return form + " \"" + core + "\"" + branch
		case 3: // the legal form left out
			if form == "ИП" {
				return "Индивидуальный предприниматель " + core
			}
			return core + branch
		case 4:
			return form + " " + core + branch
		}
		if form == "ИП" {
			return form + " " + core
		}
		return form + " «" + core + "»" + branch
	},
	nearName: func(rnd *rand.Rand, s string) string {
		form, core, _ := splitRuOrg(s)
		return form + " «" + core + pick(rnd, []string{"-2", " Плюс", " Новый", "-М", " Логистик"}) + "»"
	},
	address: func(rnd *rand.Rand) string {
		streets := []string{"Ленина", "Мира", "Гагарина", "Советская", "Садовая", "Школьная", "Лесная", "Молодёжная", "Набережная", "Пушкина",
			"Кирова", "Победы", "Чкалова", "Строителей", "Заводская", "Профсоюзная"}
		kind := pick(rnd, []string{"ул.", "ул.", "ул.", "пр-т", "пер."})
		a := fmt.Sprintf("%s %s, д. %d", kind, pick(rnd, streets), 1+rnd.IntN(150))
		switch rnd.IntN(4) {
		case 0:
			a += fmt.Sprintf(", офис %d", 1+rnd.IntN(400))
		case 1:
			a += fmt.Sprintf(", стр. %d", 1+rnd.IntN(5))
		}
		return a
	},
	addressVariant: func(rnd *rand.Rand, s string) string {
		switch rnd.IntN(6) {
		case 0:
			return strings.NewReplacer("ул. ", "улица ", "д. ", "дом ", "пр-т ", "проспект ", "пер. ", "переулок ", "офис ", "оф. ", "стр. ", "строение ").Replace(s)
		case 1:
			return strings.ReplaceAll(strings.ReplaceAll(s, ", д. ", " "), "ё", "е")
		case 2: // the office left out
			if i := strings.Index(s, ", офис"); i > 0 {
				return s[:i]
			}
			return strings.ReplaceAll(s, ", ", " ")
		case 3:
			return typo(rnd, s)
		}
		return s
	},
	cityVariant: func(rnd *rand.Rand, s string) string {
		switch rnd.IntN(6) {
		case 0:
			return "г. " + s
		case 1:
			return strings.ToUpper(s)
		}
		return s
	},
	phone: func(rnd *rand.Rand) string {
		return tenDigits(rnd, []string{"495", "499", "812", "843", "482", "846", "343", "383", "342", "473", "863"})
	},
	writePhone: func(rnd *rand.Rand, d string) string {
		switch rnd.IntN(4) {
		case 0:
			return "+7 (" + d[:3] + ") " + d[3:6] + "-" + d[6:8] + "-" + d[8:]
		case 1:
			return "8 (" + d[:3] + ") " + d[3:6] + "-" + d[6:8] + "-" + d[8:]
		case 2:
			return "8" + d
		}
		return "+7 " + d[:3] + " " + d[3:]
	},
}

// splitRuOrg takes "ООО «Ромашка»" apart: the form, the core and whether
// the core was quoted.
func splitRuOrg(s string) (form, core string, quoted bool) {
	form, core, _ = strings.Cut(s, " ")
	if strings.HasPrefix(core, "«") && strings.HasSuffix(core, "»") {
		return form, strings.TrimSuffix(strings.TrimPrefix(core, "«"), "»"), true
	}
	return form, core, false
}
