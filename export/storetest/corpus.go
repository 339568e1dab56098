package storetest

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/crmkit/crmkit"
)

// corpus is a labelled set of cleansed records: which entity each record
// truly is, and earlier versions of some records (a row that changed
// between two exports). It holds what breaks matching across runs: people
// of one company behind one switchboard, two companies sharing an 8-800
// number, a husband and wife with one home phone, namesakes, a record
// that gains a phone, people matched by name and birth date alone.
type corpus struct {
	records  []crmkit.Record // final versions
	earlier  []crmkit.Record // earlier versions of some of them (same source key)
	entities map[crmkit.SourceKey]string
}

var (
	lastNames   = []string{"Иванов", "Петров", "Сидоров", "Смирнов", "Кузнецов", "Попов", "Соколов", "Лебедев", "Козлов", "Новиков", "Морозов", "Волков", "Алексеев", "Фёдоров", "Орлов", "Зайцев"}
	firstNames  = []string{"Иван", "Пётр", "Сергей", "Андрей", "Дмитрий", "Алексей", "Олег", "Павел", "Михаил", "Николай"}
	femaleFirst = []string{"Анна", "Елена", "Ольга", "Мария", "Наталья", "Татьяна"}
	patronymics = []string{"Иванович", "Петрович", "Сергеевич", "Андреевич", "Олегович", "Павлович"}
	orgCores    = []string{"Ромашка", "Вектор", "Альфа", "Бета", "Гранит", "Сигма", "Восход", "Заря", "Меридиан", "Орбита", "Прогресс", "Рассвет", "Спектр", "Технолайн", "Уран", "Фаворит"}
)

// orgINN makes a valid 10-digit INN from a number.
func orgINN(n int) string {
	d := fmt.Sprintf("77%07d", n)
	w := []int{2, 4, 10, 3, 5, 9, 4, 6, 8}
	sum := 0
	for i, c := range d {
		sum += int(c-'0') * w[i]
	}
	return d + fmt.Sprint(sum%11%10)
}

func newCorpus(seed uint64, entities int) corpus {
	rnd := rand.New(rand.NewPCG(seed, seed^0x9e3779b9))
	c := corpus{entities: map[crmkit.SourceKey]string{}}
	keyN := 0
	mobile := func() string {
		return fmt.Sprintf("+7 9%02d %03d-%02d-%02d", rnd.IntN(100), rnd.IntN(1000), rnd.IntN(100), rnd.IntN(100))
	}
	emit := func(entity string, fields map[string]string) *crmkit.Record {
		keyN++
		source := []string{"crm", "site"}[rnd.IntN(2)]
		rec := cleanRecord(crmkit.Record{Source: source, Key: fmt.Sprintf("%s-%05d", source, keyN), File: source + ".csv", Row: keyN + 1, Fields: fields})
		c.records = append(c.records, rec)
		c.entities[crmkit.SourceKey{Source: rec.Source, Key: rec.Key}] = entity
		return &c.records[len(c.records)-1]
	}
	// changed re-cleanses a record with other fields: its earlier version.
	changed := func(i int, fields map[string]string) {
		r := c.records[i]
		c.earlier = append(c.earlier, cleanRecord(crmkit.Record{Source: r.Source, Key: r.Key, File: "old-" + r.File, Row: r.Row, Fields: fields}))
	}
	personName := func(last, first, middle string) string {
		switch rnd.IntN(4) {
		case 0:
			return strings.ToUpper(last + " " + first + " " + middle)
		case 1:
			return last + " " + string([]rune(first)[:1]) + ". " + string([]rune(middle)[:1]) + "."
		}
		return last + " " + first + " " + middle
	}
	for e := 0; e < entities; e++ {
		id := fmt.Sprintf("e%d", e)
		last, first, middle := lastNames[rnd.IntN(len(lastNames))], firstNames[rnd.IntN(len(firstNames))], patronymics[rnd.IntN(len(patronymics))]
		switch kind := e % 8; kind {
		case 0, 1, 2: // a person, seen one to three times
			phone, email := mobile(), fmt.Sprintf("p%d@mail.example", e)
			birth := ""
			if rnd.IntN(3) == 0 {
				birth = fmt.Sprintf("19%02d-%02d-%02d", 50+rnd.IntN(50), 1+rnd.IntN(12), 1+rnd.IntN(28))
			}
			n := 1 + rnd.IntN(3)
			for i := 0; i < n; i++ {
				f := map[string]string{"name": personName(last, first, middle), "city": "Москва"}
				switch rnd.IntN(3) {
				case 0:
					f["phone"] = phone
				case 1:
					f["email"] = email
				default:
					f["phone"], f["email"] = phone, email
				}
				if birth != "" {
					f["birth_date"] = birth
					if i > 0 && rnd.IntN(2) == 0 { // name and birth date alone
						delete(f, "phone")
						delete(f, "email")
						f["name"] = last + " " + first + " " + middle
					}
				}
				if rnd.IntN(4) == 0 {
					f["revenue"] = fmt.Sprint(50 * (1 + rnd.IntN(5)))
				}
				emit(id, f)
				if i == n-1 && n > 1 && rnd.IntN(3) == 0 { // it gained a phone since the earlier export
					g := map[string]string{}
					for k, v := range f {
						g[k] = v
					}
					delete(g, "phone")
					if g["email"] == "" && g["birth_date"] == "" {
						g["email"] = email
					}
					changed(len(c.records)-1, g)
				}
			}
		case 3: // a company with an INN, seen twice, and its staff behind one switchboard
			core := orgCores[e/8%len(orgCores)] + fmt.Sprint(e)
			inn := orgINN(e)
			board := fmt.Sprintf("+7 495 %03d-%02d-%02d", e%1000, rnd.IntN(100), rnd.IntN(100))
			emit(id, map[string]string{"name": "ООО «" + core + "»", "inn": inn, "phone": board})
			emit(id, map[string]string{"name": core + " ООО", "inn": inn, "phone": board, "city": "Москва"})
			for s := 0; s < 12; s++ {
				staff := fmt.Sprintf("%s-staff%d", id, s)
				emit(staff, map[string]string{"name": lastNames[s] + " " + firstNames[s%len(firstNames)], "phone": board + "; " + mobile(), "org": core})
			}
		case 4: // two companies sharing an 8-800 number
			shared := fmt.Sprintf("8-800-%03d-%02d-%02d", e%1000, rnd.IntN(100), rnd.IntN(100))
			for k := 0; k < 2; k++ {
				oid := fmt.Sprintf("%s-%d", id, k)
				core := orgCores[(e+k)%len(orgCores)] + fmt.Sprint(e, k)
				emit(oid, map[string]string{"name": "ООО «" + core + "»", "inn": orgINN(e*2 + k + 500000), "phone": shared})
				emit(oid, map[string]string{"name": "ООО «" + core + "»", "inn": orgINN(e*2 + k + 500000), "email": fmt.Sprintf("office%d-%d@firm.example", e, k)})
			}
		case 5: // a husband and wife with one home phone
			home := fmt.Sprintf("+7 495 %03d-%02d-%02d", 500+e%500, rnd.IntN(100), rnd.IntN(100))
			wife := femaleFirst[rnd.IntN(len(femaleFirst))]
			emit(id+"-h", map[string]string{"name": last + " " + first + " " + middle, "phone": home})
			emit(id+"-w", map[string]string{"name": last + "а " + wife + " " + strings.TrimSuffix(middle, "ич") + "на", "phone": home})
			emit(id+"-h", map[string]string{"name": last + " " + first + " " + middle, "phone": home, "email": fmt.Sprintf("h%d@mail.example", e)})
		case 6: // namesakes: one name, nothing else shared
			emit(id+"-a", map[string]string{"name": last + " " + first + " " + middle, "phone": mobile()})
			emit(id+"-b", map[string]string{"name": last + " " + first + " " + middle, "phone": mobile()})
			// Two companies of one name and two INNs, and a card without an
			// INN that shares the phone of one and the e-mail of the other:
			// it may join one of them, never both.
			core := "Вектор" + fmt.Sprint(e)
			phone, email := fmt.Sprintf("+7 812 %03d-%02d-%02d", e%1000, rnd.IntN(100), rnd.IntN(100)), fmt.Sprintf("vector%d@firm.example", e)
			emit(id+"-spb", map[string]string{"name": "ООО «" + core + "»", "inn": orgINN(e + 800000), "phone": phone, "city": "Санкт-Петербург"})
			emit(id+"-spb", map[string]string{"name": "ООО «" + core + "»", "phone": phone, "email": email, "city": "Санкт-Петербург"})
			emit(id+"-msk", map[string]string{"name": "ООО «" + core + "»", "inn": orgINN(e + 900000), "email": email})
		case 7: // a ПАО and a person sharing a phone
			p := mobile()
			emit(id+"-org", map[string]string{"name": "ПАО «" + orgCores[e%len(orgCores)] + fmt.Sprint(e) + "»", "inn": orgINN(e + 700000), "phone": p})
			emit(id+"-person", map[string]string{"name": last + " " + first + " " + middle, "phone": p})
		}
	}
	return c
}
