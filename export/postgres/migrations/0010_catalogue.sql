-- What the store holds, said in the catalogue (psql \d+, BI tools), in
-- English and Russian, and two views for readers that want no joins:
-- customers (one row per customer with its contacts and organisation) and
-- customer_sources (each customer's source records).
CREATE TABLE IF NOT EXISTS store_state (name TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE VIEW customers AS
SELECT c.personal_id, c.kind, c.name, c.last_name, c.first_name, c.middle_name, c.org_name, c.legal_form,
       c.inn, c.kpp, c.address, c.city, c.org_id, o.name AS organization,
       CASE WHEN c.revenue = '' THEN NULL ELSE CAST(c.revenue AS NUMERIC(18, 2)) END AS revenue, c.abc_class,
       (SELECT string_agg(p.value || CASE WHEN p.extension <> '' THEN ' доб. ' || p.extension ELSE '' END, '; ' ORDER BY p.ord)
          FROM contact_points p WHERE p.personal_id = c.personal_id AND p.type = 'phone') AS phones,
       (SELECT string_agg(p.value, '; ' ORDER BY p.ord) FROM contact_points p WHERE p.personal_id = c.personal_id AND p.type = 'email') AS emails,
       (SELECT count(*) FROM records r WHERE r.personal_id = c.personal_id) AS source_records
FROM cards c LEFT JOIN cards o ON o.personal_id = c.org_id AND c.org_id <> '';

CREATE VIEW customer_sources AS
SELECT r.personal_id, r.source, r.source_key, r.file, r.row_num, r.first_run, r.run_id AS content_run
FROM records r;

COMMENT ON VIEW customers IS 'One row per customer: the card with its phones, e-mails, organisation, revenue and ABC class. / Одна строка на клиента: карточка с телефонами, e-mail, организацией, выручкой и классом ABC.';
COMMENT ON VIEW customer_sources IS 'Each customer''s source records: where each came from. / Исходные записи каждого клиента: откуда каждая.';
COMMENT ON TABLE runs IS 'Every run of crmkit (import, review apply, train, undo, forget): what it read and what it changed. / Каждый запуск crmkit: что прочитано и что изменено.';
COMMENT ON COLUMN runs.id IS 'The run''s number. / Номер запуска.';
COMMENT ON COLUMN runs.started_at IS 'When it started (RFC 3339, UTC). / Время начала (RFC 3339, UTC).';
COMMENT ON COLUMN runs.finished_at IS 'When it committed (RFC 3339, UTC); empty while running. / Время завершения; пусто, пока идёт.';
COMMENT ON COLUMN runs.command IS 'The command line, with the store''s password hidden. / Командная строка (пароль скрыт).';
COMMENT ON COLUMN runs.files IS 'JSON: the files read, with their SHA-256 and row counts. / JSON: прочитанные файлы, их SHA-256 и число строк.';
COMMENT ON COLUMN runs.records IS 'Source records read. / Прочитано исходных записей.';
COMMENT ON COLUMN runs.problems IS 'Problems found. / Найдено проблем.';
COMMENT ON COLUMN runs.duplicates IS 'Records that joined another customer. / Записей, объединённых с другим клиентом.';
COMMENT ON COLUMN runs.cards_created IS 'Customers created. / Создано клиентов.';
COMMENT ON COLUMN runs.cards_updated IS 'Customers whose card changed. / Изменено карточек.';
COMMENT ON COLUMN runs.cards_merged IS 'Customers merged into another (now aliases). / Клиентов слито с другими (стали псевдонимами).';
COMMENT ON COLUMN runs.links_created IS 'Source records seen for the first time. / Впервые увиденных исходных записей.';
COMMENT ON COLUMN runs.undone_by IS 'The run that undid this one, if any. / Запуск, отменивший этот.';
COMMENT ON TABLE records IS 'Every source record the store has seen, cleaned: the truth cards are built from. / Каждая исходная запись после очистки: из них строятся карточки.';
COMMENT ON COLUMN records.seq IS 'Order of first sighting. / Порядок первого появления.';
COMMENT ON COLUMN records.source IS 'The source (system or file group) it came from. / Источник (система или группа файлов).';
COMMENT ON COLUMN records.source_key IS 'Its key in the source (Код, Ид, or a key made of its identity fields). / Ключ записи в источнике.';
COMMENT ON COLUMN records.personal_id IS 'The customer it belongs to (cards.personal_id). / Клиент, к которому относится запись.';
COMMENT ON COLUMN records.first_id IS 'The personal ID it was first given; a split gives it back. / Первый присвоенный ей ID клиента.';
COMMENT ON COLUMN records.component IS 'Its match component: the personal ID of the component''s oldest customer. / Компонента сопоставления.';
COMMENT ON COLUMN records.file IS 'The file of its last sighting. / Файл последнего появления.';
COMMENT ON COLUMN records.row_num IS 'The row (or 1C object ordinal) of its last sighting. / Строка последнего появления.';
COMMENT ON COLUMN records.data IS 'JSON: the cleaned record (fields, phones, e-mails, match keys). / JSON: очищенная запись.';
COMMENT ON COLUMN records.run_id IS 'The run that wrote its content. / Запуск, записавший содержимое.';
COMMENT ON COLUMN records.ord IS 'Its place among that run''s records. / Её место среди записей того запуска.';
COMMENT ON COLUMN records.first_run IS 'The run that first saw it. / Запуск, впервые её увидевший.';
COMMENT ON TABLE record_keys IS 'Index of the keys records are blocked on (INN, phone, e-mail, name keys). / Индекс ключей, по которым ищутся кандидаты в дубли.';
COMMENT ON COLUMN record_keys.key IS 'A block key: "inn:…", "phone:…", "email:…", "name:…", "ref:…". / Ключ блокировки.';
COMMENT ON COLUMN record_keys.seq IS 'The record holding it (records.seq). / Запись, которой принадлежит ключ.';
COMMENT ON TABLE record_versions IS 'The record rows each run replaced or added, so that runs undo undoes it exactly. / Версии записей до каждого запуска (для отмены).';
COMMENT ON COLUMN record_versions.run_id IS 'The run that replaced the row. / Запуск, заменивший строку.';
COMMENT ON COLUMN record_versions.seq IS 'The record (records.seq). / Запись.';
COMMENT ON COLUMN record_versions.existed IS '1: the row as it was before the run; 0: the run added the record. / 1 — строка до запуска; 0 — запуск добавил запись.';
COMMENT ON COLUMN record_versions.source IS 'As records.source before the run. / Как records.source до запуска.';
COMMENT ON COLUMN record_versions.source_key IS 'As records.source_key before the run. / Как records.source_key до запуска.';
COMMENT ON COLUMN record_versions.personal_id IS 'As records.personal_id before the run. / Как records.personal_id до запуска.';
COMMENT ON COLUMN record_versions.first_id IS 'As records.first_id before the run. / Как records.first_id до запуска.';
COMMENT ON COLUMN record_versions.component IS 'As records.component before the run. / Как records.component до запуска.';
COMMENT ON COLUMN record_versions.file IS 'As records.file before the run. / Как records.file до запуска.';
COMMENT ON COLUMN record_versions.row_num IS 'As records.row_num before the run. / Как records.row_num до запуска.';
COMMENT ON COLUMN record_versions.data IS 'As records.data before the run. / Как records.data до запуска.';
COMMENT ON COLUMN record_versions.data_run IS 'As records.run_id before the run. / Как records.run_id до запуска.';
COMMENT ON COLUMN record_versions.ord IS 'As records.ord before the run. / Как records.ord до запуска.';
COMMENT ON COLUMN record_versions.first_run IS 'As records.first_run before the run. / Как records.first_run до запуска.';
COMMENT ON TABLE cards IS 'One row per customer: the golden record built from all its source records. / Одна строка на клиента: «золотая запись» из всех его исходных записей.';
COMMENT ON COLUMN cards.personal_id IS 'The customer''s stable personal ID (UUID v7). / Постоянный персональный ID клиента (UUID v7).';
COMMENT ON COLUMN cards.kind IS 'person, organization, contact_person or unknown. / Вид: person, organization, contact_person, unknown.';
COMMENT ON COLUMN cards.name IS 'The name as the card shows it. / Наименование или ФИО.';
COMMENT ON COLUMN cards.last_name IS 'Surname (people). / Фамилия.';
COMMENT ON COLUMN cards.first_name IS 'Given name (people). / Имя.';
COMMENT ON COLUMN cards.middle_name IS 'Patronymic or middle names (people). / Отчество.';
COMMENT ON COLUMN cards.org_name IS 'An organisation''s name with its legal form. / Наименование организации с формой.';
COMMENT ON COLUMN cards.legal_form IS 'Legal form (ООО, АО, ИП, …). / Организационно-правовая форма.';
COMMENT ON COLUMN cards.inn IS 'ИНН (taxpayer number), checksum-valid. / ИНН (с верной контрольной суммой).';
COMMENT ON COLUMN cards.kpp IS 'KPP, the tax registration reason code. / КПП.';
COMMENT ON COLUMN cards.address IS 'Address. / Адрес.';
COMMENT ON COLUMN cards.city IS 'City. / Город.';
COMMENT ON COLUMN cards.org_id IS 'A contact person''s organisation (cards.personal_id). / Организация контактного лица.';
COMMENT ON COLUMN cards.revenue IS 'Revenue summed over its source records (decimal text). / Выручка по всем исходным записям.';
COMMENT ON COLUMN cards.abc_class IS 'ABC class by revenue (A, B, C; empty when unranked). / Класс ABC по выручке.';
COMMENT ON TABLE contact_points IS 'A customer''s phones and e-mails, in the card''s order. / Телефоны и e-mail клиента.';
COMMENT ON COLUMN contact_points.personal_id IS 'The customer (cards.personal_id). / Клиент.';
COMMENT ON COLUMN contact_points.ord IS 'Its place on the card. / Порядок в карточке.';
COMMENT ON COLUMN contact_points.type IS 'phone or email. / phone или email.';
COMMENT ON COLUMN contact_points.value IS 'E.164 phone or lower-case e-mail. / Телефон в E.164 или e-mail.';
COMMENT ON COLUMN contact_points.extension IS 'Phone extension (доб.). / Добавочный номер.';
COMMENT ON COLUMN contact_points.source IS 'The source it came from. / Источник.';
COMMENT ON TABLE aliases IS 'Personal IDs merged into another: an alias leads to the surviving customer. / Псевдонимы: ID клиентов, слитых с другими.';
COMMENT ON COLUMN aliases.alias_id IS 'The merged personal ID. / Слитый ID.';
COMMENT ON COLUMN aliases.personal_id IS 'The surviving customer''s ID. / ID сохранившегося клиента.';
COMMENT ON COLUMN aliases.run_id IS 'The run that merged it. / Запуск, выполнивший слияние.';
COMMENT ON TABLE alias_versions IS 'Alias rows each run replaced or added (for undo). / Версии псевдонимов до каждого запуска (для отмены).';
COMMENT ON COLUMN alias_versions.run_id IS 'The run that replaced the row. / Запуск.';
COMMENT ON COLUMN alias_versions.alias_id IS 'The alias. / Псевдоним.';
COMMENT ON COLUMN alias_versions.existed IS '1: the row before the run; 0: added by the run. / 1 — строка до запуска; 0 — добавлена запуском.';
COMMENT ON COLUMN alias_versions.personal_id IS 'As aliases.personal_id before the run. / Как aliases.personal_id до запуска.';
COMMENT ON COLUMN alias_versions.alias_run IS 'As aliases.run_id before the run. / Как aliases.run_id до запуска.';
COMMENT ON TABLE decisions IS 'A person''s decisions on pairs of records: the same customer or not (review apply). / Решения по парам записей: один клиент или разные.';
COMMENT ON COLUMN decisions.a_source IS 'First record''s source. / Источник первой записи.';
COMMENT ON COLUMN decisions.a_key IS 'First record''s key. / Ключ первой записи.';
COMMENT ON COLUMN decisions.b_source IS 'Second record''s source. / Источник второй записи.';
COMMENT ON COLUMN decisions.b_key IS 'Second record''s key. / Ключ второй записи.';
COMMENT ON COLUMN decisions.same IS '1: one customer; 0: different customers. / 1 — один клиент; 0 — разные.';
COMMENT ON COLUMN decisions.run_id IS 'The run that recorded it. / Запуск, записавший решение.';
COMMENT ON TABLE decision_versions IS 'Decision rows each run replaced or added (for undo). / Версии решений до каждого запуска (для отмены).';
COMMENT ON COLUMN decision_versions.run_id IS 'The run that replaced the row. / Запуск.';
COMMENT ON COLUMN decision_versions.a_source IS 'As decisions.a_source. / Как decisions.a_source.';
COMMENT ON COLUMN decision_versions.a_key IS 'As decisions.a_key. / Как decisions.a_key.';
COMMENT ON COLUMN decision_versions.b_source IS 'As decisions.b_source. / Как decisions.b_source.';
COMMENT ON COLUMN decision_versions.b_key IS 'As decisions.b_key. / Как decisions.b_key.';
COMMENT ON COLUMN decision_versions.existed IS '1: the row before the run; 0: added by the run. / 1 — строка до запуска; 0 — добавлена.';
COMMENT ON COLUMN decision_versions.same IS 'As decisions.same before the run. / Как decisions.same до запуска.';
COMMENT ON COLUMN decision_versions.decision_run IS 'As decisions.run_id before the run. / Как decisions.run_id до запуска.';
COMMENT ON TABLE review_pairs IS 'Pairs a person should decide (grey zone or refused merges), per run. / Пары на ручную проверку.';
COMMENT ON COLUMN review_pairs.id IS 'Row number. / Номер строки.';
COMMENT ON COLUMN review_pairs.run_id IS 'The run that found the pair. / Запуск.';
COMMENT ON COLUMN review_pairs.score IS 'The pair''s match weight. / Вес совпадения.';
COMMENT ON COLUMN review_pairs.explanation IS 'Each field''s level and weight, readable. / Пояснение: уровни и веса полей.';
COMMENT ON COLUMN review_pairs.a IS 'JSON: the first record. / JSON: первая запись.';
COMMENT ON COLUMN review_pairs.b IS 'JSON: the second record. / JSON: вторая запись.';
COMMENT ON TABLE problems IS 'What each run found wrong in its input, per file, row and field (values masked). / Проблемы во входных данных (значения замаскированы).';
COMMENT ON COLUMN problems.id IS 'Row number. / Номер строки.';
COMMENT ON COLUMN problems.run_id IS 'The run. / Запуск.';
COMMENT ON COLUMN problems.file IS 'The input file. / Файл.';
COMMENT ON COLUMN problems.row_num IS 'The row (or 1C object ordinal). / Строка.';
COMMENT ON COLUMN problems.field IS 'The field. / Поле.';
COMMENT ON COLUMN problems.code IS 'A stable problem code (phone.invalid, row.total, …). / Код проблемы.';
COMMENT ON COLUMN problems.severity IS 'error, warning or info. / Серьёзность.';
COMMENT ON COLUMN problems.message IS 'What is wrong, with personal values masked. / Описание (персональные данные скрыты).';
COMMENT ON TABLE sightings IS 'Every row of every file as its latest run read it: which source record it was. / Каждая строка каждого файла и её исходная запись.';
COMMENT ON COLUMN sightings.file IS 'The file. / Файл.';
COMMENT ON COLUMN sightings.row_num IS 'The row. / Строка.';
COMMENT ON COLUMN sightings.source IS 'The record''s source. / Источник записи.';
COMMENT ON COLUMN sightings.source_key IS 'The record''s key. / Ключ записи.';
COMMENT ON COLUMN sightings.run_id IS 'The run that read it. / Запуск.';
COMMENT ON TABLE match_model IS 'The match weights estimated from the store''s records (crmkit train), so nightly runs stay stable. / Модель весов совпадения.';
COMMENT ON COLUMN match_model.id IS 'Row number. / Номер строки.';
COMMENT ON COLUMN match_model.params IS 'JSON: m, u, λ and term frequencies. / JSON: параметры модели.';
COMMENT ON COLUMN match_model.records IS 'Records it was estimated from. / Число записей при оценке.';
COMMENT ON COLUMN match_model.run_id IS 'The run that estimated it. / Запуск.';
COMMENT ON TABLE schema_migrations IS 'The schema versions applied. / Применённые миграции схемы.';
COMMENT ON COLUMN schema_migrations.version IS 'Migration number. / Номер миграции.';
COMMENT ON COLUMN schema_migrations.name IS 'Migration file. / Файл миграции.';
COMMENT ON COLUMN schema_migrations.applied_at IS 'When it was applied. / Когда применена.';
COMMENT ON TABLE store_state IS 'crmkit''s own bookkeeping: the keys version, the ABC thresholds in force. / Служебное состояние crmkit.';
COMMENT ON COLUMN store_state.name IS 'What it is. / Имя.';
COMMENT ON COLUMN store_state.value IS 'Its value. / Значение.';
COMMENT ON TABLE tombstones IS 'Source records of forgotten customers (crmkit forget): no personal values, only the key, so that a later import of it is reported instead of bringing the customer back. / Записи забытых клиентов (crmkit forget): без персональных данных, только ключ.';
COMMENT ON COLUMN tombstones.source IS 'The record''s source. / Источник записи.';
COMMENT ON COLUMN tombstones.source_key IS 'The record''s key in its source (or a digest of its cleaned fields). / Ключ записи в источнике (или его хеш).';
COMMENT ON COLUMN tombstones.personal_id IS 'The customer it belonged to. / Клиент, которому принадлежала запись.';
COMMENT ON COLUMN tombstones.run_id IS 'The forget run. / Запуск forget.';
COMMENT ON COLUMN tombstones.forgotten_at IS 'When it was forgotten (RFC 3339, UTC). / Когда удалена.';
COMMENT ON COLUMN tombstones.reason IS 'The reason given (--reason). / Указанная причина.';
