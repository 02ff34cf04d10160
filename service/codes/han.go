package codes

// hanBlocks are the CJK ideograph blocks a name may use: the Unified block,
// Extensions A to J, and both compatibility blocks. Whole blocks are listed,
// so characters assigned after this Go release's Unicode tables still pass.
// Radicals, strokes, 〇 and private-use characters are not ideographs of a
// name and stay out.
var hanBlocks = [][2]rune{
	{0x3400, 0x4DBF},   // Extension A
	{0x4E00, 0x9FFF},   // CJK Unified Ideographs
	{0xF900, 0xFAFF},   // Compatibility Ideographs
	{0x20000, 0x2A6DF}, // Extension B
	{0x2A700, 0x2B73F}, // Extension C
	{0x2B740, 0x2B81F}, // Extension D
	{0x2B820, 0x2CEAF}, // Extension E
	{0x2CEB0, 0x2EBEF}, // Extension F
	{0x2EBF0, 0x2EE5F}, // Extension I
	{0x2F800, 0x2FA1F}, // Compatibility Ideographs Supplement
	{0x30000, 0x3134F}, // Extension G
	{0x31350, 0x323AF}, // Extension H
	{0x323B0, 0x3347F}, // Extension J
}

func isHan(r rune) bool {
	for _, b := range hanBlocks {
		if r < b[0] {
			return false
		}
		if r <= b[1] {
			return true
		}
	}
	return false
}
