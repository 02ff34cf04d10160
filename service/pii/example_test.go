package pii_test

import (
	"fmt"

	"github.com/unionhub/unionhub/service/pii"
)

func ExampleCipher() {
	keys := testKeys("2026-01")
	c, err := pii.New(keys)
	if err != nil {
		panic(err)
	}
	sealed, _ := c.Encrypt(slot, "11010519491231002X") // store in id_number_enc
	plain, _ := c.Decrypt(slot, sealed)
	fmt.Println(sealed[:len("v2.2026-01.")], plain)
	fmt.Println(len(c.BlindIndexFor(pii.DomainIDNumber, "11010519491231002x"))) // store in id_number_idx
	// Output:
	// v2.2026-01. 11010519491231002X
	// 64
}

func ExampleMaskName() {
	for _, name := range []string{"张三", "王小明", "欧阳娜娜", "John Smith"} {
		fmt.Println(pii.MaskName(name))
	}
	// Output:
	// 张*
	// 王**
	// 欧阳**
	// J*** S****
}

func ExampleMaskIDNumber() {
	fmt.Println(pii.MaskIDNumber("11010519491231002X"))
	// Output: 110105********002X
}

func ExampleMaskPhone() {
	fmt.Println(pii.MaskPhone("13800138000"))
	fmt.Println(pii.MaskPhone("+86 138 0013 8000"))
	// Output:
	// 138****8000
	// +86 138 **** 8000
}
