package codes

// education maps the form's nine values to GB/T 4658-2006 codes (CODES.md).
// 小学及以下 takes 81 (小学毕业): the form cannot tell 90 (no schooling) apart.
var education = newDict([]Entry{
	{"11", "博士研究生"}, {"14", "硕士研究生"}, {"21", "大学本科"}, {"31", "大学专科"},
	{"41", "中专"}, {"47", "技工学校"}, {"61", "高中"}, {"71", "初中"}, {"81", "小学及以下"},
}, dictOptions{aliases: map[string]string{
	"博士研究生毕业": "博士研究生", "博士": "博士研究生",
	"硕士研究生毕业": "硕士研究生", "硕士": "硕士研究生",
	"大学本科毕业": "大学本科", "本科": "大学本科",
	"大学专科毕业": "大学专科", "大专": "大学专科", "专科": "大学专科",
	"中等专科毕业": "中专", "中等专科": "中专",
	"技工学校毕业": "技工学校", "技校": "技工学校",
	"普通高中毕业": "高中", "普通高中": "高中",
	"初中毕业": "初中",
	"小学毕业": "小学及以下", "小学": "小学及以下",
}})

// political is GB/T 4762-1984 under the short names the form uses; the
// standard's full names are aliases.
var political = newDict([]Entry{
	{"01", "中共党员"}, {"02", "中共预备党员"}, {"03", "共青团员"}, {"04", "民革党员"},
	{"05", "民盟盟员"}, {"06", "民建会员"}, {"07", "民进会员"}, {"08", "农工党党员"},
	{"09", "致公党党员"}, {"10", "九三学社社员"}, {"11", "台盟盟员"}, {"12", "无党派人士"},
	{"13", "群众"},
}, dictOptions{aliases: map[string]string{
	"中国共产党党员": "中共党员", "党员": "中共党员",
	"中国共产党预备党员": "中共预备党员", "预备党员": "中共预备党员",
	"中国共产主义青年团团员": "共青团员", "团员": "共青团员",
	"中国国民党革命委员会会员": "民革党员", "民革会员": "民革党员",
	"中国民主同盟盟员":   "民盟盟员",
	"中国民主建国会会员":  "民建会员",
	"中国民主促进会会员":  "民进会员",
	"中国农工民主党党员":  "农工党党员",
	"中国致公党党员":    "致公党党员",
	"台湾民主自治同盟盟员": "台盟盟员",
	"无党派民主人士":    "无党派人士",
}})

// householdType has no national code list in CODES.md; its codes are
// UnionHub's own and stable.
var householdType = newDict([]Entry{
	{"agricultural", "农业户口"}, {"non_agricultural", "非农业户口"}, {"resident", "居民户口"},
}, dictOptions{aliases: map[string]string{
	"农业": "农业户口", "非农业": "非农业户口", "居民": "居民户口",
}})

// workType codes are the API values of employment.work_type.
var workType = newDict([]Entry{
	{"stable", "稳定就业"}, {"floating", "流动就业"},
}, dictOptions{})

// memberStatus codes are the API values of a member's status (API.md §6).
var memberStatus = newDict([]Entry{
	{"active", "在会"}, {"retained", "保留会籍"}, {"suspended", "暂停会籍"},
	{"left", "已退会"}, {"removed", "已除名"}, {"deceased", "已故"},
}, dictOptions{})

// unitType follows the kinds of employer a grassroots union is built in,
// after the registration departments of GB 32100 (机构编制, 民政, 市场监管)
// and the village or community unions of joint unions.
var unitType = newDict([]Entry{
	{"enterprise", "企业"},
	{"public_institution", "事业单位"},
	{"government", "机关"},
	{"social_organization", "社会组织"}, // 社会团体、基金会、民办非企业单位
	{"individual_business", "个体工商户"},
	{"cooperative", "农民专业合作社"},
	{"community", "村（社区）"},
	{"other", "其他"},
}, dictOptions{})

// Education returns the 学历 list the form offers, with GB/T 4658 codes.
func Education() *Dict { return education }

// PoliticalStatus returns the 政治面貌 list (GB/T 4762).
func PoliticalStatus() *Dict { return political }

// HouseholdType returns the 户籍类型 list: agricultural, non_agricultural,
// resident.
func HouseholdType() *Dict { return householdType }

// WorkType returns the 就业形式 list: stable, floating. The API sends the
// code; the import sheet the name.
func WorkType() *Dict { return workType }

// MemberStatus returns the member statuses (API.md §6) with their Chinese
// names.
func MemberStatus() *Dict { return memberStatus }

// UnitType returns the 单位类型 list of the employer an org is built in.
func UnitType() *Dict { return unitType }

// Dicts returns the lists that GET /dicts serves, keyed as API.md §8 names
// them. Each call returns fresh slices.
func Dicts() map[string][]Entry {
	return map[string][]Entry{
		"ethnicity":        ethnicity.Entries(),
		"education":        education.Entries(),
		"political_status": political.Entries(),
		"household_type":   householdType.Entries(),
		"work_type":        workType.Entries(),
		"member_status":    memberStatus.Entries(),
		"unit_type":        unitType.Entries(),
	}
}
