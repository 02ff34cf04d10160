package codes_test

import (
	"fmt"
	"time"

	"github.com/unionhub/unionhub/service/codes"
)

func ExampleParseIDNumber() {
	now := time.Date(2026, 7, 15, 12, 0, 0, 0, shanghai)
	id, err := codes.ParseIDNumber("11010519491231002x", codes.IDTypeResident, now, shanghai)
	fmt.Println(id.Number, id.BirthDate.Format(time.DateOnly), id.Gender, err)

	_, err = codes.ParseIDNumber("11010519491231002", codes.IDTypeResident, now, shanghai)
	fmt.Println(codes.ReasonOf(err), err)
	// Output:
	// 11010519491231002X 1949-12-31 female <nil>
	// id_length 身份证号码应为18位，现在是17位
}

func ExampleCheckName() {
	name, err := codes.CheckName(" 阿依古丽•买买提 ", codes.IDTypeResident)
	fmt.Println(name, err)
	_, err = codes.CheckName("John Smith", codes.IDTypeResident)
	fmt.Println(err)
	// Output:
	// 阿依古丽·买买提 <nil>
	// 姓名请填写汉字，只有港澳台居民居住证的姓名可以用英文字母
}
