package org

import (
	"errors"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/unionhub/unionhub/model"
	"github.com/unionhub/unionhub/service"
	"github.com/unionhub/unionhub/service/codes"
)

// Input is the writable profile of an org. Nil pointers are fields the
// caller did not send.
type Input struct {
	Name                *string
	Type                *string
	RegionCode          *string
	UnionKind           *string
	UnitName            *string
	USCC                *string
	UnitType            *string
	IndustryCode        *string
	Address             *string
	WorkerCount         *int
	AcceptsApplications *bool
	Status              *string
	// MembersTo is, when dissolving a union with members on the roll, the
	// union they move to (0: none); not part of the profile.
	MembersTo int64
}

// industryCode is GB/T 4754: a section letter A–T, optionally followed by
// the two-, three- or four-digit division, group or class.
var industryCode = regexp.MustCompile(`^[A-T]([0-9]{2}|[0-9]{3}|[0-9]{4})?$`)

// apply validates in and writes it onto o, reporting every bad field.
func apply(o *model.Org, in Input) error {
	bad := applyFields(o, in)
	bad = append(bad, checkKind(o)...)
	return service.Invalid(bad)
}

// CheckNew reports every bad field of in as a new org's profile, without
// a parent: for a request whose parent_id is itself bad, so that the reply
// lists the other bad fields too (API.md §1: details lists every bad field).
func CheckNew(in Input) []service.FieldError {
	o := &model.Org{Status: model.OrgActive}
	return checkNew(o, in)
}

// CheckFields reports the bad fields of in, each checked on its own (an
// edit's fields, when another part of the request is already refused).
func CheckFields(in Input) []service.FieldError {
	return applyFields(&model.Org{}, in)
}

// checkNew checks in as a new org's profile and writes it onto o.
func checkNew(o *model.Org, in Input) []service.FieldError {
	var bad []service.FieldError
	if in.Type == nil {
		bad = append(bad, service.FieldError{Field: "type", Message: "请选择组织类型"})
	}
	if in.Name == nil {
		bad = append(bad, service.FieldError{Field: "name", Message: "请填写组织名称"})
	}
	if in.RegionCode == nil {
		bad = append(bad, service.FieldError{Field: "region_code", Message: "请填写行政区划代码"})
	}
	in.Status = nil // a new org is active
	if err := apply(o, in); err != nil {
		var de *service.Error
		if errors.As(err, &de) {
			bad = append(bad, de.Fields...)
		}
	}
	return dedupe(bad)
}

// applyFields checks each field of in on its own and writes it onto o.
func applyFields(o *model.Org, in Input) []service.FieldError {
	var bad []service.FieldError
	add := func(field, msg string) { bad = append(bad, service.FieldError{Field: field, Message: msg}) }
	typeBefore := o.Type
	if in.Name != nil {
		name := strings.TrimSpace(*in.Name)
		if n := utf8.RuneCountInString(name); n < 2 || n > 100 {
			add("name", "组织名称应为2到100个字")
		} else if err := codes.CheckLine(name, "组织名称"); err != nil {
			add("name", err.Error())
		}
		o.Name = name
	}
	if in.Type != nil {
		switch *in.Type {
		case model.OrgFederation, model.OrgGrassroots:
			o.Type = *in.Type
		default:
			add("type", "组织类型应为 federation（总工会、产业工会等）或 grassroots（基层工会）")
		}
	}
	if in.RegionCode != nil {
		rc := strings.TrimSpace(*in.RegionCode)
		if err := codes.CheckRegionCode(rc); err != nil {
			add("region_code", err.Error())
		}
		o.RegionCode = rc
	}
	if in.UnionKind != nil {
		o.UnionKind = in.UnionKind
	}
	if in.UnitName != nil {
		o.UnitName = trimmedOrNil(*in.UnitName)
		if o.UnitName != nil {
			if err := codes.CheckLine(*o.UnitName, "单位名称"); err != nil {
				add("unit_name", err.Error())
			}
		}
	}
	if in.USCC != nil {
		v := codes.NormalizeUSCC(*in.USCC)
		o.USCC = trimmedOrNil(v)
		if o.USCC != nil {
			if err := codes.CheckUSCC(v); err != nil {
				add("uscc", err.Error())
			}
		}
	}
	if in.UnitType != nil {
		o.UnitType = nil
		if v := strings.TrimSpace(*in.UnitType); v != "" {
			e, ok := codes.UnitType().ByCode(v)
			if !ok {
				e, ok = codes.UnitType().Match(v)
			}
			if !ok {
				add("unit_type", "单位类型不在可选范围内")
			} else {
				o.UnitType = &e.Code
			}
		}
	}
	if in.IndustryCode != nil {
		o.IndustryCode = trimmedOrNil(strings.ToUpper(*in.IndustryCode))
		if o.IndustryCode != nil && !industryCode.MatchString(*o.IndustryCode) {
			add("industry_code", "行业代码应为国民经济行业分类代码，如 C 或 C3911")
		}
	}
	if in.Address != nil {
		o.Address = trimmedOrNil(*in.Address)
		if o.Address != nil && utf8.RuneCountInString(*o.Address) > 200 {
			add("address", "地址不能超过200个字")
		} else if o.Address != nil {
			if err := codes.CheckLine(*o.Address, "地址"); err != nil {
				add("address", err.Error())
			}
		}
	}
	if in.WorkerCount != nil {
		if *in.WorkerCount < 0 || *in.WorkerCount > 10_000_000 {
			add("worker_count", "职工人数应在0到10000000之间")
		}
		o.WorkerCount = *in.WorkerCount
	}
	if in.AcceptsApplications != nil {
		o.AcceptsApplications = *in.AcceptsApplications
	} else if o.Type != typeBefore {
		// A new org, or one changing type, takes its type's default:
		// grassroots unions accept applications, federations do not until
		// an admin makes them intake points.
		o.AcceptsApplications = o.Type == model.OrgGrassroots
	}
	if in.Status != nil {
		switch *in.Status {
		case model.OrgActive, model.OrgDissolved:
			o.Status = *in.Status
		default:
			add("status", "状态应为 active（正常）或 dissolved（撤销）")
		}
	}
	return bad
}

// checkKind applies the rules that tie fields together.
func checkKind(o *model.Org) []service.FieldError {
	var bad []service.FieldError
	if o.Type != model.OrgGrassroots {
		// Federations take no members: the grassroots fields do not apply.
		// accepts_applications stays: it makes a federation an intake point
		// (API.md §11), whose applications it assigns to its unions.
		o.UnionKind, o.UnitName, o.USCC, o.UnitType, o.IndustryCode = nil, nil, nil, nil, nil
		o.WorkerCount = 0
		return nil
	}
	if o.UnionKind == nil || *o.UnionKind == "" {
		k := model.UnionSingle
		o.UnionKind = &k
	}
	switch *o.UnionKind {
	case model.UnionSingle:
		if o.UnitName == nil {
			bad = append(bad, service.FieldError{Field: "unit_name", Message: "单独建会的基层工会须填写单位名称"})
		}
		if o.USCC == nil {
			bad = append(bad, service.FieldError{Field: "uscc", Message: "单独建会的基层工会须填写统一社会信用代码"})
		}
	case model.UnionJoint:
	default:
		bad = append(bad, service.FieldError{Field: "union_kind", Message: "建会方式应为 single（单独建会）或 joint（联合基层工会）"})
	}
	if o.UnitName != nil && utf8.RuneCountInString(*o.UnitName) > 200 {
		bad = append(bad, service.FieldError{Field: "unit_name", Message: "单位名称不能超过200个字"})
	}
	return bad
}

func trimmedOrNil(s string) *string {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	return &s
}
