package calendar

// The built-in schedules, copied from the State Council General Office's
// notices (国务院办公厅关于…年部分节假日安排的通知) as Xinhua published them in
// full; every date was checked against the weekday the notice gives it.
//
//   - 2025: 国办发明电〔2024〕12号, 2024-11-12, the first schedule under the
//     全国年节及纪念日放假办法 as revised in November 2024 (from 2025 a day
//     more for Spring Festival, from 除夕, and for Labour Day, 5月2日).
//     https://m.gmw.cn/2024-11/12/content_1303894933.htm
//   - 2026: notice of 2025-11-04.
//     https://politics.gmw.cn/2025-11/04/content_38391083.htm
//
// 2027 is not here: its notice had not been found published when this
// table was written (it usually appears in November of the year before).
// Nothing is guessed for it, not even the fixed-date holidays, since a
// notice also moves weekends; a year without a schedule counts weekends
// only and is reported as not covered (Calendar.Covers, Uncovered), until
// UNIONHUB_HOLIDAYS_FILE gives it.

// builtin returns the built-in years, fresh each call.
func builtin() []Year {
	return []Year{
		{Year: 2025, Source: "国办发明电〔2024〕12号 (2024-11-12)",
			Holidays: spans(
				"2025-01-01", "2025-01-01", // 元旦, Wednesday, no make-up day
				"2025-01-28", "2025-02-04", // 春节, 除夕 to 正月初七, 8 days
				"2025-04-04", "2025-04-06", // 清明节
				"2025-05-01", "2025-05-05", // 劳动节, 5 days
				"2025-05-31", "2025-06-02", // 端午节
				"2025-10-01", "2025-10-08", // 国庆节、中秋节, 8 days
			),
			Workdays: dates(
				"2025-01-26", "2025-02-08", // Sunday, Saturday: 春节
				"2025-04-27",               // Sunday: 劳动节
				"2025-09-28", "2025-10-11", // Sunday, Saturday: 国庆节
			)},
		{Year: 2026, Source: "国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04)",
			Holidays: spans(
				"2026-01-01", "2026-01-03", // 元旦
				"2026-02-15", "2026-02-23", // 春节, 腊月二十八 to 正月初七, 9 days
				"2026-04-04", "2026-04-06", // 清明节
				"2026-05-01", "2026-05-05", // 劳动节, 5 days
				"2026-06-19", "2026-06-21", // 端午节
				"2026-09-25", "2026-09-27", // 中秋节
				"2026-10-01", "2026-10-07", // 国庆节, 7 days
			),
			Workdays: dates(
				"2026-01-04",               // Sunday: 元旦
				"2026-02-14", "2026-02-28", // Saturdays: 春节
				"2026-05-09",               // Saturday: 劳动节
				"2026-09-20", "2026-10-10", // Sunday, Saturday: 国庆节
			)},
	}
}

// spans returns every day of the inclusive spans given as pairs of dates.
func spans(pairs ...string) []Date {
	var out []Date
	for i := 0; i+1 < len(pairs); i += 2 {
		from, to := MustParseDate(pairs[i]), MustParseDate(pairs[i+1])
		for d := from; !d.After(to); d = d.AddDays(1) {
			out = append(out, d)
		}
	}
	return out
}

// dates parses each date.
func dates(ss ...string) []Date {
	out := make([]Date, len(ss))
	for i, s := range ss {
		out[i] = MustParseDate(s)
	}
	return out
}
