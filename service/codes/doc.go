// Package codes is UnionHub's single source of the national code lists
// (GB/T 3304 民族, GB/T 4658 学历, GB/T 4762 政治面貌, GB/T 2261.1 性别, the
// union systems' 会籍变化 types and reasons) and of the check algorithms for
// ID numbers (GB 11643), unified social credit codes (GB 32100), region codes
// (GB/T 2260), names and mobile numbers. The form validator, the importer,
// GET /dicts and the national export all use it, so the rules cannot drift
// apart.
//
// Every check fails with an *Error: a Reason a caller can switch on and a
// short Chinese Message meant for the person who typed the value.
//
// Decisions callers must know:
//
//   - Lists: the form sends an entry's Name, except work_type, whose API
//     value is the Code (stable, floating); member statuses are also codes.
//     Dict.ByName accepts the canonical names only (the form); Dict.Match
//     also accepts well-known aliases such as 毛难族 or 中国共产党党员 (the
//     importer). Store the Name of the Entry returned, never the input.
//   - Ethnicity code 98 外国血统中国籍人士 is known to ByCode only, so records
//     coming back from the national system decode; it is not offered and
//     not accepted by name.
//   - ID numbers: surrounding white space is dropped and a final x is
//     upper-cased; anything else non-canonical (full-width digits, inner
//     spaces, 15-digit numbers) is refused. A resident ID must start with a
//     mainland province code (11…65); 71, 81, 82, 83 are refused, the last
//     three with a hint to choose 港澳台居民居住证. A permit must start with
//     81, 82 or 83. Birth dates run from 1900-01-01 to today. ID.BirthDate
//     is the civil date at midnight UTC: format it, never convert its zone.
//   - Age is counted in the caller's zone: a person is 16 from the start of
//     the 16th birthday; someone born on 29 February turns 16 on 1 March
//     when that year has no 29 February.
//   - USCCs are checked strictly (upper case, no spaces); NormalizeUSCC
//     prepares user input. The embedded GB 11714 organisation-code check is
//     applied only to codes from registration departments 1 (机构编制),
//     5 (民政) and 9 (市场监管), for which it was confirmed on published codes.
//     Some real Xiamen codes issued before 2016 (91350203M0001QKT19) fail the
//     GB 32100 check character itself and are refused, as API.md requires.
//   - CheckRegionCode accepts mainland codes only (no 71, 81, 82); a USCC
//     may also carry 100000, the national registration authorities.
//   - Names are trimmed, middle-dot look-alikes become U+00B7, no Unicode
//     normalisation (NFC) is applied; see CheckName.
package codes
