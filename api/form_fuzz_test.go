package api

import (
	"encoding/json"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/unionhub/unionhub/service/application"
)

// FuzzApplicationForm feeds arbitrary bodies through the form's JSON
// decoding and validation: nothing may panic, and every complaint must
// name a field and say something a worker can read.
func FuzzApplicationForm(f *testing.F) {
	f.Add(`{"org_id":"1","name":"张三","id_number":"11010519491231002X","ethnicity":"汉族","education":"大学本科","political_status":"群众","household_type":"农业户口","employment":{"work_type":"floating","is_dispatched":true},"photo_upload_id":"2","submit":true}`)
	f.Add(`{"org_id":12,"name":"阿依古丽·买买提","id_type":"hmt_residence_permit","id_number":"810000199001011234","proof_upload_ids":["1","2"]}`)
	f.Add(`{"employment":{"hired_on":"2099-13-40","dispatch_agency_uscc":"91350203M0001QKT19"}}`)
	f.Add(`{"name":"𠮷野家","id_number":"11010520150101001x","org_id":"-5"}`)
	f.Add(`[]`)
	loc := time.FixedZone("CST", 8*3600)
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, loc)
	f.Fuzz(func(t *testing.T, body string) {
		var req applicationForm
		if err := json.Unmarshal([]byte(body), &req); err != nil {
			return
		}
		for _, complete := range []bool{false, true} {
			for _, fe := range application.Validate(req.form(), complete, now, loc) {
				if fe.Field == "" || fe.Message == "" || !utf8.ValidString(fe.Message) {
					t.Fatalf("bad field error %+v for %q", fe, body)
				}
			}
		}
	})
}
