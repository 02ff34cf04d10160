package codes

// provinces are the mainland province-level codes of GB/T 2260. Taiwan (71),
// Hong Kong (81) and Macau (82) are left out: no mainland resident ID and no
// union in UnionHub carries them.
var provinces = map[string]string{
	"11": "北京", "12": "天津", "13": "河北", "14": "山西", "15": "内蒙古",
	"21": "辽宁", "22": "吉林", "23": "黑龙江",
	"31": "上海", "32": "江苏", "33": "浙江", "34": "安徽", "35": "福建", "36": "江西", "37": "山东",
	"41": "河南", "42": "湖北", "43": "湖南", "44": "广东", "45": "广西", "46": "海南",
	"50": "重庆", "51": "四川", "52": "贵州", "53": "云南", "54": "西藏",
	"61": "陕西", "62": "甘肃", "63": "青海", "64": "宁夏", "65": "新疆",
}

// permitPrefixes are the address codes of 港澳台居民居住证 numbers.
var permitPrefixes = map[string]bool{"81": true, "82": true, "83": true}

// CheckRegionCode checks a GB/T 2260 code as UnionHub stores it for orgs:
// six ASCII digits whose first two name a mainland province-level region,
// and whose county part is 00 when the prefecture part is (there is no
// XX00YY). Codes that were abolished since still pass: only the shape and
// the province are checked, never the current list.
func CheckRegionCode(s string) error {
	if s == "" {
		return fail(ReasonRequired, "请填写行政区划代码")
	}
	if len(s) != 6 || !allDigits(s) {
		return fail(ReasonRegionFormat, "行政区划代码应为6位数字")
	}
	if _, ok := provinces[s[:2]]; !ok || (s[2:4] == "00" && s[4:] != "00") {
		return fail(ReasonRegion, "行政区划代码不正确，请核对")
	}
	return nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
