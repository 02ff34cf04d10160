package main

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand/v2"
	"os"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/unionhub/unionhub/service/importer"
)

// sampleNames are the people of generated import sheets.
var sampleNames = []string{"王芳", "李强", "张敏", "刘洋", "陈静", "杨帆", "赵磊", "黄丽", "周杰", "吴霞"}

// samplePhotoCmd writes a placeholder ID photo (a JPEG the upload accepts):
// `unionhub sample photo --out FILE`.
func samplePhotoCmd(args []string, e env) error {
	fs := flag.NewFlagSet("unionhub sample photo", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	out := fs.String("out", "", "the JPEG file to write (required)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("sample photo: --out FILE is required")
	}
	img := image.NewRGBA(image.Rect(0, 0, 300, 400))
	for y := range 400 {
		for x := range 300 {
			c := color.RGBA{R: 67, G: 142, B: 219, A: 255} // the blue of an ID photo
			dx, dy := x-150, y-150
			if dx*dx+dy*dy < 70*70 || (y > 240 && (x-150)*(x-150) < (y-200)*(y-200)) {
				c = color.RGBA{R: 240, G: 240, B: 240, A: 255}
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
		return err
	}
	return os.WriteFile(*out, buf.Bytes(), 0o644)
}

// sampleSheetCmd fills an import sheet with valid rows: the template from
// GET /admin/imports/template (--template, its example row replaced) or a
// new sheet with the template's headers. `unionhub sample sheet --out FILE
// [--template FILE] [--n N] [--region CODE] [--seed S]`.
func sampleSheetCmd(args []string, e env, now time.Time) error {
	fs := flag.NewFlagSet("unionhub sample sheet", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	out := fs.String("out", "", "the .xlsx file to write (required)")
	template := fs.String("template", "", "the template to fill (GET /api/v1/admin/imports/template)")
	n := fs.Int("n", 3, "rows (1–10000)")
	region := fs.String("region", "420106", "GB/T 2260 district code of the ID numbers")
	seed := fs.Uint64("seed", 0, "random seed (default: new rows each run)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("sample sheet: --out FILE is required")
	}
	if *n < 1 || *n > 10000 {
		return fmt.Errorf("sample sheet: --n must be 1 to 10000, not %d", *n)
	}
	s := *seed
	if s == 0 {
		s = uint64(now.UnixNano())
	}
	rng := rand.New(rand.NewPCG(s, s>>32|1))
	f, sheet, err := openSheet(*template)
	if err != nil {
		return err
	}
	defer f.Close()
	for i := range *n {
		id := sampleIDNumber(rng, *region, i%2 == 0, now)
		phone := fmt.Sprintf("139%08d", rng.IntN(100_000_000))
		row := []string{sampleNames[i%len(sampleNames)], id.Number, phone}
		for c, v := range row {
			cell, err := excelize.CoordinatesToCellName(c+1, i+2)
			if err != nil {
				return err
			}
			// Strings, as the template's text columns want: an ID number
			// stored as a number loses its last digits.
			if err := f.SetCellStr(sheet, cell, v); err != nil {
				return err
			}
		}
	}
	// A template's example row below the new rows, if any, goes.
	if rows, err := f.GetRows(sheet); err == nil && len(rows) > *n+1 {
		for r := len(rows); r > *n+1; r-- {
			if err := f.RemoveRow(sheet, r); err != nil {
				return err
			}
		}
	}
	return f.SaveAs(*out)
}

// openSheet opens the template, or makes a sheet with its headers.
func openSheet(template string) (*excelize.File, string, error) {
	if template != "" {
		f, err := excelize.OpenFile(template)
		if err != nil {
			return nil, "", fmt.Errorf("sample sheet: --template %s: %w", template, err)
		}
		return f, f.GetSheetName(0), nil
	}
	f := excelize.NewFile()
	sheet := f.GetSheetName(0)
	for c, h := range importer.Headers {
		cell, err := excelize.CoordinatesToCellName(c+1, 1)
		if err != nil {
			return nil, "", err
		}
		if err := f.SetCellStr(sheet, cell, h); err != nil {
			return nil, "", err
		}
	}
	return f, sheet, nil
}
